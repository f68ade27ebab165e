# ruff: noqa: E501 - the OOXML boilerplate of the bombs is kept verbatim
"""Hostile statement files and uploads: refused with 422 (`invalid_file` or
`validation_error`), never a 5xx, and nothing stored; the bombs are made here, small on
disk, and refused by bounds on inflated size, rows and cells."""

from __future__ import annotations

import gc
import io
import itertools
import zipfile

import pytest

from importers.base import StatementParseError
from importers.tabular import sources
from tests.hostile.conftest import unchanged
from tests.integration.statement_files import Row, csv_statement, upload

_refs = itertools.count(1)
PAD = "填" * 40_000  #: 120 KB of UTF-8: what follows is past the first 64 KB


def mt940(account: str, remark: str = "货款") -> bytes:
    ref = f"M{next(_refs)}"
    return (
        f":20:{ref}\r\n:25:{account}\r\n:28C:1/1\r\n:60F:C261101CNY0,00\r\n"
        f":61:2611021102C50,00NTRF{ref}//B1\r\n:86:{remark}\r\n:62F:C261102CNY50,00\r\n-\r\n"
    ).encode()


def ofx(account: str, memo: str = "货款") -> bytes:
    ref = f"F{next(_refs)}"
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\n"
        "CHARSET:NONE\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        f"<STMTRS><CURDEF>CNY<BANKACCTFROM><BANKID>1<ACCTID>{account}<ACCTTYPE>CHECKING"
        "</BANKACCTFROM><BANKTRANLIST><DTSTART>20261101<DTEND>20261130<STMTTRN>"
        f"<TRNTYPE>CREDIT<DTPOSTED>20261102<TRNAMT>50.00<FITID>{ref}<NAME>丁<MEMO>{memo}"
        "</STMTTRN></BANKTRANLIST><LEDGERBAL><BALAMT>50.00<DTASOF>20261130</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()


def csv_file(remark: str = "货款", rows: int = 1) -> bytes:
    ref = next(_refs)
    return csv_statement(
        [
            Row("2026-11-02", "1.00", "丁", "6222000000000004", remark, "", f"C{ref}-{i}")
            for i in range(rows)
        ]
    )


def _nul_at(data: bytes, where: str) -> bytes:
    at = {"start": 0, "middle": len(data) // 2, "end": len(data) - 2}[where]
    return data[:at] + b"\x00" + data[at:]


NUL_FILES = {}
for _where in ("start", "middle", "end"):
    NUL_FILES[f"mt940 NUL at the {_where}"] = (
        "a.sta",
        lambda a, w=_where: _nul_at(mt940(a, PAD), w),
    )
    NUL_FILES[f"ofx NUL at the {_where}"] = ("a.ofx", lambda a, w=_where: _nul_at(ofx(a, PAD), w))
    NUL_FILES[f"csv NUL at the {_where}"] = ("a.csv", lambda a, w=_where: _nul_at(csv_file(PAD), w))
NUL_FILES["csv NUL after 800 rows"] = ("a.csv", lambda a: _nul_at(csv_file("r" * 100, 800), "end"))
NUL_FILES["mt940 NUL in :86:"] = ("a.sta", lambda a: mt940(a, "a\x00b"))
NUL_FILES["ofx NUL in MEMO"] = ("a.ofx", lambda a: ofx(a, "a\x00b"))
NUL_FILES["mt940 :86: of 2 MB"] = ("a.sta", lambda a: mt940(a, "y" * 2_000_000))
NUL_FILES["mt940 :86: of 2 MB in lines"] = (
    "a.sta",
    lambda a: mt940(a, "\r\n".join(["z" * 64] * 32_000)),
)


# Werkzeug's test client spools a multipart body over 500 KB into a temporary file it
# leaves to the garbage collector (as in test_statement_import.py): collect it in the
# case that made it, so its warning belongs there.
_LEAKS = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.mark.parametrize(
    "name_and_data",
    [pytest.param(v, id=k, marks=[_LEAKS] if "2 MB" in k else []) for k, v in NUL_FILES.items()],
)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "preview"])
def test_a_file_with_binary_data_or_a_huge_field_is_refused(
    client, court, engine, name_and_data, dry_run
):
    name, make = name_and_data
    with unchanged(engine):
        response = upload(
            client, court, make(court.account), name=name, query_string={"dry_run": dry_run}
        )
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid_file")
    del response
    gc.collect()


@pytest.mark.parametrize("make", [mt940, ofx, lambda a: csv_file()], ids=["mt940", "ofx", "csv"])
def test_the_same_files_without_the_hostile_part_are_imported(client, court, make):
    response = upload(client, court, make(court.account), name="ok.txt")
    assert response.status_code == 201, response.get_json()


FILENAMES = {
    "NUL": "a\x00b.csv",
    "NUL at the end": "a.csv\x00.exe",
    "newline": "a\nb.csv",
    "carriage return": "a\rb.csv",
    "escape": "a\x1b[31m.csv",
    "DEL": "a\x7f.csv",
    "256 characters": "a" * 252 + ".csv",
    "300 Chinese characters": "账" * 300 + ".csv",
    "10,000 characters": "b" * 10_000 + ".csv",
}


@pytest.mark.parametrize("filename", FILENAMES.values(), ids=FILENAMES.keys())
def test_an_upload_filename_that_cannot_be_stored_is_refused(client, court, engine, filename):
    with unchanged(engine):
        response = upload(client, court, csv_file(), name=filename)
    assert (response.status_code, response.get_json()["code"]) == (422, "validation_error")


def test_a_filename_of_255_characters_is_accepted(client, court):
    response = upload(client, court, csv_file(), name="账" * 251 + ".csv")
    assert response.status_code == 201, response.get_json()


def _raw_upload(client, court, filename: bytes):
    boundary = b"hostileboundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="account"\r\n\r\n'
        + court.account.encode()
        + b"\r\n--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: text/csv\r\n\r\n'
        + csv_file()
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    return client.post(
        "/api/v1/statements",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary.decode()}",
        headers=court.headers("finance"),
    )


@pytest.mark.parametrize(
    "filename",
    [b"a\xff\xfe.csv", b"\xed\xa0\x80.csv", b"a\x00.csv"],
    ids=["invalid UTF-8", "surrogate", "raw NUL"],
)
def test_an_undecodable_filename_is_refused_or_stored_readably(client, court, engine, filename):
    before_status = None
    response = _raw_upload(client, court, filename)
    before_status = response.status_code
    assert before_status < 500, response.get_json()
    if before_status >= 400:
        assert response.get_json()["code"]


PROFILES = [
    "csv:NOSUCH",
    "csv:nosuch",
    "csv:ICBC",
    "csv:",
    "csv:../../etc/passwd",
    "csv:auto\x00",
    "CSV:" + "x" * 300,
    "csv:icbc debit",
]


@pytest.mark.parametrize("fmt", PROFILES)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "preview"])
def test_an_unknown_csv_profile_is_refused(client, court, engine, fmt, dry_run):
    with unchanged(engine):
        response = upload(
            client, court, csv_file(), extra_form={"format": fmt}, query_string={"dry_run": dry_run}
        )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == "validation_error"


@pytest.mark.parametrize("fmt", ["CSV", "csv:AUTO", "Csv:Auto", " csv:auto "])
def test_a_known_profile_in_upper_case_is_accepted(client, court, fmt):
    response = upload(
        client, court, csv_file(), extra_form={"format": fmt}, query_string={"dry_run": True}
    )
    assert response.status_code == 200, response.get_json()


# ---- workbooks: bombs made here, small on disk ----

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(sheet_rows, shared_strings) -> bytes:
    """An XLSX; `sheet_rows` and `shared_strings` are iterables of XML pieces, streamed
    into the zip so a bomb is never whole in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode())
            for piece in shared_strings:
                f.write(piece)
            f.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode())
            for piece in sheet_rows:
                f.write(piece)
            f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def shared_strings_bomb() -> bytes:
    """~40 MB of shared strings (over the 32 MB bound), a few tens of KB on disk."""
    chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>" * 1
    return workbook(
        [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], itertools.repeat(chunk * 1000, 40)
    )


def wide_row_bomb() -> bytes:
    """Rows each with one cell at column XFD: openpyxl makes 16,384 values of each."""
    return workbook(
        (b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (i, i) for i in range(1, 5001)), []
    )


def row_gap_bomb() -> bytes:
    """Two rows a billion apart: openpyxl yields every empty row between them."""
    return workbook(
        [
            b'<row r="1"><c r="A1"><v>1</v></c></row>',
            b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>',
        ],
        [],
    )


BOMBS = {"shared strings": shared_strings_bomb, "wide rows": wide_row_bomb}


def test_a_row_gap_bomb_is_refused_at_the_row_bound():
    with pytest.raises(StatementParseError, match="rows"):
        for _ in sources.xlsx_rows(io.BytesIO(row_gap_bomb())):
            pass


@pytest.mark.parametrize("make", BOMBS.values(), ids=BOMBS.keys())
def test_a_workbook_bomb_is_refused_by_its_bounds(client, court, engine, make):
    data = make()
    assert len(data) < 1024 * 1024  # small on disk
    with unchanged(engine):
        response = upload(client, court, data, name="bomb.xlsx")
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid_file")


def test_a_zip_that_inflates_beyond_the_bound_is_refused(client, court, engine, monkeypatch):
    monkeypatch.setattr(sources, "MAX_INFLATED_BYTES", 64 * 1024)
    data = workbook([b'<row r="1"><c r="A1"><v>1</v></c></row>' * 3000], [])
    with unchanged(engine):
        response = upload(client, court, data, name="big.xlsx")
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid_file")


def test_an_xls_is_bounded_not_read_whole(client, court, engine, monkeypatch):
    from tests.unit.importers.samples import DATA

    xls = next(DATA.glob("csv/**/*.xls")).read_bytes()
    monkeypatch.setattr(sources, "MAX_XLS_BYTES", len(xls) - 1)
    with unchanged(engine):
        response = upload(client, court, xls, name="big.xls")
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid_file")
    assert "over" in response.get_json()["detail"]
