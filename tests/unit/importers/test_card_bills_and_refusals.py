"""Real samples the intake refused before: card bills it now reads as their upstreams
describe them, and files that are no bank statement, refused with a reason a clerk can act
on (see ../shared/samples/more/README.md for what each upstream says)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from importers import parse_file
from importers.base import StatementParseError, UnknownLayout
from importers.tabular.rows import month_day

from .samples import DATA

MORE = DATA / "csv" / "more"


def parsed(path):
    with path.open("rb") as source:
        [statement] = parse_file(source, "csv", filename=path.name)
        return statement, list(statement.lines)


def test_the_bocom_credit_card_statement_reads_its_142_lines_signed_by_their_kind():
    statement, lines = parsed(MORE / "deb-sig+bill-parser" / "bocom-credit" / "result.csv")
    assert statement.extra["profile"] == "bocom_credit"
    assert len(lines) == 142  # upstream: 142 data rows
    kinds = {line.remark.split()[0]: line.amount > 0 for line in lines}
    assert kinds == {"退货": True, "信用卡还款": True, "消费": False}
    assert lines[0].amount == Decimal("217.10")  # 入账币种/金额, the account's currency
    assert {line.currency for line in lines} == {"CNY"}


def test_the_cmb_credit_card_bill_takes_its_year_from_the_title():
    _, lines = parsed(MORE / "deb-sig+bill-parser" / "cmb-credit" / "result.csv")
    assert len(lines) == 39  # upstream: 39 data rows
    # upstream: the first is −517.50, a repayment: money onto the card account
    assert (lines[0].booked_on, lines[0].amount) == (date(2024, 3, 5), Decimal("517.50"))
    assert lines[-1].amount == Decimal("-4.26")  # upstream: last 4.26, a purchase
    assert max(line.booked_on for line in lines) <= date(2025, 2, 28)  # the 2025年02月 bill


def test_a_card_line_not_yet_booked_is_not_read():
    statement, lines = parsed(MORE / "maoqxxmm+beancount-import-node" / "cmb-creditcard.csv")
    assert lines == []  # its one row: 记账日期 尚未入账
    assert statement.extra["skipped_rows"] == {"booked_on=尚未入账": 1}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (MORE / "mayswind+ezbookkeeping" / "feidee_mymoney_test_file.xls",
         "not a bank statement: a 随手记 (Feidee MyMoney) bookkeeping export"),
        (MORE / "gpaulissen+ofxstatement-dutch" / "NL99INGB9999999999_25-11-2019_30-05-2020.csv",
         "not a bank statement: an ING balance history"),
        (MORE / "gpaulissen+ofxstatement-dutch" / "icscards.txt",
         "text laid out in fixed-width columns (a statement converted from PDF"),
    ],
)  # fmt: skip
def test_what_is_no_bank_export_is_refused_saying_what_it_is(path, reason):
    with pytest.raises(StatementParseError) as refused:
        parsed(path)
    assert not isinstance(refused.value, UnknownLayout)  # no mapping step can help
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("text", "statement", "expected"),
    [
        ("03/05", (2025, 2), date(2024, 3, 5)),
        ("02/21", (2025, 2), date(2025, 2, 21)),
        ("12/31", (2025, 1), date(2024, 12, 31)),
        ("02/29", (2024, 3), date(2024, 2, 29)),
    ],
)
def test_a_date_without_its_year_takes_the_statements(text, statement, expected):
    assert month_day(text, statement) == expected


@pytest.mark.parametrize("text", ["13/01", "02/30", "尚未入账", "2025"])
def test_a_month_day_that_is_no_date_is_refused(text):
    with pytest.raises(ValueError, match="is not a date"):
        month_day(text, (2025, 2))
