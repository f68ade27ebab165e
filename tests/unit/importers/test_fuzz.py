"""Fuzzing every importer and format detection: only StatementParseError ever escapes.

Inputs are real statement files (tests/data: ours and copied public samples) mutated by Hypothesis
— bytes flipped, cut, inserted, deleted, repeated — plus hostile seeds: entity bombs,
external entities, 10^5 nested elements, a 10 MB field, huge numbers, NUL bytes, invalid
UTF-8 and GB18030. Each input is parsed to the end (every statement's lines consumed,
each line turned into the facts the import stores), so an error raised late in the
stream counts. Time is bounded per example (Hypothesis' deadline) and memory for the big
seeds (tracemalloc's peak).

Profiles: about 100 examples per importer in CI; `RECONCILE_LONG_PROOF=1` runs 5000:

    RECONCILE_LONG_PROOF=1 .venv/bin/python -m pytest tests/unit/importers/test_fuzz.py
"""

from __future__ import annotations

import functools
import gc
import io
import os
import time
import tracemalloc
import warnings

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from importers import parse_file
from importers.base import StatementParseError
from reconcile.statement_lines import line_facts

from .samples import DATA

LONG = os.environ.get("RECONCILE_LONG_PROOF") == "1"
MB = 1 << 20

#: where each importer's seeds are: (folder of tests/data, glob patterns)
SEED_FILES = {
    "ofx": [("ofx/ofxparse", "**/*.ofx"), ("ofx", "*.ofx")],
    "camt053": [("camt/genkgo", "*.xml"), ("camt", "*.xml")],
    "mt940": [("mt940/mt940", "**/*.sta"), ("mt940", "*.sta")],
    "csv": [
        ("csv/double-entry-generator", "**/*.csv"),
        ("csv/double-entry-generator", "**/*.xls"),
        ("csv/double-entry-generator", "**/*.xlsx"),
        ("csv", "*.csv"),
    ],
}
#: bytes worth inserting: structure of each format, and the bytes that break decoders
TOKENS = [
    b"<",
    b">",
    b"</",
    b"&",
    b"&a;",
    b"<![CDATA[",
    b"<TRNAMT>",
    b"<STMTTRN>",
    b":61:",
    b":86:",
    b":60F:",
    b"\r\n-}",
    b",",
    b'"',
    b"\t",
    b"\n",
    b"-",
    b".",
    b"9" * 40,
    b"1E+308",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x81\x30",
    b"\x80",
    b"\xc3",
]


@functools.cache
def seeds(name: str) -> tuple[bytes, ...]:
    """Return the seed files of an importer (each under 256 KiB) and its small hostile seeds."""
    found = []
    for folder, pattern in SEED_FILES[name]:
        root = DATA / folder
        found += [p for p in sorted(root.glob(pattern)) if p.stat().st_size < 256 * 1024]
    assert found, f"no seed files for {name}"
    return tuple(p.read_bytes() for p in found) + tuple(small_hostile(name))


def consume(data: bytes, format: str | None, filename: str | None = None) -> int:
    """Parse `data` to its end as the import does; return how many lines it gave."""
    lines = 0
    for statement in parse_file(io.BytesIO(data), format, filename):
        for line in statement.lines:
            line_facts(line)
            lines += 1
        _ = statement.closing_balance, statement.period_end
    return lines


def only_parse_errors(data: bytes, format: str | None, filename: str | None = None) -> None:
    try:
        consume(data, format, filename)
    except StatementParseError as error:
        assert error.reason, "a refusal says why"
    finally:
        if data.startswith(SPREADSHEETS):
            gc.collect()  # a temporary file leaked by a workbook reader warns now: an error


SPREADSHEETS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@st.composite
def mutated(draw, name: str) -> bytes:
    """A seed of `name` with a few random edits."""
    data = bytearray(draw(st.sampled_from(seeds(name))))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["flip", "cut", "insert", "delete", "repeat", "token"]))
        if edit == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "cut":
            del data[at:]
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 8))
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


FUZZ = settings(
    max_examples=5000 if LONG else 100,
    derandomize=not LONG,  # CI sees the same examples every run; long runs explore
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)


@pytest.mark.parametrize("name", sorted(SEED_FILES))
@FUZZ
@given(data=st.data())
def test_a_mutated_statement_is_read_or_refused_with_a_reason(name, data):
    only_parse_errors(data.draw(mutated(name), label="file"), name)


@FUZZ
@given(
    data=st.data(),
    name=st.sampled_from(sorted(SEED_FILES)),
    filename=st.sampled_from([None, "s.ofx", "s.xml", "s.sta", "s.csv", "s.xls", "s.txt"]),
)
def test_format_detection_of_a_mutated_file_reads_it_or_refuses_it(data, name, filename):
    only_parse_errors(data.draw(mutated(name), label="file"), None, filename)


@FUZZ
@given(raw=st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_with_a_reason_or_read(raw):
    only_parse_errors(raw, None)


# ---- hostile seeds ----

CAMT_NS = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
OFX_SGML_HEAD = (
    b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    b"CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
OFX_XML_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" '
    b'NEWFILEUID="NONE"?>\n'
)


def camt(entry_field: bytes = b"", amount: bytes = b"1.00") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + CAMT_NS + b"<BkToCstmrStmt><Stmt><Id>1</Id>"
        b"<Acct><Id><Othr><Id>0200001009014401234</Id></Othr></Id><Ccy>CNY</Ccy></Acct>"
        b'<Ntry><Amt Ccy="CNY">' + amount + b"</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        b"<Sts>BOOK</Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef>"
        b"<NtryDtls><TxDtls><RmtInf><Ustrd>" + entry_field + b"</Ustrd></RmtInf></TxDtls>"
        b"</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>\n"
    )


def ofx(memo: bytes = b"x", amount: bytes = b"1.00", head: bytes = OFX_SGML_HEAD) -> bytes:
    return (
        head + b"<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        b"<STMTRS><CURDEF>CNY<BANKACCTFROM><BANKID>102<ACCTID>0200001009014401234"
        b"<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST><DTSTART>20261101<DTEND>20261130"
        b"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261102<TRNAMT>" + amount + b"<FITID>F1"
        b"<NAME>payer<MEMO>" + memo + b"</STMTTRN></BANKTRANLIST>"
        b"<LEDGERBAL><BALAMT>1.00<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS>"
        b"</BANKMSGSRSV1></OFX>\n"
    )


def mt940(narrative: bytes = b"x", amount: bytes = b"1,00") -> bytes:
    return (
        b":20:STMT\r\n:25:0200001009014401234\r\n:28C:1/1\r\n:60F:C261101CNY0,00\r\n"
        b":61:2611021102C" + amount + b"NTRFNONREF\r\n:86:" + narrative + b"\r\n"
        b":62F:C261102CNY" + amount + b"\r\n-\r\n"
    )


def csv(remark: bytes = b"x", amount: bytes = b"1.00") -> bytes:
    return (
        "交易日期,交易流水号,对方户名,对方账号,摘要,收入金额,支出金额,余额\n".encode()
        + b"2026-11-02,R1,payer,6222000000000001,"
        + remark
        + b","
        + amount
        + b",,"
        + amount
        + b"\n"
    )


MAKERS = {"ofx": ofx, "camt053": camt, "mt940": mt940, "csv": csv}
BOMB = (DATA / "camt" / "billion_laughs.xml").read_bytes()
XXE = (DATA / "camt" / "xxe_passwd.xml").read_bytes()
OFX_BOMB = OFX_XML_HEAD.replace(
    b"\n<?OFX",
    b'\n<!DOCTYPE OFX [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
    b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    b"]>\n<?OFX",
)
OFX_XXE = OFX_XML_HEAD.replace(
    b"\n<?OFX", b'\n<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<?OFX'
)


def small_hostile(name: str) -> list[bytes]:
    """The hostile seeds small enough to mutate."""
    make = MAKERS[name]
    field = {"ofx": "memo", "camt053": "entry_field", "mt940": "narrative", "csv": "remark"}[name]
    found = [
        make(amount=b"9" * 400),
        make(amount=b"1E+999999999"),
        make(amount=b"-0.001"),
        make(amount=b"NaN"),
        make(**{field: b"a\x00b\x00"}),
        make(**{field: b"\xff\xfe\xfd invalid utf-8"}),
        make(**{field: b"\x81\x30\x81"}),  # a GB18030 four-byte sequence cut short
        make(**{field: "支付".encode("gb18030") + "（2026）".encode()}),
    ]
    if name == "camt053":
        found += [BOMB, XXE, make(entry_field=b"&x;"), make(entry_field=b"&#0;")]
    if name == "ofx":
        found += [
            ofx(head=OFX_BOMB, memo=b"&g;"),
            ofx(head=OFX_XXE, memo=b"&x;"),
            ofx(head=OFX_XML_HEAD, memo=b"<![CDATA[x]]>"),
        ]
    return found


def big_hostile() -> list[tuple[str, str, bytes]]:
    """(importer, what, file): deep nesting and 10 MB fields, for time and memory bounds."""
    deep = 100_000
    found = [
        ("camt053", "10^5 nested elements", camt(b"<a>" * deep + b"x" + b"</a>" * deep)),
        ("camt053", "10^5 unclosed elements", CAMT_NS + b"<a>" * deep),
        ("ofx", "10^5 nested SGML tags", ofx(memo=b"<X>" * deep)),
        ("ofx", "10^5 nested XML elements", ofx(head=OFX_XML_HEAD, memo=b"<X>" * deep)),
        ("ofx", "10^5 tags outside the transactions", ofx(head=OFX_SGML_HEAD + b"<X>" * deep)),
    ]
    for name, make in MAKERS.items():
        field = {"ofx": "memo", "camt053": "entry_field", "mt940": "narrative", "csv": "remark"}
        found.append((name, "a 10 MB field", make(**{field[name]: b"y" * (10 * MB)})))
        found.append((name, "a 10 MB amount", make(amount=b"9" * (10 * MB))))
    found.append(("csv", "a 10 MB line of NUL bytes", b"\x00" * (10 * MB)))
    found.append(("csv", "a 1 MB header of 500000 columns", b"a," * (MB // 2) + b"\n1,2\n"))
    return found


@pytest.mark.parametrize(
    ("name", "what", "data"), big_hostile(), ids=[f"{n}: {w}" for n, w, _ in big_hostile()]
)
def test_a_hostile_file_is_read_or_refused_in_bounded_time_and_memory(name, what, data):
    for format in (name, None):
        tracemalloc.start()
        started = time.monotonic()
        try:
            only_parse_errors(data, format)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        elapsed = time.monotonic() - started
        assert elapsed < 10, f"{what}: {elapsed:.1f} s"
        assert peak < 12 * len(data) + 64 * MB, f"{what}: {peak / MB:.0f} MiB"


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_every_small_hostile_seed_is_read_or_refused(name):
    for data in small_hostile(name):
        only_parse_errors(data, name)
        only_parse_errors(data, None)


def test_the_seeds_are_real_files_of_each_format():
    for name in SEED_FILES:
        assert len(seeds(name)) >= len(small_hostile(name)) + 3, name


# ---- what the fuzzing found ----


def test_an_mt940_line_before_any_balance_gets_its_dedupe_key_without_a_currency():
    # mt-940 gives a :61: the currency of a :60a: balance read before it; a file without
    # one yields lines with no currency, which the import stores in the account's own
    fragment = b":20:STMT\r\n:25:0200001009014401234\r\n:61:2611021102C1,00NTRFNONREF\r\n-\r\n"
    [statement] = list(parse_file(io.BytesIO(fragment), "mt940"))
    [line] = list(statement.lines)
    assert line.currency is None
    assert line_facts(line).base_key.startswith("fp:")


def test_an_mt940_tag_the_package_cannot_read_from_nothing_is_refused_with_a_reason():
    # mt-940 raised RuntimeError(…, tag, "") and the reason's first line of "" was an IndexError
    empty_number = b":20:STMT\r\n:25:0200001009014401234\r\n:28C:\r\n:60F:C261101CNY0,00\r\n-"
    with pytest.raises(StatementParseError, match="cannot read :28"):
        consume(empty_number, "mt940")


def test_an_mt940_amount_over_15_characters_is_refused_not_cut_short():
    # mt-940 read 15 characters of "1234567890123456,00" and left "6,00" to the reference:
    # 123456789012345 yuan instead of refusing the line
    statement = mt940(amount=b"1234567890123456,00")
    with pytest.raises(StatementParseError, match="longer than the 15 characters"):
        consume(statement, "mt940")
    assert consume(mt940(amount=b"123456789012,00"), "mt940") == 1


@pytest.mark.parametrize(
    "block", [b"<X>" * 2000, b"<MEMO>x" * 2000], ids=["nested tags", "repeated tags"]
)
def test_an_ofx_transaction_of_thousands_of_tags_is_refused_at_once(block):
    started = time.monotonic()
    with pytest.raises(StatementParseError, match="STMTTRN holds over 1000 tags"):
        consume(ofx(memo=block), "ofx")
    assert time.monotonic() - started < 1


def test_an_ofx_envelope_of_thousands_of_tags_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(StatementParseError, match="tags outside the transactions"):
        consume(ofx(head=OFX_SGML_HEAD + b"<X>" * 30_000), "ofx")
    assert time.monotonic() - started < 1


def test_a_csv_field_over_the_csv_modules_limit_is_refused_with_a_reason():
    with pytest.raises(StatementParseError):
        consume(csv(remark=b"y" * 200_000), "csv")


def test_a_corrupt_xls_workbook_is_refused_with_a_reason():
    [xls] = sorted((DATA / "csv/double-entry-generator").glob("**/*.xls"))[:1]
    data = bytearray(xls.read_bytes())
    data[0x4C:0x50] = b"\xfd\xff\xff\xff"  # the first sector of the master allocation table
    with pytest.raises(StatementParseError):
        consume(bytes(data), "csv")


def test_a_mangled_marked_section_in_an_ofx_transaction_is_refused_with_a_reason():
    # bs4 raised ParserRejectedMarkup (html.parser: "unknown status keyword 'BDATA'")
    with pytest.raises(StatementParseError):
        consume(ofx(head=OFX_XML_HEAD, memo=b"<![BDATA[x]]>"), "ofx")
    with pytest.raises(StatementParseError):
        consume(ofx().replace(b"<OFX>", b"<OFX><![BDATA[x]]>"), "ofx")


def test_an_unreadable_xlsx_workbook_leaves_no_temporary_file_open():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(StatementParseError, match="not a readable XLSX"):
            consume(b"PK\x03\x04" + b"\x00" * 100, "csv")
        gc.collect()
    assert not [w for w in seen if issubclass(w.category, ResourceWarning)]


def test_an_ofx_time_zone_offset_beyond_any_clock_is_refused_with_a_reason():
    # ofxparse turns "[99999999999999999999:CST]" into a timedelta: OverflowError
    statement = ofx().replace(b"<DTASOF>20261130", b"<DTASOF>20261130[99999999999999999999:CST]")
    with pytest.raises(StatementParseError, match="OverflowError"):
        consume(statement, "ofx")
