"""Issue #14: the files banks really export — each kind of former refusal, read or refused
with a reason a clerk can act on."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from importers import parse_file
from importers.base import StatementParseError, UnknownLayout
from importers.tabular import TabularImporter
from importers.tabular.cells import parse_amount, parse_date

from .samples import DATA

CCB = DATA / "csv" / "ccb_corporate"


def read(text: str, encoding: str = "utf-8"):
    statement = next(TabularImporter().parse(io.BytesIO(text.encode(encoding))))
    return statement, list(statement.lines)


def amounts(lines) -> list[str]:
    return [format(line.amount, "f") for line in lines]


# ---- 1. headers ----


@pytest.mark.parametrize(
    "header",
    [
        "交易日期,摘要,借方发生额（支取）,贷方发生额（收入）",
        "交易日期 Transaction Date,摘要 Description,借方 Debit,贷方 Credit",
        "Date,Transaction Details,Withdrawal Amount,Deposit Amount",
        "ＤＡＴＥ,DETAILS,withdrawal   amount,Deposit Amount",
    ],
)
def test_headers_with_qualifiers_bilingual_pairs_width_and_english_are_recognised(header):
    _, lines = read(f"{header}\n2024-01-05,执行款,,100.00\n2024-01-06,费用,2.50,\n")
    assert amounts(lines) == ["100.00", "-2.50"]
    assert lines[0].remark == "执行款"


def test_a_unit_in_the_header_is_the_lines_currency():
    _, lines = read("Date,Details,Amount (HKD)\n2024-01-05,x,10.00\n")
    assert [(line.amount, line.currency) for line in lines] == [(Decimal("10.00"), "HKD")]
    _, lines = read("日期,摘要,金额(元)\n2024-01-05,x,10.00\n")
    assert lines[0].currency == "CNY"


def test_jiaoyi_shijian_holding_date_and_time_is_the_booking_date():
    _, lines = read("交易时间,金额,摘要\n2024-01-05 09:30:12,10.00,x\n")
    assert (lines[0].booked_on, lines[0].booked_at) == (
        date(2024, 1, 5),
        datetime(2024, 1, 5, 9, 30, 12),
    )


def test_jiaoyi_shijian_holding_only_times_is_refused_naming_the_column():
    with pytest.raises(StatementParseError, match="no date column: '交易时间' holds times only"):
        read("交易时间,金额\n09:30:12,10.00\n")


def test_two_columns_for_one_field_are_resolved_by_the_rule_and_reported():
    statement, lines = read("记账日期,交易日期,金额,发生额\n2024-01-05,2024-01-04,10.00,99.00\n")
    assert lines[0].booked_on == date(2024, 1, 5)  # 记账日期 is listed first for booked_on
    assert lines[0].amount == Decimal("99.00")  # auto.toml lists 发生额 before 金额
    (warning,) = statement.extra["warnings"]
    assert (warning["kind"], warning["field"], warning["used"], warning["others"]) == (
        "ambiguous_column",
        "amount",
        "发生额",
        ["金额"],
    )
    assert "rule:" in warning["message"]


def test_an_unknown_layout_carries_the_rows_and_a_guess_per_column():
    with pytest.raises(UnknownLayout) as caught:
        read("12345;02.07.2013;-5,99;Some vendor\n12345;21.06.2013;+30,99;Another\n")
    layout = caught.value.layout
    assert [row["line"] for row in layout["rows"]] == [1, 2]
    guesses = [column["guess"] for column in layout["columns"]]
    assert guesses[1:3] == ["date", "amount"]
    assert caught.value.as_dict()["code"] == "unknown_layout"


# ---- 2. values from the whole column ----


def test_month_first_dates_are_decided_by_a_date_that_can_only_be_month_first():
    _, lines = read("Date,Details,Amount\n01/04/2018,a,1.00\n12/15/2018,b,2.00\n")
    assert [line.booked_on for line in lines] == [date(2018, 1, 4), date(2018, 12, 15)]


def test_day_first_dates_with_two_digit_years_are_decided_late_in_the_file():
    rows = "".join(f"0{d}/04/20,r{d},1.00\n" for d in range(1, 10)) + "15/04/20,last,1.00\n"
    _, lines = read("Date,Details,Amount\n" + rows)
    assert lines[0].booked_on == date(2020, 4, 1)
    assert lines[-1].booked_on == date(2020, 4, 15)


def test_a_date_column_that_stays_ambiguous_is_refused_naming_the_column():
    with pytest.raises(StatementParseError, match="dates of column 'Date' may be day/month"):
        read("Date,Details,Amount\n01/04/2020,a,1.00\n02/04/2020,b,2.00\n")


def test_a_column_written_both_ways_is_refused():
    with pytest.raises(StatementParseError, match="both day first and month first"):
        read("Date,Details,Amount\n13/04/2020,a,1.00\n04/13/2020,b,2.00\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2018年12月15日", date(2018, 12, 15)), ("02 May 2023", date(2023, 5, 2))],
)
def test_chinese_and_named_month_dates(text, expected):
    assert parse_date(text)[0] == expected


def test_day_first_with_dots():
    assert parse_date("15.12.2018")[0] == date(2018, 12, 15)


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("579,68 USD", True, "579.68"),
        ("1.234,56", True, "1234.56"),
        ("(1,234.56)", False, "-1234.56"),
        ("¥1,234.56", False, "1234.56"),
        ("-$7,971.39", False, "-7971.39"),
        ("CNY 693.75", False, "693.75"),
        ("1,234.56 CR", False, "1234.56"),
        ("1,234.56 DR", False, "-1234.56"),
        ("1,234.56-", False, "-1234.56"),
        ("+30,99", True, "30.99"),
    ],
)
def test_amounts_as_banks_write_them(text, comma, expected):
    assert format(parse_amount(text, comma), "f") == expected


def test_a_dash_is_an_empty_amount():
    assert parse_amount("-") is None


def test_the_decimal_comma_is_decided_from_the_column():
    _, lines = read('Datum;Omschrijving;Bedrag\n13-02-2024;a;"1.234,56"\n14-02-2024;b;"-12,50"\n')
    assert amounts(lines) == ["1234.56", "-12.50"]


def test_a_semicolon_export_with_decimal_commas_and_euro_currency():
    _, lines = read("Buchungsdatum;Betrag;Währung;Text\n15.03.2017;-11,00;EUR;x\n")
    assert [(line.amount, line.currency) for line in lines] == [(Decimal("-11.00"), "EUR")]


def test_a_latin1_export_is_not_read_as_gb18030():
    _, lines = read("Datum;Währung;Soll;Haben\n31.12.2013;EUR;0,00;12,23\n", "latin-1")
    assert [(line.amount, line.currency) for line in lines] == [(Decimal("12.23"), "EUR")]


@pytest.mark.parametrize(
    ("credit", "debit"), [("贷 Cr", "借 Dr"), ("收入", "支出"), ("+", "-"), ("Bij", "Af")]
)
def test_flag_vocabularies_in_both_languages(credit, debit):
    _, lines = read(f"交易日期,借贷,交易金额\n2024-01-05,{credit},10.00\n2024-01-06,{debit},3.00\n")
    assert amounts(lines) == ["10.00", "-3.00"]


def test_an_unknown_flag_is_refused_naming_the_flags_known():
    with pytest.raises(StatementParseError, match=r"flag 'X' is unknown .*credit flags known"):
        read("交易日期,借贷,交易金额\n2024-01-05,X,10.00\n")


# ---- 3. lines that move no money ----


def test_a_line_of_zero_is_skipped_and_listed_not_refused():
    statement, lines = read("交易日期,摘要,交易金额\n2024-01-05,利息税,0.00\n2024-01-06,x,5.00\n")
    assert amounts(lines) == ["5.00"]
    assert statement.extra["skipped_lines"] == [
        {"line": 2, "reason": "a line of 0.00 moves no money"}
    ]
    assert statement.extra["skipped_rows"] == {"zero_amount": 1}


# ---- 5. MT940 dialects ----


def mt940(body: str):
    return list(parse_file(io.BytesIO(body.encode()), "mt940"))


def test_mt940_with_28c_of_0000():
    (statement,) = mt940(
        ":20:X\n:25:123\n:28C:0000\n:60F:C240101EUR100,00\n"
        ":61:2401020102C10,00NTRFNONREF\n:86:hi\n:62F:C240102EUR110,00\n"
    )
    assert [line.amount for line in statement.lines] == [Decimal("10.00")]


def test_mt940_61_with_the_contra_iban_in_the_reference_sns_style():
    (statement,) = mt940(
        ":20:0000000000\n:25:NL16SNSB1234567809\n:28C:1\n:60F:C140910EUR100,00\n"
        ":61:1409100910C15000,00NOVBNL11RABO0987654321\nf. spark bedrijf n.v.\n"
        ":86:NL11RABO0987654321 f. spark bedrijf n.v.\n:62F:C140910EUR15100,00\n"
    )
    (line,) = list(statement.lines)
    assert (line.amount, line.counterparty_account) == (Decimal("15000.00"), "NL11RABO0987654321")


def test_a_balance_dated_on_a_day_the_month_lacks_is_read_with_a_warning():
    (statement,) = mt940(
        ":20:X\n:25:123\n:28C:1\n:60F:C021101EUR0,00\n"
        ":61:0211011101C10,00NTRFNONREF\n:86:x\n:62F:C021131EUR10,00\n"
    )
    list(statement.lines)
    assert statement.period_end == date(2002, 11, 30)
    assert statement.extra["warnings"][0]["kind"] == "balance_date_corrected"


def test_a_file_that_is_not_mt940_is_refused():
    with pytest.raises(StatementParseError, match="no MT940 statement found"):
        mt940("hello world\nthis is :20: not a statement\n")


# ---- 7. the CCB-style corporate export ----


def expect_ccb(statement, lines):
    assert statement.account == "11050162540000000123"
    assert amounts(lines) == ["50000.00", "-12000.00", "8000.50"]
    assert lines[0].booked_at == datetime(2024, 11, 1, 9, 12, 30)
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000000.00"),
        Decimal("1046000.50"),
    )
    assert statement.extra["skipped_lines"] == [
        {"line": 7, "reason": "a line of 0.00 moves no money"}
    ]
    assert statement.extra["balance_breaks"] == []
    assert lines[0].counterparty_name == "张三"
    assert lines[1].counterparty_account == "6217000010001234567"


@pytest.mark.parametrize("name", ["ccb_corporate_export.csv", "ccb_corporate_export_gb18030.csv"])
def test_the_ccb_corporate_export_imports_in_utf8_and_gb18030(name):
    statement = next(TabularImporter().parse(io.BytesIO((CCB / name).read_bytes())))
    expect_ccb(statement, list(statement.lines))


def test_the_ccb_corporate_export_as_xlsx(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    text = (CCB / "ccb_corporate_export.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        sheet.append(row)
    path = tmp_path / "ccb.xlsx"
    book.save(path)
    statement = next(TabularImporter().parse(io.BytesIO(path.read_bytes())))
    expect_ccb(statement, list(statement.lines))
