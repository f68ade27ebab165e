"""The registry (format detection, importer lookup, parse_file) and the `reconcile parse` JSON."""

from __future__ import annotations

import io
import json
import sys
import types

import pytest

from importers import IMPORTERS, detect_format, get_importer, parse_file
from importers.base import StatementParseError
from importers.mt940 import Mt940Importer
from importers.ofx import OfxImporter
from importers.serialize import statement_to_json


def head_of(path) -> bytes:
    return path.read_bytes()[:65536]


def test_ofx_is_detected_from_sgml_and_xml_content(data_dir):
    assert detect_format(head_of(data_dir / "ofx/gbk_sgml_claiming_1252.ofx")) == "ofx"
    assert detect_format(head_of(data_dir / "ofx/gbk_xml_encoding_gbk.ofx")) == "ofx"


def test_mt940_is_detected_from_content_whatever_the_file_is_called(data_dir):
    head = head_of(data_dir / "mt940/gbk_chinese_narratives.sta")
    assert detect_format(head, filename="statement.csv") == "mt940"


def test_camt_is_detected_by_its_namespace():
    head = (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        b"<BkToCstmrStmt></BkToCstmrStmt></Document>"
    )
    assert detect_format(head) == "camt053"


@pytest.mark.parametrize(
    "head",
    [
        b"PK\x03\x04\x14\x00\x06\x00",  # xlsx: a zip
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",  # xls: OLE2
        "交易日期,摘要,收入,支出\n2024-01-05,案款,1234.00,\n".encode("gbk"),
        "\ufeffDate\tDescription\tAmount\n2024-01-05\tdeposit\t1.00\n".encode(),
    ],
)
def test_spreadsheets_and_delimited_text_go_to_the_tabular_importer(head):
    assert detect_format(head) == "csv"


@pytest.mark.parametrize(
    "head",
    [b"", b"  \r\n", bytes(range(256)) * 4, b"just some words\nand more words\n"],
)
def test_empty_binary_or_unknown_content_is_an_unrecognised_format(head):
    with pytest.raises(StatementParseError, match="unrecognised format"):
        detect_format(head, filename="statement.dat")


def test_the_file_name_decides_only_when_the_content_cannot():
    assert detect_format(b"just some words\n", filename="export.CSV") == "csv"


def test_importers_are_found_by_format_name():
    assert isinstance(IMPORTERS["ofx"], OfxImporter)
    assert isinstance(get_importer("mt940"), Mt940Importer)
    assert isinstance(get_importer("QFX"), OfxImporter)
    assert {"ofx", "camt053", "mt940", "csv"} <= set(IMPORTERS)


def test_a_csv_spec_passes_its_profile_to_the_tabular_importer(monkeypatch):
    class TabularImporter:
        format = "csv"

        def __init__(self, profile=None):
            self.profile = profile

    module = types.ModuleType("importers.tabular")
    module.TabularImporter = TabularImporter
    monkeypatch.setitem(sys.modules, "importers.tabular", module)
    assert get_importer("csv:ICBC_2024").profile == "ICBC_2024"


def test_an_unknown_format_name_is_refused():
    with pytest.raises(StatementParseError, match="unknown format"):
        get_importer("pdf")


def test_parse_file_names_the_file_in_an_error_raised_before_any_statement():
    with pytest.raises(StatementParseError) as raised:
        list(parse_file(io.BytesIO(b""), filename="empty.ofx"))
    assert raised.value.filename == "empty.ofx"
    assert str(raised.value).startswith("empty.ofx: unrecognised format")


def test_parse_file_names_the_file_in_an_error_raised_while_reading_lines(data_dir):
    data = (data_dir / "ofx/gbk_sgml_claiming_1252.ofx").read_bytes()
    data = data.replace(b"<TRNAMT>20000", b"<TRNAMT>lots")
    [statement] = parse_file(io.BytesIO(data), filename="icbc.ofx")
    with pytest.raises(StatementParseError) as raised:
        list(statement.lines)
    assert raised.value.as_dict()["file"] == "icbc.ofx"
    assert raised.value.line == 63


def test_parse_file_reads_a_non_seekable_stream(data_dir):
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = (data_dir / "mt940/gbk_chinese_narratives.sta").read_bytes()
    [statement] = parse_file(io.BufferedReader(Pipe(data)), filename="x.sta")
    assert len(list(statement.lines)) == 2


def test_the_json_of_a_statement_has_the_parse_command_shape(data_dir):
    with (data_dir / "ofx/gbk_sgml_claiming_1252.ofx").open("rb") as stream:
        [document] = [statement_to_json(s) for s in parse_file(stream, format="ofx")]
    assert json.loads(json.dumps(document)) == document
    assert document["period"] == {"start": "2024-01-01", "end": "2024-01-10"}
    assert (document["opening_balance"], document["closing_balance"]) == (None, "30734.00")
    assert document["lines"][1] == {
        "booked_on": "2024-01-08",
        "value_date": None,
        "amount": "-500.00",
        "currency": "CNY",
        "bank_reference": "202401080002",
        "counterparty_name": "李四",
        "counterparty_account": "6217000010012345678",
        "counterparty_bank": "104100000004",
        "remark": "执行款发放 （2024）京0105执1234号",
        "sub_account": None,
    }


def test_the_json_shows_balances_only_known_after_the_lines(data_dir):
    with (data_dir / "mt940/gbk_chinese_narratives.sta").open("rb") as stream:
        [document] = [statement_to_json(s) for s in parse_file(stream)]
    assert (document["opening_balance"], document["closing_balance"]) == ("10000.00", "10734.00")
    assert [line["amount"] for line in document["lines"]] == ["1234.00", "-500.00"]
