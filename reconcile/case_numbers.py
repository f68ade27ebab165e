"""Enforcement case numbers (案号): parse, normalise and find them in payment remarks.

A case number is （收案年度）法院代字 类型代字 案件编号 号, e.g. （2024）京0105执1234号, as
laid down in the Supreme People's Court's rules on case numbers (2016). Court codes are
最高法, a province-level abbreviation alone (high court, 京), or the abbreviation followed
by 2 digits (intermediate and special courts, 京01, 沪72) or 4 digits (basic courts,
京0105). Only enforcement type codes (执, 执恢, 执保, ...) are accepted: this service
places money on enforcement cases, never on a 民初 or 刑初 number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from reconcile.errors import ValueProblem

ENFORCEMENT_TYPE_CODES = ("执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他")

#: Court-code abbreviations of the provincial-level high courts, 兵团 (兵) and military (军).
COURT_ABBREVIATIONS = "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新兵军"
SUPREME_COURT_CODE = "最高法"
FIRST_YEAR = 1990
MAX_SEQUENCE_DIGITS = 6

_COURT = rf"(?:{SUPREME_COURT_CODE}|[{COURT_ABBREVIATIONS}](?:\d{{4}}|\d{{2}})?)"
_COURT_CODE = re.compile(_COURT, re.ASCII)
# Longest codes first so that 执恢 is not read as 执 followed by garbage.
_TYPE = "|".join(sorted(ENFORCEMENT_TYPE_CODES, key=len, reverse=True))

# Brackets payers and clerks use around the year, all mapped to ASCII parentheses.
# NFKC has already turned （）［］﹝﹞ into ()[]〔〕.
_BRACKETS = str.maketrans("〔〕[]【】〖〗", "()()()()")

# Any case number, enforcement or not, so that errors can say what is wrong.
_ANY_CASE_NUMBER = re.compile(
    r"\(?(?P<year>\d{4})\)?年?"
    rf"(?P<court>{SUPREME_COURT_CODE}|[{COURT_ABBREVIATIONS}]\d*)"
    r"(?P<type>\D+?)(?P<sequence>\d+)号?",
    re.ASCII,
)

_SPACE = r"[^\S\r\n]*"
# An enforcement case number inside free text, as payers type it. The sequence must not
# run on into further digits: "执123413812345678" (a phone number glued on without 号)
# cannot be split reliably, so it is not a match.
_IN_REMARK = re.compile(
    rf"(?P<year>(?:19|20)\d\d){_SPACE}\)?{_SPACE}年?{_SPACE}"
    rf"(?P<court>{SUPREME_COURT_CODE}|[{COURT_ABBREVIATIONS}](?:{_SPACE}(?:\d{{4}}|\d{{2}}))?)"
    rf"{_SPACE}(?P<type>{_TYPE}){_SPACE}(?P<sequence>\d+)(?!\d)",
    re.ASCII,
)


class InvalidCaseNumber(ValueProblem):
    """The text is not an enforcement case number this service can place money on."""


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    sequence: int

    def __post_init__(self) -> None:
        _check_year(self.year)
        _check_court_code(self.court_code)
        _check_type_code(self.type_code)
        _check_sequence(self.sequence)

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.type_code}{self.sequence}号"


def normalise_case_number(text: str) -> CaseNumber:
    """Parse one enforcement case number written in any of the usual ways."""
    compact = "".join(_fold(text).split())
    parsed = _ANY_CASE_NUMBER.fullmatch(compact)
    if parsed is None:
        raise InvalidCaseNumber(
            "'{value}' is not a case number of the form （2024）京0105执1234号 "
            "(year, court code, type code, sequence)",
            value=text,
        )
    _check_type_code(parsed["type"], text)
    return CaseNumber(
        year=int(parsed["year"]),
        court_code=parsed["court"],
        type_code=parsed["type"],
        sequence=int(parsed["sequence"]),
    )


def find_case_numbers(text: str) -> list[CaseNumber]:
    """Extract every enforcement case number from a remark, deduplicated, in order.

    A number written without its court code (e.g. "2024执1234号") is not returned: it
    could belong to any court, and guessing would place money on the wrong case.
    """
    if "执" not in text:  # every enforcement type code has it; most remarks have none
        return []
    found: dict[CaseNumber, None] = {}
    for match in _IN_REMARK.finditer(_fold(text)):
        number = _from_remark_match(match)
        if number is not None:
            found.setdefault(number, None)
    return list(found)


def _fold(text: str) -> str:
    """Fold full-width digits, brackets and spaces to their ASCII forms."""
    return unicodedata.normalize("NFKC", text).translate(_BRACKETS)


def _from_remark_match(match: re.Match[str]) -> CaseNumber | None:
    try:
        return CaseNumber(
            year=int(match["year"]),
            court_code="".join(match["court"].split()),
            type_code=match["type"],
            sequence=int(match["sequence"]),
        )
    except InvalidCaseNumber:
        return None


def latest_valid_year() -> int:
    """Return the last year a case number may carry: next year, for cases filed early."""
    return date.today().year + 1


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= latest_valid_year():
        raise InvalidCaseNumber(
            "year {year} is outside {first_year}–{last_year}",
            year=year,
            first_year=FIRST_YEAR,
            last_year=latest_valid_year(),
        )


def _check_court_code(court_code: str) -> None:
    if not _COURT_CODE.fullmatch(court_code):
        raise InvalidCaseNumber(
            "court code '{court_code}' is not 最高法, a province abbreviation, "
            "or an abbreviation followed by 2 or 4 digits",
            court_code=court_code,
        )


def _check_type_code(type_code: str, text: str | None = None) -> None:
    if type_code not in ENFORCEMENT_TYPE_CODES:
        codes = ", ".join(ENFORCEMENT_TYPE_CODES)
        if text is None:
            raise InvalidCaseNumber(
                "the case number has type code '{type_code}', not an enforcement type code "
                "({codes})",
                type_code=type_code,
                codes=codes,
            )
        raise InvalidCaseNumber(
            "'{value}' has type code '{type_code}', not an enforcement type code ({codes})",
            value=text,
            type_code=type_code,
            codes=codes,
        )


def _check_sequence(sequence: int) -> None:
    if not 1 <= sequence < 10**MAX_SEQUENCE_DIGITS:
        raise InvalidCaseNumber(
            "sequence {sequence} is not between 1 and {digits} digits long",
            sequence=sequence,
            digits=MAX_SEQUENCE_DIGITS,
        )
