"""OfxImporter against ofxparse's own fixtures and our hand-made Chinese bank files."""

from __future__ import annotations

import io
import os
import tracemalloc
from datetime import date, datetime
from decimal import Decimal

import pytest

from importers.base import StatementParseError
from importers.ofx import OfxImporter

from .samples import OFXPARSE

GBK_SGML = "ofx/gbk_sgml_claiming_1252.ofx"
GBK_XML = "ofx/gbk_xml_encoding_gbk.ofx"


def parse_bytes(data: bytes, **options) -> list[tuple]:
    """Parse a whole file, returning (statement, lines) pairs with the lines consumed."""
    return [(s, list(s.lines)) for s in OfxImporter(**options).parse(io.BytesIO(data))]


def parse_path(path, **options) -> list[tuple]:
    return parse_bytes(path.read_bytes(), **options)


@pytest.fixture
def fixtures():
    return OFXPARSE


@pytest.fixture
def gbk_sgml(data_dir) -> bytes:
    return (data_dir / GBK_SGML).read_bytes()


# --- ofxparse's own fixtures: what upstream asserts ------------------------------------------


@pytest.mark.parametrize(
    ("name", "account", "count", "total", "closing", "first_amount"),
    [
        ("bank_medium.ofx", "12300 000012345678", 3, "-345.27", "382.34", "-6.60"),
        ("checking.ofx", "1452687~7", 3, "-59.50", "100.99", "0.01"),
        ("anzcc.ofx", "1234123412341234", 1, "-5.50", "-123.45", "-5.50"),
        ("suncorp.ofx", "123456789", 1, "-16.85", "1234.12", "-16.85"),
    ],
)
def test_bank_and_credit_card_samples_import_with_upstreams_counts_and_sums(
    fixtures, name, account, count, total, closing, first_amount
):
    [(statement, lines)] = parse_path(fixtures / name)
    assert statement.account == account
    assert len(lines) == count
    assert sum(line.amount for line in lines) == Decimal(total)
    assert statement.closing_balance == Decimal(closing)
    assert lines[0].amount == Decimal(first_amount)


def test_bank_medium_reads_payee_type_and_period_as_upstream_does(fixtures):
    [(statement, lines)] = parse_path(fixtures / "bank_medium.ofx")
    assert lines[0].counterparty_name == "MCDONALD'S #112"
    assert lines[0].extra["type"] == "pos"
    assert lines[0].remark == "POS MERCHANDISE;MCDONALD'S #112"
    assert (statement.period_start, statement.period_end) == (date(2009, 4, 1), date(2009, 5, 23))
    assert statement.currency == "CAD"
    assert statement.extra["available_balance"] == Decimal("682.34")


def test_cdata_payee_and_memo_are_read_from_an_xml_statement(fixtures):
    [(_, [line])] = parse_path(fixtures / "suncorp.ofx")
    assert line.counterparty_name == "EFTPOS WDL HANDYWAY ALDI STORE"
    assert line.remark == "EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU"


@pytest.mark.parametrize("name", ["multiple_accounts.ofx", "multiple_accounts2.ofx"])
def test_several_accounts_in_one_file_give_several_statements(fixtures, name):
    statements = parse_path(fixtures / name)
    assert [(s.account, s.closing_balance, lines) for s, lines in statements] == [
        ("9100", Decimal("111"), []),
        ("9200", Decimal("222"), []),
    ]
    assert [s.extra["account_type"] for s, _ in statements] == ["CHECKING", "SAVINGS"]


def test_cash_lines_of_an_investment_savings_account_import_as_upstream_reads_them(fixtures):
    [(statement, lines)] = parse_path(fixtures / "fidelity-savings.ofx")
    assert len(lines) == 4
    assert lines[0].amount == Decimal("-1500.00")
    assert lines[0].bank_reference == "X0000000000000000000001"
    assert lines[1].amount == Decimal("115.8331")
    assert lines[1].counterparty_name == "TRANSFERRED FROM     VS X10-08144"
    assert statement.closing_balance is None
    assert statement.extra["kind"] == "investment"


@pytest.mark.parametrize(
    ("name", "security_transactions"),
    [
        ("vanguard.ofx", 1),
        ("vanguard401k.ofx", 5),
        ("tiaacref.ofx", 1),
        ("investment_401k.ofx", 3),
        ("investment_medium.ofx", 0),
        ("td_ameritrade.ofx", 0),
        ("fidelity.ofx", 14),
    ],
)
def test_investment_statements_parse_and_report_their_security_trades(
    fixtures, name, security_transactions
):
    [(statement, lines)] = parse_path(fixtures / name)
    assert statement.extra["kind"] == "investment"
    assert statement.extra["security_transactions"] == security_transactions
    assert all(line.currency for line in lines)


# fail_nice/ holds files ofxparse reads only with fail_fast=False, by dropping the bad
# parts; upstream's point is that strict parsing raises. A statement is imported whole or
# not at all, so we reject every one of them, saying why. ofx-v102-empty-tags.ofx is not in
# fail_nice/ but ofxparse raises on it too: its CURDEF, FITID and BALAMT are empty.
@pytest.mark.parametrize(
    ("name", "reason", "line"),
    [
        ("fail_nice/date_missing.ofx", "Missing Transaction Date", 33),
        ("fail_nice/decimal_error.ofx", "Invalid Transaction Amount: '$120'", 34),
        ("fail_nice/empty_balance.ofx", "BALAMT is empty", 32),
        ("ofx-v102-empty-tags.ofx", "CURDEF is empty", 23),
        ("error_message.ofx", "(code 2000): General Server Error", None),
        ("signon_fail.ofx", "(code 15500): Your request could not be processed", None),
        ("bank_small.ofx", "holds no statement", None),
        ("signon_success.ofx", "holds no statement", None),
        ("signon_success_no_message.ofx", "holds no statement", None),
        ("account_listing_aggregation.ofx", "holds no statement", None),
    ],
)
def test_malformed_or_statementless_samples_are_rejected_with_a_reason(
    fixtures, name, reason, line
):
    with pytest.raises(StatementParseError) as raised:
        parse_path(fixtures / name)
    assert reason in raised.value.reason
    assert raised.value.line == line


# --- Chinese bank files ------------------------------------------------------------------------


def test_gbk_text_in_a_file_claiming_cp1252_is_decoded_as_gbk(data_dir):
    [(statement, lines)] = parse_path(data_dir / GBK_SGML)
    assert statement.account == "0200001234567890123"
    assert statement.currency == "CNY"
    assert [line.counterparty_name for line in lines] == ["张三", "李四", "北京某某科技有限公司"]
    assert lines[0].remark == "（2024）京0105执1234号 案款"


def test_an_xml_statement_declaring_gbk_reads_the_same_as_its_sgml_twin(data_dir):
    [(_, sgml_lines)] = parse_path(data_dir / GBK_SGML)
    [(statement, xml_lines)] = parse_path(data_dir / GBK_XML)
    assert statement.closing_balance == Decimal("30734.00")

    def comparable(line):
        return (
            line.booked_on,
            line.amount,
            line.counterparty_name,
            line.remark,
            line.counterparty_account,
            line.bank_reference,
        )

    assert [comparable(line) for line in xml_lines] == [comparable(line) for line in sgml_lines]


def test_a_gb18030_file_with_characters_beyond_gbk_is_decoded(gbk_sgml):
    text = gbk_sgml.decode("gbk").replace("张三", "张𠮷")
    [(_, lines)] = parse_bytes(text.encode("gb18030"))
    assert lines[0].counterparty_name == "张𠮷"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_utf8_file_is_decoded_with_or_without_bom(gbk_sgml, bom):
    [(_, lines)] = parse_bytes(bom + gbk_sgml.decode("gbk").encode("utf-8"))
    assert lines[1].remark == "执行款发放 （2024）京0105执1234号"


def test_a_deposit_at_0730_beijing_time_is_booked_on_its_local_day(data_dir):
    [(statement, lines)] = parse_path(data_dir / GBK_SGML)
    assert lines[0].booked_on == date(2024, 1, 5)
    assert lines[0].booked_at == datetime(2024, 1, 5, 7, 30)
    assert (statement.period_start, statement.period_end) == (date(2024, 1, 1), date(2024, 1, 10))


def test_amounts_with_thousands_separators_are_read_exactly(data_dir):
    [(statement, lines)] = parse_path(data_dir / GBK_SGML)
    assert lines[0].amount == Decimal("1234.00")
    assert statement.closing_balance == Decimal("30734.00")


@pytest.mark.parametrize(
    ("written", "amount"),
    [("1,234", "1234"), ("1234,5", "1234.5"), ("1.234,56", "1234.56"), ("+12.30", "12.30")],
)
def test_amount_notations_are_read_as_a_chinese_bank_means_them(gbk_sgml, written, amount):
    data = gbk_sgml.replace(b"<TRNAMT>20000", b"<TRNAMT>" + written.encode())
    [(_, lines)] = parse_bytes(data)
    assert lines[2].amount == Decimal(amount)


def test_a_debit_names_its_destination_account_and_bank(data_dir):
    [(_, lines)] = parse_path(data_dir / GBK_SGML)
    debit = lines[1]
    assert debit.amount == Decimal("-500.00")
    assert debit.counterparty_account == "6217000010012345678"
    assert debit.counterparty_bank == "104100000004"
    assert debit.extra["refnum"] == "HK20240108-77"
    assert debit.extra["payee_id"] == "P0042"


def test_a_sub_account_in_the_memo_is_left_in_the_remark(data_dir):
    [(_, lines)] = parse_path(data_dir / GBK_SGML)
    assert lines[2].remark == "子账号 110105000123 还款"
    assert lines[2].sub_account is None


def test_each_line_keeps_its_raw_block_and_line_number(data_dir):
    [(_, lines)] = parse_path(data_dir / GBK_SGML)
    assert lines[1].source_line == 48
    assert lines[1].raw.startswith("<STMTTRN>") and "<BANKACCTTO>" in lines[1].raw


# --- whole-file rejection ----------------------------------------------------------------------


def test_a_duplicate_fitid_in_one_statement_rejects_the_file(gbk_sgml):
    data = gbk_sgml.replace(b"<FITID>202401100003", b"<FITID>202401050001")
    with pytest.raises(StatementParseError, match="duplicate FITID") as raised:
        parse_bytes(data)
    assert raised.value.line == 63


def test_a_transaction_with_an_unreadable_amount_rejects_the_whole_file(gbk_sgml):
    data = gbk_sgml.replace(b"<TRNAMT>20000", b"<TRNAMT>2O000")
    statement = next(OfxImporter().parse(io.BytesIO(data)))
    with pytest.raises(StatementParseError) as raised:
        list(statement.lines)
    assert raised.value.line == 63
    assert "2O000" in raised.value.reason


def test_an_impossible_posting_date_rejects_the_file(gbk_sgml):
    data = gbk_sgml.replace(b"<DTPOSTED>20240110", b"<DTPOSTED>20240231")
    with pytest.raises(StatementParseError) as raised:
        parse_bytes(data)
    assert raised.value.line == 63


def test_a_file_cut_inside_a_transaction_is_rejected_as_truncated(gbk_sgml):
    with pytest.raises(StatementParseError, match="never closed") as raised:
        parse_bytes(gbk_sgml[: gbk_sgml.index(b"<REFNUM>")])
    assert raised.value.line == 48


def test_a_file_cut_after_its_last_transaction_is_rejected_as_truncated(gbk_sgml):
    with pytest.raises(StatementParseError, match="truncated"):
        parse_bytes(gbk_sgml[: gbk_sgml.index(b"</BANKTRANLIST>")])


def test_an_empty_file_is_rejected():
    with pytest.raises(StatementParseError, match="empty"):
        parse_bytes(b"")


def test_a_binary_file_is_rejected():
    with pytest.raises(StatementParseError):
        parse_bytes(bytes(range(256)) * 8)


# --- chunked parsing ---------------------------------------------------------------------------


def test_parsing_in_chunks_of_one_gives_the_same_lines_as_one_chunk(data_dir):
    [(_, whole)] = parse_path(data_dir / GBK_SGML)
    [(_, chunked)] = parse_path(data_dir / GBK_SGML, chunk_size=1)
    assert chunked == whole


def test_a_bad_transaction_is_located_inside_a_large_chunk(gbk_sgml):
    data = gbk_sgml.replace(b"<DTPOSTED>20240108150000[+8:CST]", b"<DTPOSTED>")
    with pytest.raises(StatementParseError) as raised:
        parse_bytes(data, chunk_size=1000)
    assert (raised.value.line, raised.value.reason) == (48, "DTPOSTED is empty")


def generated_ofx(transactions: int) -> bytes:
    """Write a GBK statement of that many transactions, as a Chinese bank would export it."""
    head = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>CNY<BANKACCTFROM>"
        "<ACCTID>0200001234567890123</BANKACCTFROM><BANKTRANLIST>\n"
    )
    block = "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240105<TRNAMT>1.00<FITID>{}<NAME>张三</STMTTRN>\n"
    tail = "</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20240131</LEDGERBAL></STMTRS>"
    tail += "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    body = "".join(block.format(i) for i in range(transactions))
    return (head + body + tail).encode("gbk")


def peak_memory_of_parsing(data: bytes, chunk_size: int) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for s in OfxImporter(chunk_size).parse(io.BytesIO(data)) for _ in s.lines)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_depends_on_the_chunk_size_not_on_the_number_of_transactions():
    # tracemalloc slows bs4 fourfold, so the file is small and the chunks smaller still
    small, small_peak = peak_memory_of_parsing(generated_ofx(200), chunk_size=50)
    large, large_peak = peak_memory_of_parsing(generated_ofx(1200), chunk_size=50)
    assert (small, large) == (200, 1200)
    assert large_peak < small_peak * 1.5 + 1_000_000
    assert large_peak < 10_000_000


@pytest.mark.slow
def test_twenty_thousand_transactions_parse_well_within_the_memory_budget(request):
    if not (request.config.getoption("--run-slow", default=False) or os.environ.get("RUN_SLOW")):
        pytest.skip("about 45 s under tracemalloc; run with RUN_SLOW=1")
    count, peak = peak_memory_of_parsing(generated_ofx(20_000), chunk_size=2000)
    assert count == 20_000
    assert peak < 100_000_000  # budget is 300 MB at 100k lines; measured ~28 MB
