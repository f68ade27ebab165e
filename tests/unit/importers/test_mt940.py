"""Mt940Importer against the mt-940 package's own samples and our Chinese bank file."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from importers.base import StatementParseError
from importers.mt940 import Mt940Importer

from .samples import MT940_UPSTREAM

CHINESE = "mt940/gbk_chinese_narratives.sta"
_DECIMAL_INLINE = re.compile(r"decimal\.Decimal \['([^']*)'\]")
_DECIMAL_NEXT_LINE = re.compile(r"\s*- '([^']*)'")


@dataclass
class Expected:
    """The numbers of an upstream `.yml`: `mt940.parse` of the whole file, pickled."""

    amounts: list[Decimal] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)
    has_account: bool = False


def read_expected(path: Path) -> Expected:
    """Pull the transaction amounts and balances out of an upstream yml (PyYAML not needed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    expected, section = Expected(), None
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+:", line):
            section = line.split(":")[0]
            # a small mapping is written inline: `data: {account_identification: …}`
            expected.has_account |= line.startswith("data: {account_identification:")
        elif section == "transactions" and line.startswith("    amount: !!python/object:mt940"):
            expected.amounts.append(_decimal_after(lines, i))
        elif section == "transactions" and line.startswith("    status: "):
            expected.statuses.append(line.split(":", 1)[1].strip())
        elif section == "data" and (match := re.match(r"^  (\w+_balance): !!python", line)):
            expected.balances[match.group(1)] = _decimal_after(lines, i)
        elif section == "data" and line.startswith("  account_identification:"):
            expected.has_account = True
    return expected


def _decimal_after(lines: list[str], i: int) -> Decimal:
    for j in range(i + 1, i + 5):
        if "decimal.Decimal" in lines[j]:
            inline = _DECIMAL_INLINE.search(lines[j])
            return Decimal((inline or _DECIMAL_NEXT_LINE.match(lines[j + 1])).group(1))
    raise AssertionError(f"no amount after line {i + 1}")


def parse_bytes(data: bytes) -> list[tuple]:
    return [(s, list(s.lines)) for s in Mt940Importer().parse(io.BytesIO(data))]


def sample_pairs() -> list[tuple[Path, Path]]:
    return [(sta, sta.with_suffix(".yml")) for sta in sorted(MT940_UPSTREAM.glob("**/*.sta"))]


def test_every_mt940_sample_has_its_expected_result():
    pairs = sample_pairs()
    assert len(pairs) >= 45
    assert all(yml.exists() for _, yml in pairs)


def test_every_mt940_sample_imports_as_its_yml_expects():
    for sta, yml in sample_pairs():
        expected = read_expected(yml)
        if not (expected.amounts or expected.balances or expected.has_account):
            # upstream reads nothing a statement is made of: no account, balance or line
            with pytest.raises(StatementParseError, match="no MT940 statement"):
                parse_bytes(sta.read_bytes())
            continue
        statements = parse_bytes(sta.read_bytes())
        lines = [line for _, statement_lines in statements for line in statement_lines]
        assert len(lines) == len(expected.amounts), sta.name
        assert sum(line.amount for line in lines) == _signed_sum(expected), sta.name
        _assert_balances(statements, expected, sta.name)


def _signed_sum(expected: Expected) -> Decimal:
    # We read a reversal of a credit (RC) as the debit it is; upstream's default keeps it
    # positive. sepa_mt9401.sta is the sample where that differs.
    return sum(
        (-amount if status == "RC" else amount)
        for amount, status in zip(expected.amounts, expected.statuses, strict=True)
    )


def _assert_balances(statements, expected: Expected, name: str) -> None:
    # upstream merges all statements of a file, so the last statement giving a balance wins
    for key, attribute, tag in (
        ("final_opening_balance", "opening_balance", ":60F:"),
        ("intermediate_opening_balance", "opening_balance", ":60M:"),
        ("final_closing_balance", "closing_balance", ":62F:"),
        ("intermediate_closing_balance", "closing_balance", ":62M:"),
    ):
        ours = [
            getattr(s, attribute) for s, _ in statements if s.extra.get(f"{attribute}_tag") == tag
        ]
        if key in expected.balances:
            assert ours and ours[-1] == expected.balances[key], (name, key)


def test_a_file_of_several_statements_gives_each_its_own_balances():
    statements = parse_bytes((MT940_UPSTREAM / "jejik/abnamro.sta").read_bytes())
    assert [
        (s.account, s.opening_balance, s.closing_balance, len(lines)) for s, lines in statements
    ] == [
        ("517852257", Decimal("3236.28"), Decimal("876.84"), 8),
        ("517852257", Decimal("2876.84"), Decimal("1849.75"), 2),
    ]
    assert statements[0][0].period_start == date(2011, 5, 22)


def test_a_wrapped_narrative_is_joined_into_one_remark():
    [(_, lines)] = parse_bytes((MT940_UPSTREAM / "jejik/abnamro.sta").read_bytes())[:1]
    assert lines[0].remark.startswith("GIRO   428428 KPN - DIGITENNE")
    assert "000000042188659" + "5314606715" in lines[0].remark
    assert lines[0].source_line == 8


def test_structured_subfields_fill_remark_name_account_and_bank():
    path = MT940_UPSTREAM / "self-provided/gv_codes.sta"
    [(_, lines)] = parse_bytes(path.read_bytes())
    assert lines[0].counterparty_name == "PayPal (Europe) S.a.r.l. et"
    assert lines[0].remark == ". SPOTIFY, Ihr Einkaufbei SPOTIFY"


def test_the_asn_dialect_with_the_contra_iban_in_the_reference_is_read():
    # issue #14: `:61:2001010101D65,00NOVBNL47INGB9999999999` (an 18-character IBAN where
    # SWIFT allows a 16-character reference) used to refuse the file
    path = MT940_UPSTREAM / "ASNB/0708271685_09022020_164516.940.txt"
    statements = parse_bytes(path.read_bytes())
    assert len(statements) == 31
    for statement, lines in statements:
        assert statement.opening_balance + sum(x.amount for x in lines) == (
            statement.closing_balance
        )
    assert statements[0][0].opening_balance == Decimal("444.29")
    assert statements[-1][0].closing_balance == Decimal("501.23")


def test_an_unreadable_statement_line_rejects_the_file_naming_the_line():
    data = b":20:X\n:25:123\n:28C:1\n:60F:C240101EUR0,00\n:61:24XX01C10,00NTRF\n:62F:C240101EUR0,\n"
    with pytest.raises(StatementParseError, match="cannot read :61:") as raised:
        parse_bytes(data)
    assert raised.value.line == 5


def test_a_malformed_balance_rejects_the_file(data_dir):
    data = (data_dir / CHINESE).read_bytes().replace(b":62F:C240110CNY", b":62F:X240110CNY")
    with pytest.raises(StatementParseError) as raised:
        parse_bytes(data)
    assert raised.value.line == 11


@pytest.mark.parametrize("data", [b"", b"\n\n", b"1\n2\n3\n"])
def test_a_file_without_statements_is_rejected(data):
    with pytest.raises(StatementParseError):
        parse_bytes(data)


def test_gbk_narratives_are_decoded_and_sorted_into_fields(data_dir):
    [(statement, lines)] = parse_bytes((data_dir / CHINESE).read_bytes())
    assert statement.account == "0200001234567890123"
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("10000.00"),
        Decimal("10734.00"),
    )
    assert (statement.period_start, statement.period_end) == (date(2023, 12, 31), date(2024, 1, 10))
    credit, debit = lines
    assert credit.counterparty_name == "张三"
    assert credit.counterparty_account == "6222020200112233445"
    assert credit.counterparty_bank == "102100099996"
    assert credit.remark == "汇入汇款 / （2024）京0105执1234号 案款"
    assert credit.bank_reference == "B240105000001"
    assert debit.amount == Decimal("-500.00")
    assert debit.remark.endswith("收款账号6217000010012345678")
    assert (debit.booked_on, debit.source_line) == (date(2024, 1, 8), 8)


def test_a_utf8_file_with_bom_keeps_its_first_statement(data_dir):
    text = (data_dir / CHINESE).read_bytes().decode("gbk")
    [(statement, lines)] = parse_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert statement.account == "0200001234567890123"
    assert lines[0].counterparty_name == "张三"


def test_the_callers_stream_stays_open(data_dir):
    stream = io.BytesIO((data_dir / CHINESE).read_bytes())
    for statement in Mt940Importer().parse(stream):
        list(statement.lines)
    assert not stream.closed
