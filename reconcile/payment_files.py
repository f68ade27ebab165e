"""Payment files (付款文件): reviewed payments, written for the bank's online banking.

One batch, three renderings of the same lines: CSV and XLSX (the layout finance keys or
uploads as a 批量代发/批量转账 file) and ISO 20022 pain.001.001.03 (customer credit
transfer initiation, for banks that take it). Each line carries the disbursement's
reference in the 附言 (RmtInf/Ustrd) and as the EndToEndId, which the bank returns on the
statement: the debit that carries it settles exactly that payment (reconcile/debits.py).

Rendering is pure: the same batch gives the same CSV and pain.001 bytes; the service
keeps the bytes of each batch as first rendered, so a download again is the same file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from openpyxl import Workbook

from reconcile.amount_in_words import in_capitals
from reconcile.money import fen_to_decimal, format_yuan

PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
FORMATS = ("csv", "xlsx", "pain.001")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pain.001": "application/xml",
}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "pain.001": "xml"}
#: the columns of the CSV and XLSX files, Chinese with English
COLUMNS = (
    "序号 No.",
    "付款账号 Debtor account",
    "收款人户名 Payee name",
    "收款账号 Payee account",
    "收款开户行 Payee bank",
    "联行号 CNAPS",
    "金额 Amount",
    "金额大写 Amount in words",
    "附言 Remark",
    "业务参考号 Reference",
)
AMOUNT_FORMAT = "#,##0.00"
_MAX_TEXT = 140  #: Max140Text


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """One payment of a file."""

    line: int  #: 1 = first
    disbursement_id: int
    reference: str  #: AK + ten digits (reconcile.disbursements.reference_of)
    case_number: str | None
    payee_name: str | None
    payee_account: str
    payee_bank: str | None
    cnaps: str | None  #: the payee bank's CNAPS (大额支付系统行号), where known
    amount: int  #: fen
    debtor_account: str  #: the collection account it leaves from
    debtor_bank: str
    currency: str

    @property
    def remark(self) -> str:
        """The 附言: the case number and the reference."""
        return " ".join(p for p in (self.case_number, self.reference) if p)


@dataclass(frozen=True, slots=True)
class PaymentFile:
    """A batch as the bank is sent it."""

    batch_id: int
    court_name: str
    created_at: datetime  #: aware, in the court's time
    lines: tuple[PaymentLine, ...]

    @property
    def message_id(self) -> str:
        return f"PB{self.batch_id:010d}"

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.lines)


def render(payment_file: PaymentFile) -> dict[str, bytes]:
    """Return the file in every format: {"csv": …, "xlsx": …, "pain.001": …}."""
    return {
        "csv": render_csv(payment_file),
        "xlsx": render_xlsx(payment_file),
        "pain.001": render_pain001(payment_file),
    }


def _row(p: PaymentLine) -> list:
    return [
        p.line,
        p.debtor_account,
        p.payee_name or "",
        p.payee_account,
        p.payee_bank or "",
        p.cnaps or "",
        fen_to_decimal(p.amount),
        in_capitals(p.amount),
        p.remark,
        p.reference,
    ]


def render_csv(payment_file: PaymentFile) -> bytes:
    """Return the CSV (UTF-8 with BOM, which Excel and online banking read as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for p in payment_file.lines:
        row = _row(p)
        row[6] = format_yuan(p.amount)
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(payment_file: PaymentFile) -> bytes:
    """Return the XLSX: amounts are numbers formatted #,##0.00, with a total row."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"付款文件 {payment_file.message_id}"[:31]
    sheet.append(COLUMNS)
    for p in payment_file.lines:
        sheet.append(_row(p))
        sheet.cell(row=sheet.max_row, column=7).number_format = AMOUNT_FORMAT
    sheet.append(["合计 Total", None, None, None, None, None, fen_to_decimal(payment_file.total)])
    sheet.cell(row=sheet.max_row, column=7).number_format = AMOUNT_FORMAT
    for column, width in zip("ABCDEFGHIJ", (8, 24, 28, 26, 28, 14, 16, 30, 40, 16), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.created = book.properties.modified = payment_file.created_at.replace(
        tzinfo=None
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pain001(payment_file: PaymentFile) -> bytes:
    """Return the pain.001.001.03 document: one PmtInf per collection account."""
    ET.register_namespace("", PAIN_001)
    root = ET.Element(_q("Document"))
    initiation = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", payment_file.message_id)
    _sub(header, "CreDtTm", payment_file.created_at.isoformat(timespec="seconds"))
    _sub(header, "NbOfTxs", str(len(payment_file.lines)))
    _sub(header, "CtrlSum", _decimal(payment_file.total))
    _sub(_sub(header, "InitgPty"), "Nm", _text(payment_file.court_name))
    accounts: dict[str, list[PaymentLine]] = {}
    for p in payment_file.lines:
        accounts.setdefault(p.debtor_account, []).append(p)
    for number, (account, lines) in enumerate(accounts.items(), 1):
        _instruction(initiation, payment_file, number, account, lines)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _instruction(parent, payment_file: PaymentFile, number: int, account: str, lines) -> None:
    first = lines[0]
    info = _sub(parent, "PmtInf")
    _sub(info, "PmtInfId", f"{payment_file.message_id}-{number}")
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "NbOfTxs", str(len(lines)))
    _sub(info, "CtrlSum", _decimal(sum(p.amount for p in lines)))
    _sub(info, "ReqdExctnDt", payment_file.created_at.date().isoformat())
    _sub(_sub(info, "Dbtr"), "Nm", _text(payment_file.court_name))
    debtor_account = _sub(info, "DbtrAcct")
    _sub(_sub(_sub(debtor_account, "Id"), "Othr"), "Id", account)
    _sub(debtor_account, "Ccy", first.currency)
    _sub(_sub(_sub(info, "DbtrAgt"), "FinInstnId"), "Nm", _text(first.debtor_bank))
    for p in lines:
        _transaction(info, p)


def _transaction(parent, p: PaymentLine) -> None:
    tx = _sub(parent, "CdtTrfTxInf")
    ids = _sub(tx, "PmtId")
    _sub(ids, "InstrId", str(p.line))
    _sub(ids, "EndToEndId", p.reference)
    amount = _sub(_sub(tx, "Amt"), "InstdAmt", _decimal(p.amount))
    amount.set("Ccy", p.currency)
    agent = _sub(_sub(tx, "CdtrAgt"), "FinInstnId")
    if p.cnaps:
        member = _sub(agent, "ClrSysMmbId")
        _sub(_sub(member, "ClrSysId"), "Cd", "CNAPS")
        _sub(member, "MmbId", p.cnaps)
    _sub(agent, "Nm", _text(p.payee_bank or "-"))
    _sub(_sub(tx, "Cdtr"), "Nm", _text(p.payee_name or p.payee_account))
    _sub(_sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "Othr"), "Id", p.payee_account)
    _sub(_sub(tx, "RmtInf"), "Ustrd", _text(p.remark))


def _q(tag: str) -> str:
    return f"{{{PAIN_001}}}{tag}"


def _sub(parent, tag: str, text: str | None = None):
    element = ET.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _decimal(fen: int) -> str:
    return format(fen_to_decimal(fen).quantize(Decimal("0.01")), "f")


def _text(text: str) -> str:
    return text[:_MAX_TEXT]
