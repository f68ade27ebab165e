"""Voiding an import (撤销导入): an approved request that takes a wrong statement back.

A void is asked for by finance with a reason and decided like any other request. Once
approved, every posting the import made is reversed, its lines become `void`, and the file
may be imported again. It is refused while money the import brought has moved on:
`blockers` says what stands in the way, one entry per use.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import N_, Conflict, Message
from reconcile.ledger import Balance
from reconcile.lifecycle import Lifecycle
from reconcile.money import format_yuan


class VoidStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  #: the import is reversed
    REJECTED = "rejected"


class VoidAction(StrEnum):
    APPROVE_IN_PART = APPROVED_IN_PART
    APPROVE = APPROVED
    REJECT = REJECTED


VOID_LIFECYCLE = Lifecycle(
    "statement void", VoidStatus, VoidAction, approval_moves(VoidStatus, VoidAction)
)


class MoneyUse(StrEnum):
    """How money an import brought can have moved on since (each blocks its void)."""

    PAID_OUT = "paid_out"  #: paid from the case it was placed on
    HELD = "held"  #: held as disputed on that case
    RESERVED = "reserved"  #: reserved by a payment request, or approved and unpaid
    ASSIGNED = "assigned"  #: an orphan assigned to a case, or a match taken off it, since
    REFUNDED = "refunded"  #: an orphan refunded to its payer, or its refund requested
    SETTLED_PAYMENT = "settled_payment"  #: a debit of the import confirmed a payment


class StatementMoneyUsed(Conflict):
    """A void of an import whose money has been used since; `blockers` lists the uses."""

    code = "statement_money_used"


class VoidPending(Conflict):
    """The import has a void awaiting approval, or is voided already."""

    code = "statement_void_pending"


@dataclass(frozen=True, slots=True)
class CaseCredit:
    """What an import placed on one case, and that case's balance now."""

    case_id: int
    case_number: str
    credited: int  #: fen the import's lines still place on the case
    balance: Balance


def case_blockers(credit: CaseCredit) -> list[dict]:
    """Return the uses that stop the case giving back what the import placed on it.

    Money on a case is not earmarked: the case can give it back while what is left after
    holds, reservations and payments covers it. Short of that, every bucket using money
    is named, with its amount.
    """
    if credit.balance.unreserved >= credit.credited:
        return []
    b = credit.balance
    uses = (
        (MoneyUse.PAID_OUT, b.paid),
        (MoneyUse.HELD, b.held),
        (MoneyUse.RESERVED, b.pending + b.approved_unpaid),
    )
    return [
        {
            "use": str(use),
            "case_id": credit.case_id,
            "case_number": credit.case_number,
            "amount": format_yuan(amount),
            "shortfall": format_yuan(credit.credited - max(0, b.unreserved)),
        }
        for use, amount in uses
        if amount > 0
    ]


def line_blocker(use: MoneyUse, line: dict) -> dict:
    """Return the blocker of one line that moved on since the import."""
    return {
        "use": str(use),
        "transaction_id": line["id"],
        "case_id": line.get("case_id"),
        "amount": format_yuan(line["amount"]),
    }


def refuse_if_used(blockers: list[dict]) -> None:
    """Refuse the void, naming each use, when there is any."""
    if blockers:
        uses = sorted({b["use"] for b in blockers})
        raise StatementMoneyUsed(
            "money from this import has been used since ({uses}): undo those uses first",
            blockers=blockers,
            uses=[_USE_SAID.get(use, Message(use)) for use in uses],
        )


#: how the refusal names each use (MoneyUse)
_USE_SAID = {
    MoneyUse.PAID_OUT: Message(N_("paid_out")),
    MoneyUse.HELD: Message(N_("held")),
    MoneyUse.RESERVED: Message(N_("reserved")),
    MoneyUse.ASSIGNED: Message(N_("assigned")),
    MoneyUse.REFUNDED: Message(N_("refunded")),
    MoneyUse.SETTLED_PAYMENT: Message(N_("settled_payment")),
}
