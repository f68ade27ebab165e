"""One OFX transaction as a StatementLine: ofxparse's reading joined with our own."""

from __future__ import annotations

from importers.base import StatementLine, StatementParseError
from importers.ofx.fields import aggregate, destination, element, local_date, parse_amount


def statement_line(txn, text: str, line: int, currency: str | None) -> StatementLine:
    """Build a StatementLine from ofxparse's transaction and the block's own text."""
    posted = element(text, "DTPOSTED")
    if posted is None:
        raise StatementParseError(
            "transaction has no {tag}", line=line, field="DTPOSTED", tag="DTPOSTED"
        )
    booked_on, booked_at = local_date(posted, line, "DTPOSTED")
    available = element(text, "DTAVAIL")
    line_currency = element(aggregate(text, "CURRENCY") or "", "CURSYM") or currency
    if not line_currency:
        raise StatementParseError(
            "no currency: the statement has no {tag}", line=line, tag="CURDEF"
        )
    return StatementLine(
        booked_on=booked_on,
        booked_at=booked_at,
        value_date=local_date(available, line, "DTAVAIL")[0] if available else None,
        amount=parse_amount(element(text, "TRNAMT"), line, "TRNAMT"),
        currency=line_currency.upper(),
        bank_reference=txn.id or None,
        counterparty_name=txn.payee or None,
        counterparty_account=destination(text, "ACCTID"),
        counterparty_bank=destination(text, "BANKID"),
        remark=txn.memo or None,
        raw=text,
        source_line=line,
        extra=_line_extra(txn, text),
    )


def _line_extra(txn, text: str) -> dict:
    extra = {"type": txn.type}
    for key, value in (
        ("check_number", txn.checknum),
        ("sic", txn.sic),
        ("refnum", element(text, "REFNUM")),
        ("payee_id", element(text, "PAYEEID")),
        ("dtuser", element(text, "DTUSER")),
    ):
        if value:
            extra[key] = value
    return extra
