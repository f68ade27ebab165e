"""Files without a header row: a profile maps their columns by position (`positions`), the
unknown-layout guess proposes positions, and a saved headerless profile is recognised by
what its columns hold. The samples are real exports without a header (ASN Bank, easybank,
Raiffeisen; see tests/data/csv/LICENSES.md)."""

from __future__ import annotations

import io
import tomllib
from decimal import Decimal

import pytest

from importers.base import UnknownLayout
from importers.tabular import TabularImporter
from importers.tabular.profiles import check_profile_data, profile_toml

from .samples import DATA

DUTCH = DATA / "csv" / "more" / "gpaulissen+ofxstatement-dutch"
AUSTRIAN = DATA / "csv" / "more" / "nblock+ofxstatement-austrian"
ASN = DUTCH / "transactie-historie_NL00ASNB9999999999_20220717204133.csv"
#: ASN Bank's 19 columns, as upstream's importer (ofxstatement-dutch asn.py) reads them
ASN_PROFILE = {
    "description": "ASN Bank transactie-historie (no header row)",
    "positions": {
        "booked_on": [1],
        "account": [2],
        "counterparty_account": [3],
        "counterparty_name": [4],
        "currency": [8],
        "amount": [11],
        "value_date": [13],
        "bank_reference": [16],
        "remark": [18],
    },
    "currency": "EUR",
    "date_order": "dmy",
    # column 9 is the balance BEFORE the line: not a running balance after it
    "check_running_balance": False,
}
EASYBANK = {
    "positions": {"booked_on": [3], "value_date": [4], "amount": [5], "currency": [6],
                  "remark": [2], "account": [1]},
    "currency": "EUR",
    "decimal_mark": ",",
}  # fmt: skip


def read(path, **options):
    with path.open("rb") as source:
        (statement,) = TabularImporter(**options).parse(source)
        return statement, list(statement.lines)


def test_a_named_headerless_profile_reads_the_asn_export_as_upstream_does():
    statement, lines = read(ASN, profile="asn", saved={"asn": ASN_PROFILE})
    # upstream (tests/test_asn.py): 11 lines; 130.44 - 46.20 = 84.24
    assert len(lines) == 11
    assert sum(line.amount for line in lines) == Decimal("-46.20")
    assert statement.account == "NL00ASNB9999999999"
    assert (statement.period_start.isoformat(), statement.period_end.isoformat()) == (
        "2022-06-17",
        "2022-07-11",
    )
    second = lines[1]
    assert (second.amount, second.counterparty_name) == (
        Decimal("-200.00"),
        "International Card Services B V",
    )
    assert (second.counterparty_account, second.bank_reference) == (
        "NL11ABNA0000000000",
        "51402299",
    )
    assert statement.extra["header_line"] is None


def test_a_saved_headerless_profile_is_recognised_without_being_named():
    _, lines = read(ASN, saved={"asn": ASN_PROFILE})
    assert len(lines) == 11


def test_a_headerless_profile_that_does_not_fit_the_columns_is_not_taken():
    with pytest.raises(UnknownLayout):
        read(ASN, saved={"easybank": EASYBANK})


def test_easybank_credit_card_reads_by_positions_with_decimal_commas():
    _, lines = read(AUSTRIAN / "easybank-creditcard.csv", saved={"easybank": EASYBANK})
    # upstream (tests/test_easybank.py): 3 lines summing to 2.31, the first -5.99
    assert [str(line.amount) for line in lines] == ["-5.99", "30.99", "-22.69"]
    assert sum(line.amount for line in lines) == Decimal("2.31")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (ASN, {"booked_on": [1], "value_date": [12], "amount": [11], "balance": [9],
               "currency": [8], "remark": [18]}),
        (AUSTRIAN / "easybank-creditcard.csv",
         {"booked_on": [3], "value_date": [4], "amount": [5], "currency": [6], "remark": [2]}),
        (AUSTRIAN / "raiffeisen.csv",
         {"booked_on": [1], "value_date": [3], "amount": [4], "currency": [5], "remark": [2]}),
    ],
)  # fmt: skip
def test_the_unknown_layout_guess_proposes_positions_for_a_headerless_file(path, expected):
    with pytest.raises(UnknownLayout) as refused:
        read(path)
    assert refused.value.layout["headerless"] is True
    assert refused.value.layout["positions"] == expected


def test_a_file_with_a_header_the_aliases_do_not_know_gets_no_positions():
    data = b"Fecha;Concepto;Importe\n02/11/2026;Pago;1.000,00\n"
    with pytest.raises(UnknownLayout) as refused:
        list(TabularImporter().parse(io.BytesIO(data)))
    assert (refused.value.layout["headerless"], refused.value.layout["positions"]) == (False, {})


@pytest.mark.parametrize(
    ("positions", "message"),
    [
        ({"booked_on": [1]}, "must place the booking date and the amount"),
        ({"booked_on": [0], "amount": [2]}, "column numbers from 1 to 256"),
        ({"booked_on": ["A"], "amount": [2]}, "column numbers from 1 to 256"),
        ({"booked_on": [1], "amount": [True]}, "column numbers from 1 to 256"),
        ({"booked_on": [1], "amount": [2], "colour": [3]}, "positions.colour: not a field"),
    ],
)
def test_positions_are_checked(positions, message):
    with pytest.raises(ValueError, match=message):
        check_profile_data({"positions": positions})


def test_a_headerless_profile_exports_as_a_profile_file_that_reads_back():
    text = profile_toml(ASN_PROFILE)
    assert "[positions]\nbooked_on = [1]" in text
    assert check_profile_data(tomllib.loads(text)) == ASN_PROFILE
