"""CamtImporter against the genkgo/camt golden files and hostile XML."""

import io
import json
import re
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from importers.base import StatementParseError
from importers.camt import CamtImporter

from .samples import GENKGO

DATA = Path(__file__).resolve().parents[2] / "data" / "camt"
MINOR_UNITS = {"JPY": 0}


def camt_samples() -> list[Path]:
    return sorted(GENKGO.glob("*.xml"))


def parse_file(path: Path) -> list[tuple]:
    with path.open("rb") as stream:
        return [(statement, list(statement.lines)) for statement in CamtImporter().parse(stream)]


def parse_bytes(data: bytes) -> list[tuple]:
    return [(s, list(s.lines)) for s in CamtImporter().parse(io.BytesIO(data))]


def minor(amount: Decimal, currency: str) -> int:
    return int((amount * 10 ** MINOR_UNITS.get(currency, 2)).to_integral_value())


def expected_entries(path: Path) -> list[dict]:
    return json.loads(path.with_suffix(".json").read_text())["getEntries"]


@pytest.mark.parametrize(
    "path", [p for p in camt_samples() if p.with_suffix(".json").exists()], ids=lambda p: p.name
)
def test_every_camt_sample_matches_the_upstream_parse(path):
    statements = parse_file(path)
    for entry in expected_entries(path):
        record = entry["getRecord"]
        statement, lines = next(
            (s, ls) for s, ls in statements if s.extra["statement_id"] == record["getId"]
        )
        assert statement.account == record["getAccount"]["getIdentification"]
        assert_balances(statement, record.get("getBalances") or [])
        if entry["getStatus"] != "BOOK":
            assert statement.extra["pending_skipped"] >= 1
            continue
        assert_entry(entry, lines)


def assert_balances(statement, balances):
    opening = [b for b in balances if b["getType"] == "opening"]
    closing = [b for b in balances if b["getType"] == "closing"]
    for found, wanted in (
        (statement.opening_balance, opening),
        (statement.closing_balance, closing),
    ):
        if wanted:
            amount = wanted[0]["getAmount"]
            assert minor(found, amount["getCurrency"]["getCode"]) == int(amount["getAmount"])
        else:
            assert found is None


def assert_entry(entry, lines):
    amount = entry["getAmount"]
    currency = amount["getCurrency"]["getCode"]
    line = next(x for x in lines if minor(x.amount, currency) == int(amount["getAmount"]))
    assert line.currency == currency
    assert (line.amount < 0) == (entry["getCreditDebitIndicator"] == "DBIT")
    assert line.bank_reference == entry.get("getAccountServicerReference")
    if booked := entry.get("getBookingDate"):
        assert line.booked_on.isoformat() == booked["0"][:10]
    if valued := entry.get("getValueDate"):
        assert line.value_date.isoformat() == valued["0"][:10]
    detail = entry.get("getTransactionDetail") or {}
    if message := (detail.get("getRemittanceInformation") or {}).get("getMessage"):
        assert message in line.remark
    if e2e := (detail.get("getReference") or {}).get("getEndToEndId"):
        assert line.extra.get("end_to_end_id") == e2e
    assert_counterparty(detail, line)


def assert_counterparty(detail, line):
    wanted_class = "Debtor" if line.amount > 0 else "Creditor"
    for party in detail.get("getRelatedParties") or []:
        kind = party["getRelatedPartyType"]
        if not isinstance(kind, dict) or not kind["__CLASS__"].endswith("\\" + wanted_class):
            continue
        assert line.counterparty_name == kind.get("getName")
        if account := party.get("getAccount"):
            assert line.counterparty_account == account["getIdentification"]


def test_every_camt_sample_yields_as_many_booked_lines_as_it_has_booked_entries():
    for path in camt_samples():
        if path.name == "camt053.v2.wrong.xml":
            continue
        text = path.read_text()
        pending = text.count(">PDNG<")
        lines = [line for _, ls in parse_file(path) for line in ls]
        assert len(lines) == text.count("<Ntry>") - pending, path.name


def test_a_camt_document_without_a_statement_is_rejected_with_the_reason():
    with pytest.raises(StatementParseError, match="no statement"):
        parse_file(GENKGO / "camt053.v2.wrong.xml")


def test_a_batch_whose_details_add_up_becomes_one_line_per_detail():
    ((_, lines),) = parse_file(DATA / "batch_reversal_pending.xml")
    first, second = lines[0], lines[1]
    assert (first.amount, second.amount) == (Decimal("100.00"), Decimal("200.00"))
    assert first.counterparty_name == "张三"
    assert first.counterparty_account == "6222000011112222"
    assert first.sub_account == "11006012345678900001"
    assert second.sub_account == "11006012345678900002"
    assert first.counterparty_bank == "ICBKCNBJ"
    assert first.remark == "（2024）京0105执1234号 / 执行款"
    assert first.bank_reference == "B-001"
    assert first.booked_at.isoformat() == "2024-03-01T09:30:00"
    assert first.raw.startswith("<TxDtls") and "李四" not in first.raw


def test_raw_keeps_chinese_text_readable_and_drops_blank_text_between_tags():
    ((_, lines),) = parse_file(DATA / "batch_reversal_pending.xml")
    first, reversal = lines[0], lines[2]
    assert "<Nm>张三</Nm>" in first.raw and "&#" not in first.raw
    assert "（2024）京0105执1234号" in first.raw
    assert "> " not in first.raw and ">\n" not in first.raw
    assert reversal.raw.startswith('<Ntry xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">')
    assert reversal.raw.endswith("</Ntry>")


def test_a_whitespace_only_remark_is_no_remark_and_leaves_no_blank_in_raw():
    data = (DATA / "batch_reversal_pending.xml").read_bytes()
    ((_, lines),) = parse_bytes(data.replace("<Ustrd>退回</Ustrd>".encode(), b"<Ustrd>  </Ustrd>"))
    assert lines[2].remark is None
    assert "<Ustrd></Ustrd>" in lines[2].raw


def test_only_the_first_element_of_a_name_counts_at_each_step_of_a_path():
    data = (DATA / "batch_reversal_pending.xml").read_bytes()
    second = "<RmtInf><Ustrd>退回</Ustrd></RmtInf>".encode()
    data = data.replace(second, second + b"<RmtInf><Ustrd>ignored</Ustrd></RmtInf>")
    data = data.replace("<Cdtr><Nm>王五</Nm></Cdtr>".encode(), b"<Cdtr/><Cdtr><Nm>x</Nm></Cdtr>")
    ((_, lines),) = parse_bytes(data)
    assert lines[2].remark == "退回"
    assert lines[2].counterparty_name is None


def test_a_document_with_a_namespace_prefix_reads_the_same():
    plain = (DATA / "batch_reversal_pending.xml").read_bytes()
    prefixed = re.sub(rb"<(/?)(\w+)", rb"<\1c:\2", plain).replace(b" xmlns=", b" xmlns:c=")
    ((_, expected),) = parse_bytes(plain)
    ((statement, lines),) = parse_bytes(prefixed)
    assert statement.account == "110060123456789"
    assert [(x.amount, x.counterparty_name, x.remark, x.sub_account) for x in lines] == [
        (x.amount, x.counterparty_name, x.remark, x.sub_account) for x in expected
    ]
    assert lines[0].raw.startswith("<c:TxDtls")


def test_a_reversal_keeps_the_sign_of_its_own_indicator_and_is_marked():
    ((_, lines),) = parse_file(DATA / "batch_reversal_pending.xml")
    reversal = lines[2]
    assert reversal.amount == Decimal("-50.00")
    assert reversal.extra["reversal"] is True
    assert reversal.counterparty_name == "王五"
    assert reversal.sub_account is None


def test_pending_entries_are_counted_but_not_yielded_and_balances_agree():
    ((statement, lines),) = parse_file(DATA / "batch_reversal_pending.xml")
    assert statement.extra["pending_skipped"] == 1
    assert statement.account == "110060123456789"
    assert statement.currency == "CNY"
    assert statement.opening_balance + sum(x.amount for x in lines) == statement.closing_balance
    assert str(statement.period_start) == str(statement.period_end) == "2024-03-01"


def test_an_entity_expansion_bomb_is_refused_before_expansion():
    with pytest.raises(StatementParseError, match="DOCTYPE"):
        parse_file(DATA / "billion_laughs.xml")


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(StatementParseError, match="DOCTYPE") as caught:
        parse_file(DATA / "xxe_passwd.xml")
    assert "root:" not in str(caught.value)


def test_truncated_xml_is_rejected_with_its_line():
    data = (DATA / "batch_reversal_pending.xml").read_bytes()[:1500]
    with pytest.raises(StatementParseError, match="not well-formed") as caught:
        parse_bytes(data)
    assert caught.value.line is not None


def test_a_non_numeric_amount_names_the_xml_path_and_line():
    data = (DATA / "batch_reversal_pending.xml").read_bytes().replace(b">50.00<", b">5O.00<")
    with pytest.raises(StatementParseError) as caught:
        parse_bytes(data)
    assert caught.value.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt"
    assert (
        caught.value.line
        == data.split(b"\n").index(
            b'        <Amt Ccy="CNY">5O.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>'
        )
        + 1
    )


def test_a_file_over_the_size_limit_is_refused():
    data = (DATA / "batch_reversal_pending.xml").read_bytes()
    with pytest.raises(StatementParseError, match="limit"):
        list(CamtImporter(max_bytes=1000).parse(io.BytesIO(data)))


def test_empty_and_binary_files_are_rejected():
    for data in (b"", bytes(range(256)) * 4):
        with pytest.raises(StatementParseError):
            parse_bytes(data)


def test_identify_recognises_camt_and_not_csv():
    assert CamtImporter().identify((DATA / "batch_reversal_pending.xml").read_bytes()[:2048])
    assert not CamtImporter().identify(b"Date,Amount\n2024-01-01,1.00\n")


class _GeneratedCamt(io.RawIOBase):
    """A CAMT.053 file of many entries, produced while read (nothing held in memory)."""

    ENTRY = (
        b'<Ntry><Amt Ccy="CNY">12.34</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        b"<BookgDt><Dt>2024-01-02</Dt></BookgDt><AcctSvcrRef>R%d</AcctSvcrRef><NtryDtls><TxDtls>"
        b"<RltdPties><Dbtr><Nm>Payer</Nm></Dbtr><CdtrAcct><Id><Othr><Id>SUB%d</Id></Othr></Id>"
        b"</CdtrAcct></RltdPties><RmtInf><Ustrd>case %d</Ustrd></RmtInf></TxDtls></NtryDtls>"
        b"</Ntry>\n"
    )

    def __init__(self, entries: int) -> None:
        self.parts = self._parts(entries)
        self.pending = b""

    def _parts(self, entries):
        yield (
            b'<?xml version="1.0"?>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            b"<Stmt><Id>G</Id><Acct><Id><Othr><Id>1</Id></Othr></Id></Acct>\n"
        )
        for number in range(entries):
            yield self.ENTRY % (number, number, number)
        yield b"</Stmt></BkToCstmrStmt></Document>"

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            part = next(self.parts, None)
            if part is None:
                break
            self.pending += part
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def test_entries_stream_in_bounded_memory():
    # Held in memory, 5,000 lines take over 5 MB; streamed, only a few entries are alive.
    lines = CamtImporter().parse(io.BufferedReader(_GeneratedCamt(5_000)))
    tracemalloc.start()
    try:
        count = sum(1 for statement in lines for _ in statement.lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 2 * 1024 * 1024
