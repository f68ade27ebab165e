"""Closing a case (结案): how it ends (art. 64 of the 若干问题的规定), and what may not be
left on it — art. 12 asks the system to stop "先结案、后发放" (closing first, paying later).

A case closes only when everything it received has been paid out (received − paid = 0),
no hold is active, no disbursement is on its way (requested, in review, approved, marked
paid and unconfirmed) and no deferral is open. The refusal lists each blocker.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reconcile.errors import N_, Conflict, Message, ValidationFailed
from reconcile.ledger import Balance


class ClosureType(StrEnum):
    COMPLETED = "completed"  #: 执行完毕
    TERMINATED_THIS_ROUND = "terminated_this_round"  #: 终结本次执行程序 (may resume)
    TERMINATED = "terminated"  #: 终结执行
    WITHDRAWN = "withdrawn"  #: 销案
    NOT_ENFORCED = "not_enforced"  #: 不予执行
    REJECTED = "rejected"  #: 驳回申请


class CaseHasFunds(Conflict):
    """A case with money, holds, payments or deferrals on it may not be closed."""

    code = "case_has_funds"


@dataclass(frozen=True)
class OpenBusiness:
    """What is still open on a case, as the stores count it."""

    active_holds: int
    open_disbursements: int
    open_deferrals: int


def closure_type(value: str | None) -> ClosureType:
    """Return the closure type a close asks for, or refuse a missing or unknown one."""
    try:
        return ClosureType(value)
    except ValueError:
        raise ValidationFailed(
            "closing a case needs its closure_type, one of {choices}",
            field="closure_type",
            choices=", ".join(ClosureType),
        ) from None


def check_closable(balance: Balance, open_business: OpenBusiness) -> None:
    """Raise CaseHasFunds listing every reason the case may not close yet."""
    blockers = []
    if balance.on_account:
        blockers.append({"reason": "money_on_account", "amount": balance.on_account})
    if open_business.active_holds:
        blockers.append({"reason": "active_holds", "count": open_business.active_holds})
    if open_business.open_disbursements:
        blockers.append({"reason": "open_disbursements", "count": open_business.open_disbursements})
    if open_business.open_deferrals:
        blockers.append({"reason": "open_deferrals", "count": open_business.open_deferrals})
    if blockers:
        raise CaseHasFunds(
            "the case still has {open_items}: pay out, release or end them first",
            blockers=blockers,
            open_items=[_BLOCKER_SAID[b["reason"]] for b in blockers],
        )


#: how the refusal names each blocker
_BLOCKER_SAID = {
    "money_on_account": Message(N_("money on account")),
    "active_holds": Message(N_("active holds")),
    "open_disbursements": Message(N_("open disbursements")),
    "open_deferrals": Message(N_("open deferrals")),
}
