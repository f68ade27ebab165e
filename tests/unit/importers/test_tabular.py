"""TabularImporter against the double-entry-generator exports and messy hand-made files."""

import codecs
import io
import re
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import tabular_cells as cells
from importers.base import StatementParseError
from importers.tabular import TabularImporter

from .samples import samples_dir

DATA = Path(__file__).resolve().parents[2] / "data" / "csv"
PROFILES = TabularImporter().profiles_dir

#: sample, lines we expect (all rows), own-account pattern for the beancount sign, exact
SAMPLES = [
    ("abc_debit/example-abc_debit-records.csv", 5, r"Assets:ABC:DebitCard", True),
    ("alipay/example-alipay-records.csv", 5, None, True),
    ("boc/credit/example-boc-records.csv", 14, r"Liabilities:CC:BoC", False),
    ("boc/debit/example-boc-records.csv", 17, r"Assets:DC:BoC:3167", False),
    ("ccb/交易明细_xxxx_2025xxxx_2025xxxx.xls", 6, None, True),
    ("icbc/credit/example-icbc-credit-records.csv", 9, None, False),
    ("icbc/debit-v1/example-icbc-debit-v1-records.csv", 11, None, False),
    ("icbc/debit-v2/example-icbc-debit-v2-records.csv", 11, None, False),
    ("wechat/example-wechat-records.csv", 16, None, False),
    ("wechat/example-wechat-records.xlsx", 16, None, True),
]
_POSTING = re.compile(r"^\s+([A-Z][\w:-]+)\s+(-?[\d.]+) ([A-Z]{3})$")


def beancount_transactions(path: Path, own: str | None) -> list[tuple]:
    """(date, signed amount from the account's side, currency) per transaction with a side."""
    found = []
    for block in path.read_text().split("\n\n"):
        head = re.match(r"(\d{4}-\d{2}-\d{2}) \*", block)
        if not head:
            continue
        kind = re.search(r'^\s+type: "(.*)"$', block, re.M)
        postings = [m.groups() for m in map(_POSTING.match, block.splitlines()) if m]
        _, amount, currency = postings[0]
        if own:
            mine = [p for p in postings if re.match(own, p[0])]
            if not mine:
                continue  # upstream could not tell the account's side
            signed = Decimal(mine[0][1])
        elif kind and kind[1] in ("收入", "支出"):
            signed = abs(Decimal(amount)) * (1 if kind[1] == "收入" else -1)
        else:
            continue  # neutral (不计收支, "/"): not a line of ours
        found.append((head[1], signed, currency))
    return found


def parse(data: bytes, profile: str | None = None):
    statements = list(TabularImporter(profile).parse(io.BytesIO(data)))
    assert len(statements) == 1
    return statements[0], list(statements[0].lines)


def summary(lines) -> list[tuple]:
    return [(x.booked_on, x.amount, x.currency, x.counterparty_name, x.remark) for x in lines]


@pytest.mark.parametrize(("name", "count", "own", "exact"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_every_bank_export_agrees_with_the_upstream_beancount(name, count, own, exact):
    path = samples_dir() / "double-entry-generator" / "example" / name
    _, lines = parse(path.read_bytes())
    assert len(lines) == count
    expected = beancount_transactions(next(path.parent.glob("*-output.beancount")), own)
    ours = [(x.booked_on.isoformat(), x.amount, x.currency) for x in lines]
    for transaction in expected:
        assert transaction in ours, transaction
        ours.remove(transaction)
    if exact:
        assert ours == []
    for sign in (1, -1):
        wanted = [t[1] for t in expected if t[1] * sign > 0]
        assert len(wanted) <= sum(1 for x in lines if x.amount * sign > 0)


@pytest.mark.parametrize("name", [s[0] for s in SAMPLES if s[0].endswith(".csv")])
def test_every_csv_export_reads_the_same_in_gb18030(name):
    raw = (samples_dir() / "double-entry-generator" / "example" / name).read_bytes()
    text = raw.decode("utf-8") if _is_utf8(raw) else raw.decode("gb18030")
    _, original = parse(raw)
    statement, recoded = parse(text.encode("gb18030"))
    assert summary(recoded) == summary(original)
    assert statement.extra["encoding"] == "gb18030"


def _is_utf8(raw: bytes) -> bool:
    try:
        codecs.decode(raw, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_a_descending_file_takes_its_closing_balance_from_the_first_row():
    path = samples_dir() / "double-entry-generator/example/boc/debit/example-boc-records.csv"
    statement, lines = parse(path.read_bytes())
    assert statement.extra["date_order"] == "descending"
    assert statement.closing_balance == Decimal("3240.28")
    assert statement.opening_balance == Decimal("2813.58")
    assert statement.opening_balance + sum(x.amount for x in lines) == statement.closing_balance


def test_metadata_rows_give_the_account_and_summary_rows_end_the_data():
    path = (
        samples_dir()
        / "double-entry-generator/example/icbc/debit-v2/example-icbc-debit-v2-records.csv"
    )
    statement, lines = parse(path.read_bytes())
    assert statement.account == "1234****9876"
    assert statement.extra["profile"] == "icbc_debit"
    assert lines[-1].amount == Decimal("1.04")
    assert "balance_unavailable" in statement.extra  # the sample's balances read xx,yyyy.zz


def test_english_headers_are_recognised_without_a_profile():
    statement, lines = parse((DATA / "english_two_columns.csv").read_bytes())
    assert statement.extra["profile"] == "auto"
    assert [x.amount for x in lines] == [Decimal("1000.00"), Decimal("-12.50")]
    assert lines[0].bank_reference == "R1"
    assert statement.opening_balance == Decimal("500.00")
    assert statement.closing_balance == Decimal("1487.50")


def big_csv(rows: int, bad_line: int | None = None) -> bytes:
    lines = ["交易日期,摘要,借方发生额,贷方发生额,余额,对方户名,对方账号"]
    for number in range(2, rows + 2):
        amount = "abc" if number == bad_line else '"1,234.50"'
        lines.append(f"2024-01-05,执行款,,{amount},{number}.00,张三,6.22E+18")
    return ("\n".join(lines) + "\n合计,,,,\n").encode("gb18030")


def test_a_non_numeric_amount_on_line_5000_rejects_the_file_naming_line_and_field():
    with pytest.raises(StatementParseError) as caught:
        parse(big_csv(6000, bad_line=5000))
    assert (caught.value.line, caught.value.field) == (5000, "credit")


def test_excel_mangled_account_numbers_are_kept_as_given_and_flagged():
    _, lines = parse(big_csv(3))
    assert lines[0].counterparty_account == "6.22E+18"
    assert lines[0].extra["mangled_numbers"] == {"counterparty_account": "6.22E+18"}


def test_a_row_without_any_amount_is_an_error():
    data = "交易日期,借方发生额,贷方发生额\n2024-01-05,--,\n".encode()
    with pytest.raises(StatementParseError, match="neither debit nor credit"):
        parse(data)


def test_data_after_a_summary_row_is_refused():
    data = "交易日期,借方发生额,贷方发生额\n2024-01-05,1.00,\n合计,1.00,\n2024-01-06,2.00,\n"
    with pytest.raises(StatementParseError, match="follows the summary") as caught:
        parse(data.encode())
    assert caught.value.line == 4


@pytest.mark.parametrize(
    "data", [b"", b"   \n", bytes(range(256)) * 8], ids=["empty", "blank", "binary"]
)
def test_empty_and_binary_files_are_rejected(data):
    with pytest.raises(StatementParseError):
        parse(data)


def test_a_profile_declaring_the_wrong_encoding_rejects_the_file(tmp_path):
    shipped = TabularImporter().profiles_dir
    (tmp_path / "auto.toml").write_bytes((shipped / "auto.toml").read_bytes())
    alipay = (shipped / "alipay.toml").read_text(encoding="utf-8")
    (tmp_path / "alipay_utf8.toml").write_text('encoding = "utf-8"\n' + alipay, encoding="utf-8")
    path = samples_dir() / "double-entry-generator/example/alipay/example-alipay-records.csv"
    importer = TabularImporter("alipay_utf8", profiles_dir=tmp_path)
    with pytest.raises(StatementParseError, match="not valid utf-8"):
        list(importer.parse(io.BytesIO(path.read_bytes())))


def test_rows_stream_in_bounded_memory():
    # Held in memory, 10,000 lines take some 10 MB; streamed, only a few rows are alive.
    (statement,) = TabularImporter().parse(io.BytesIO(big_csv(10_000)))
    tracemalloc.start()
    try:
        count = sum(1 for _ in statement.lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    assert peak < 2 * 1024 * 1024


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("bad_line", [3, 45, 5000])
def test_bytes_the_encoding_cannot_decode_are_named_by_their_exact_line(
    tmp_path, encoding, bad_line
):
    (tmp_path / "auto.toml").write_bytes((PROFILES / "auto.toml").read_bytes())
    (tmp_path / "forced.toml").write_text(f'encoding = "{encoding}"\n', encoding="utf-8")
    bad = "张三".encode("gb18030") if encoding == "utf-8" else b"\xff\xff"
    rows = ["交易日期,借方发生额,贷方发生额,对方户名".encode(encoding)]
    for number in range(2, 6000):
        name = bad if number == bad_line else "李四".encode(encoding)
        rows.append(b"2024-01-05,,1.00," + name)
    importer = TabularImporter("forced", profiles_dir=tmp_path)
    with pytest.raises(StatementParseError, match=f"not valid {encoding}") as caught:
        list(next(importer.parse(io.BytesIO(b"\n".join(rows)))).lines)
    assert (caught.value.line, caught.value.field) == (bad_line, "encoding")


def test_messy_rows_read_field_by_field():
    data = "\n".join(
        [
            "户名:,某某法院执行款专户",
            "交易日期,交易时间,借方发生额,贷方发生额,余额,对方户名,对方账号,子账号,摘要,附言",
            '2024/01/05,09:30:12,,"1,234.50","1,234.50", 张三 ,\t\'6222021234,SUB1,执行款,执行款',
            "20240106,093012,--,-12.5,1222.00,--,6.22E+18",
            "2024-01-07 08:00:00,,7.00,,1215.00,***,,,,（2024）京0105执1号",
            "合计,,7.00,1222.00,,,,,,",
        ]
    )
    statement, lines = parse(data.encode("gb18030"))
    first, second, third = lines
    assert (first.booked_on.isoformat(), first.booked_at.isoformat()) == (
        "2024-01-05",
        "2024-01-05T09:30:12",
    )
    assert (first.amount, first.counterparty_name, first.counterparty_account) == (
        Decimal("1234.50"),
        "张三",
        "6222021234",
    )
    assert (first.sub_account, first.remark) == ("SUB1", "执行款")
    assert first.raw.startswith("2024/01/05,09:30:12,,1,234.50,")
    assert (second.amount, second.booked_at.isoformat()) == (
        Decimal("-12.5"),
        "2024-01-06T09:30:12",
    )
    assert second.counterparty_name is None
    assert second.extra["mangled_numbers"] == {"counterparty_account": "6.22E+18"}
    assert second.raw == "20240106,093012,--,-12.5,1222.00,--,6.22E+18"
    assert (third.amount, third.booked_at.isoformat()) == (
        Decimal("-7.00"),
        "2024-01-07T08:00:00",
    )
    assert (third.counterparty_name, third.remark) == (None, "（2024）京0105执1号")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("0.00"),
        Decimal("1215.00"),
    )


def _same(fast, general, cell):
    """Both give the same value, or both refuse the cell with the same message."""
    try:
        expected = general(cell)
    except ValueError as error:
        with pytest.raises(ValueError) as caught:
            fast(cell)
        assert str(caught.value) == str(error)
        return
    assert fast(cell) == expected


_DATE_LIKE = st.text(alphabet="0123456789-/.: T'\t年月日١", max_size=21) | st.builds(
    "{:04d}{}{:02d}{}{:02d}{}".format,
    st.integers(0, 9999),
    st.sampled_from("-/."),
    st.integers(0, 99),
    st.sampled_from("-/.:"),
    st.integers(0, 99),
    st.sampled_from(["", " 09:30:12", "T23:59:60", " 9:30", " 24:00:00", "X"]),
)
_AMOUNT_LIKE = st.text(alphabet="0123456789,.+-() ¥$元'\t١", max_size=14)


@settings(max_examples=400, deadline=None)
@given(_DATE_LIKE)
def test_the_short_paths_read_dates_and_times_as_the_general_ones_do(text):
    _same(cells.parse_date, cells._parse_date, text)
    _same(cells.parse_time, cells._parse_time, text)


@settings(max_examples=400, deadline=None)
@given(_AMOUNT_LIKE)
def test_the_short_path_reads_amounts_as_the_general_one_does(text):
    _same(cells.parse_amount, cells._parse_amount, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="-*' \t\u3000\xa0a1N/Aul", max_size=4), max_size=4))
def test_text_values_and_blank_rows_follow_the_documented_rules(texts):
    for text in texts:
        clean = cells.clean_text(text)
        expected = None if clean in cells.PLACEHOLDERS or set(clean) <= {"-", "*"} else clean
        assert cells.text_value(text) == expected
    values = [cells.text_value(text) for text in texts]
    assert cells.first_text(texts, range(len(texts))) == next(filter(None, values), None)
    assert cells.is_blank(texts) == (not any(cells.clean_text(text) for text in texts))
