"""A statement line as the ledger sees it: direction, fen, and the key that stores it once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from importers.base import StatementLine, StatementParseError
from reconcile.account_numbers import normalise_account_number
from reconcile.lifecycle import Lifecycle
from reconcile.money import InvalidAmount, check_amount, decimal_to_fen


class LineStatus(StrEnum):
    """Where a statement line stands. A credit starts matched or orphan, a debit
    reconciled or flagged, as the import explains it."""

    MATCHED = "matched"  #: a credit on exactly one case
    ORPHAN = "orphan"  #: a credit on no case yet (不明款), on the suspense ledger
    REFUNDING = "refunding"  #: an orphan whose refund to the payer awaits approval/payment
    REFUNDED = "refunded"  #: an orphan paid back to the payer
    RECONCILED = "reconciled"  #: a debit that settles an approved payment
    FLAGGED = "flagged"  #: a debit that settles nothing: alerted
    NON_CASE = "non_case"  #: not case money (利息, 手续费, 本院划转): a line rule decided it
    VOID = "void"  #: its import was voided (撤销导入): its postings are reversed; kept, inert


class LineAction(StrEnum):
    ASSIGN = "assigned"  #: staff place an orphan on a case
    UNASSIGN = "unassigned"  #: staff take a credit off its case
    REQUEST_REFUND = "refund requested"
    REFUND_PAID = "refund paid"
    REFUND_REJECTED = "refund rejected"
    VOID = "voided"  #: an approved statement void takes the line back


L = LineStatus
LINE_LIFECYCLE = Lifecycle(
    "transaction",
    LineStatus,
    LineAction,
    {
        (L.ORPHAN, LineAction.ASSIGN): L.MATCHED,
        (L.MATCHED, LineAction.UNASSIGN): L.ORPHAN,
        (L.ORPHAN, LineAction.REQUEST_REFUND): L.REFUNDING,
        (L.REFUNDING, LineAction.REFUND_PAID): L.REFUNDED,
        (L.REFUNDING, LineAction.REFUND_REJECTED): L.ORPHAN,
        # a void takes back a line only as its import left it; one that moved on blocks it
        (L.MATCHED, LineAction.VOID): L.VOID,
        (L.ORPHAN, LineAction.VOID): L.VOID,
        (L.FLAGGED, LineAction.VOID): L.VOID,
        (L.NON_CASE, LineAction.VOID): L.VOID,
    },
)


#: A bank reference identifies a line only together with what the bank says of it: banks
#: reuse references (凭证号 and 日志号 are per-day serials), and the same reference may
#: stand on a credit and on its reversal. The collection account is the key's scope.
_REF_KEY = "ref:{direction}:{booked_on}:{fen}:{reference}"
_FINGERPRINT_KEY = "fp:{digest}"


@dataclass(frozen=True, slots=True)
class LineFacts:
    direction: str  #: credit | debit
    amount: int  #: fen, positive
    base_key: str  #: the dedupe key before its occurrence number within the file
    counterparty_account: str | None


def line_facts(line: StatementLine) -> LineFacts:
    """Return direction, fen and dedupe base key; refuse amounts the ledger cannot hold."""
    try:
        fen = check_amount(decimal_to_fen(line.amount))
    except InvalidAmount as e:
        # `reason` is the constructor's own parameter (the template): the fact is `problem`
        raise StatementParseError(
            "{problem}", line=line.source_line, field="amount", problem=e
        ) from e
    if fen == 0:
        raise StatementParseError(
            "a line of zero moves no money", line=line.source_line, field="amount"
        )
    direction = "credit" if fen > 0 else "debit"
    account = normalise_account_number(line.counterparty_account or "") or None
    return LineFacts(direction, abs(fen), _base_key(line, direction, abs(fen), account), account)


def _base_key(line: StatementLine, direction: str, fen: int, account: str | None) -> str:
    reference = (line.bank_reference or "").strip()
    if reference:
        key = _REF_KEY.format(
            direction=direction, booked_on=line.booked_on.isoformat(), fen=fen, reference=reference
        )
        return key[:150]
    parts = (
        line.booked_on.isoformat(),
        str(line.amount),
        line.currency or "",  # an MT940 :61: before any balance has none
        account or "",
        (line.counterparty_name or "").strip(),
        (line.remark or "").strip(),
        line.booked_at.isoformat() if line.booked_at else "",
        line.value_date.isoformat() if line.value_date else "",
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()
    return _FINGERPRINT_KEY.format(digest=digest)
