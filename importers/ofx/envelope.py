"""The envelope of an OFX file: its header, status, statements and their own fields.

The envelope is the file without its STMTTRN blocks, read by ofxparse once for the
accounts, after our checks have named what ofxparse would only raise an IndexError for.
"""

from __future__ import annotations

import re
from decimal import Decimal

from importers.base import StatementParseError
from importers.ofx.fence import read_accounts
from importers.ofx.fields import element, empty_element, parse_amount
from importers.ofx.scanner import Envelope, Section

#: ofxparse lists accounts bank first, then credit card, then investment
_KIND_ORDER = {"STMTRS": 0, "CCSTMTRS": 1, "INVSTMTRS": 2}
_KIND_NAME = {"STMTRS": "bank", "CCSTMTRS": "creditcard", "INVSTMTRS": "investment"}
_OFX_OPEN = re.compile(r"<OFX>", re.IGNORECASE)
_SGML_HEADER = re.compile(rb"^\s*(ENCODING|CHARSET)\s*:\s*([\w.-]+)", re.IGNORECASE | re.MULTILINE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([\w.-]+)", re.IGNORECASE)
_STATUS = re.compile(r"<STATUS>(.*?)</STATUS>", re.IGNORECASE | re.DOTALL)


def declared_encoding(head: bytes) -> str | None:
    """Name the encoding the XML declaration or the 1.x header claims, if any."""
    xml = _XML_ENCODING.search(head)
    if xml:
        return xml.group(1).decode()
    header = {key.upper(): value for key, value in _SGML_HEADER.findall(head)}
    encoding = header.get(b"ENCODING", b"").decode().upper()
    charset = header.get(b"CHARSET", b"").decode()
    if encoding in ("", "USASCII"):
        return charset if charset and charset.upper() != "NONE" else ("1252" if encoding else None)
    return encoding


def parse_envelope(envelope: Envelope) -> list:
    """Check the envelope and give ofxparse's account for each section, in file order."""
    _check_statuses(envelope.text)
    if not envelope.sections:
        raise StatementParseError(
            "the file holds no statement (no {bank_tag}, {card_tag} or {investment_tag})",
            bank_tag="STMTRS",
            card_tag="CCSTMTRS",
            investment_tag="INVSTMTRS",
        )
    for section in envelope.sections:
        _check_section(section.text(envelope.encoding), section.line)
    start = _OFX_OPEN.search(envelope.text)
    if start is None:
        raise StatementParseError("not an OFX file: no <OFX> element")
    if not re.search(r"</OFX>", envelope.text, re.IGNORECASE):
        raise StatementParseError("the file ends before </OFX>: it is truncated")
    accounts = read_accounts(envelope.text[start.start() :])
    return _in_file_order(envelope.sections, accounts)


def _in_file_order(sections: list[Section], accounts: list) -> list:
    """Pair ofxparse's accounts (grouped bank, credit card, investment) with our sections."""
    by_kind = sorted(range(len(sections)), key=lambda i: _KIND_ORDER[sections[i].kind])
    if len(accounts) < len(sections):
        raise StatementParseError(
            "{package} found fewer statements than the file holds", package="ofxparse"
        )
    aligned = [None] * len(sections)
    for index, account in zip(by_kind, accounts, strict=False):
        aligned[index] = account
    return aligned


def _check_section(text: str, line: int) -> None:
    """Name the empty element ofxparse would only report as an IndexError."""
    for tag in ("CURDEF", "ACCTID", "DTSTART", "DTEND", "BALAMT"):
        empty = empty_element(text, tag)
        if empty is not None:
            raise StatementParseError(
                "{tag} is empty", line=line + text.count("\n", 0, empty), field=tag, tag=tag
            )


def _check_statuses(text: str) -> None:
    for status in _STATUS.findall(text):
        if (element(status, "SEVERITY") or "").upper() == "ERROR":
            code, message = element(status, "CODE"), element(status, "MESSAGE")
            if not message:
                raise StatementParseError(
                    "the bank reports an error (code {code}): no message", code=str(code)
                )
            raise StatementParseError(
                "the bank reports an error (code {code}): {bank_message}",
                code=str(code),
                bank_message=message,
            )


def ledger_balance(text: str, line: int) -> Decimal | None:
    """Read a section's LEDGERBAL amount, the closing balance."""
    ledger = re.search(r"<LEDGERBAL>(.*?)</LEDGERBAL>", text, re.IGNORECASE | re.DOTALL)
    amount = element(ledger.group(1), "BALAMT") if ledger else None
    if ledger and amount is None:
        raise StatementParseError("{tag} has no amount", line=line, field="BALAMT", tag="LEDGERBAL")
    return parse_amount(amount, line, "BALAMT") if amount is not None else None


def statement_extra(section: Section, account, ofx_statement) -> dict:
    """Give what a statement carries beyond the common fields."""
    extra = {"kind": _KIND_NAME[section.kind], "transactions_in_file": section.transactions}
    for key, value in (
        ("bank_id", account.routing_number),
        ("branch_id", account.branch_id),
        ("account_type", account.account_type),
        ("available_balance", getattr(ofx_statement, "available_balance", None)),
        ("available_cash", getattr(ofx_statement, "available_cash", None)),
    ):
        if value not in (None, ""):
            extra[key] = value
    if section.kind == "INVSTMTRS":
        # security trades move units, not the account's cash: reported, not imported
        extra["security_transactions"] = len(ofx_statement.transactions)
    return extra
