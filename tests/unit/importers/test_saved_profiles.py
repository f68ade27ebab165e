"""Profiles passed in as data (a court's saved statement profiles), and the currency a file
states in its amounts or above its header."""

from __future__ import annotations

import io
import tomllib
from decimal import Decimal

import pytest

from importers.base import UnknownLayout
from importers.tabular import TabularImporter
from importers.tabular.cells import amount_currency, metadata_currency
from importers.tabular.profiles import check_profile_data, profile_toml

DATA = "Fecha;Concepto;Importe\n02/11/2026;Pago;1.000,00\n03/11/2026;Comisión;-2,50\n".encode()
SAVED = {
    "es": {
        "detect": ["Fecha", "Concepto", "Importe"],
        "columns": {"booked_on": ["Fecha"], "amount": ["Importe"], "remark": ["Concepto"]},
        "date_order": "dmy",
        "decimal_mark": ",",
        "inherit_columns": False,
    }
}


def lines(data: bytes, **options):
    (statement,) = TabularImporter(**options).parse(io.BytesIO(data))
    return statement, list(statement.lines)


def test_without_the_profile_the_layout_is_unknown():
    with pytest.raises(UnknownLayout):
        lines(DATA)


def test_a_saved_profile_is_detected_by_its_headers():
    statement, read = lines(DATA, saved=SAVED)
    assert statement.extra["profile"] == "es"
    assert [(line.booked_on.isoformat(), line.amount, line.remark) for line in read] == [
        ("2026-11-02", Decimal("1000.00"), "Pago"),
        ("2026-11-03", Decimal("-2.50"), "Comisión"),
    ]


def test_a_saved_profile_may_be_named():
    statement, _ = lines(DATA, saved=SAVED, profile="es")
    assert statement.extra["profile"] == "es"


def test_the_date_order_of_a_profile_wins_over_inference():
    data = b"Fecha;Concepto;Importe\n02/11/2026;Pago;1,00\n"
    _, read = lines(data, saved={"es": {**SAVED["es"], "date_order": "mdy"}})
    assert read[0].booked_on.isoformat() == "2026-02-11"


def test_profile_data_is_checked_and_written_as_toml():
    assert tomllib.loads(profile_toml(SAVED["es"])) == SAVED["es"]
    for wrong in ({"date_order": "ymd"}, {"columns": {"nonsense": ["x"]}}, {"skip_rows": "1"}):
        with pytest.raises(ValueError):
            check_profile_data(wrong)


@pytest.mark.parametrize(
    ("text", "currency"),
    [("579,68 USD", "USD"), ("-$7,971.39", "USD"), ("HK$1.00", "HKD"), ("¥12.00", "CNY"),
     ("CNY 693.75", "CNY"), ("12.00", None), ("1,234.56 CR", None), ("abc USD", None)],
)  # fmt: skip
def test_the_currency_an_amount_states(text, currency):
    assert amount_currency(text) == currency


def test_the_currency_above_the_header():
    assert metadata_currency([(1, ["Currency: SGD"])]) == "SGD"
    assert metadata_currency([(1, ["币种：", "美元"])]) == "USD"
    assert metadata_currency([(5, ["Account Number:", Decimal(1234567890), "SGD"])]) == "SGD"
    assert metadata_currency([(1, ["USD"]), (2, ["EUR"])]) is None


def test_amounts_with_their_currency_give_the_lines_currency():
    data = b'Date,Description,Amount\n2021-12-31,TRANSFER,"-$7,971.39"\n2021-12-30,IN,579.68 USD\n'
    statement, read = lines(data)
    assert statement.currency == "USD"
    assert [(line.amount, line.currency) for line in read] == [
        (Decimal("-7971.39"), "USD"),
        (Decimal("579.68"), "USD"),
    ]
