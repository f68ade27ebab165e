"""Finding cases: the search keys a case is found by, and what a search box query means.

A case is found by a prefix of one of its keys, compared after folding (full-width forms,
bracket styles, spaces and case do not matter):

- its number from the year, from the court code, from the type code and from the
  sequence: （2024）京0105执1234号 is found by "2024京0105执12", "京0105执", "执1234",
  "1234";
- every party's name from each of its characters on (张伟 by "张伟"; 北京华信商贸有限公司
  by "华信" as well as by "北京");
- its sub-account number and its parties' accounts, by a prefix of the digits (those
  live in their own indexed columns, so an account added later is found too).

A whole case number (written out to its 号) is matched exactly. A prefix is looked
up as the range [key, key with its last character incremented): an index range scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from reconcile.case_numbers import InvalidCaseNumber, normalise_case_number

#: a name's keys start at each of its first characters; names are short, companies are not
MAX_NAME_KEY_STARTS = 40
#: the shortest name suffix kept as a key: one character finds far too many cases
MIN_NAME_KEY = 2
#: the longest key kept (names beyond it are cut: a prefix that long is unambiguous)
MAX_KEY = 64
#: a query longer than this is not a search (the longest key is shorter)
MAX_QUERY = 200

_BRACKETS = str.maketrans("〔〕[]【】〖〗()", "          ")
_DROP = re.compile(r"[\s\-‐‑‒–—−·.,，。、'\"“”‘’]+")
_NUMBER_MARKS = re.compile(r"[年号]")
_DIGITS = re.compile(r"[0-9]+")


class KeyKind(StrEnum):
    """What a search key was made from (and so what a hit matched)."""

    CASE_NUMBER = "case_number"
    APPLICANT = "applicant"
    RESPONDENT = "respondent"


class MatchKind(StrEnum):
    """Why a case is in the results of a search."""

    CASE_NUMBER = "case_number"
    PARTY = "party"
    SUB_ACCOUNT = "sub_account"
    ACCOUNT = "account"  #: a payee account (or a respondent's known account)
    SUB_ACCOUNT_NEAR_MISS = "sub_account_near_miss"  #: one typing error away


def fold(text: str) -> str:
    """Return text as keys are compared: NFKC, case-folded, brackets and spacing dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_BRACKETS)
    return _DROP.sub("", folded)


def number_keys(canonical: str) -> list[str]:
    """Return the keys of a case number: from its year, court, type code and sequence."""
    number = normalise_case_number(canonical)
    sequence = str(number.sequence)
    from_type = f"{number.type_code}{sequence}"
    from_court = f"{number.court_code.casefold()}{from_type}"
    return [f"{number.year}{from_court}", from_court, from_type, sequence]


def name_keys(name: str) -> list[str]:
    """Return the keys of a party's name: its suffixes of two characters or more."""
    folded = fold(name)[:MAX_KEY]
    if len(folded) < MIN_NAME_KEY:
        return [folded] if folded else []
    last_start = min(len(folded) - MIN_NAME_KEY, MAX_NAME_KEY_STARTS - 1)
    return [folded[start:] for start in range(last_start + 1)]


def prefix_range(key: str) -> tuple[str, str]:
    """Return [low, high): every string starting with key, and nothing else, in code point order."""
    return key, key[:-1] + chr(ord(key[-1]) + 1)


@dataclass(frozen=True)
class SearchQuery:
    """A search box's text, read every way it could be meant."""

    text: str
    #: the canonical case number when the text is a whole one (matched exactly)
    case_number: str | None
    #: folded forms to look up as key prefixes (as a name, and as a case number)
    prefixes: tuple[str, ...]
    #: the digits when the text could be an account or sub-account number
    digits: str | None

    @property
    def empty(self) -> bool:
        return not (self.case_number or self.prefixes or self.digits)


def read_query(text: str) -> SearchQuery:
    """Return what a search box's text may mean: a case number, a name, digits."""
    text = text.strip()[:MAX_QUERY]
    folded = fold(text)
    case_number = _whole_case_number(text)
    as_number = _NUMBER_MARKS.sub("", folded)
    prefixes = tuple(dict.fromkeys(p[:MAX_KEY] for p in (folded, as_number) if p))
    digits = folded if _DIGITS.fullmatch(folded) else None
    if case_number is not None:
        prefixes = ()
    return SearchQuery(text, case_number, prefixes, digits)


def _whole_case_number(text: str) -> str | None:
    """The canonical number of a whole case number: one written out to its 号."""
    if not fold(text).endswith("号"):
        return None
    try:
        return str(normalise_case_number(text))
    except InvalidCaseNumber:
        return None


class CaseSort(StrEnum):
    """The orders the case list can be shown in; each breaks ties by case id."""

    REGISTERED = "registered"  #: by case id (registration order)
    FILED_ON = "filed_on"
    RECEIVED = "received"
    AVAILABLE = "available"


@dataclass(frozen=True)
class CaseFilters:
    """What the case list shows: filters, order and the search."""

    query: SearchQuery | None = None
    status: str | None = None  #: open | closed
    court: str | None = None  #: a court code of the actor's
    overdue: bool | None = None  #: an unresolved notice or payment overdue alert
    held: bool | None = None  #: money held on the case
    available_gt: int | None = None  #: fen
    #: an orphan credit (不明款) suggests the case (its ranked candidates, matching.suggest)
    suggested: bool | None = None
    #: the cases the orphans suggest, as the use case read them (bounded) for `suggested`
    suggested_ids: frozenset[int] | None = None
    sort: CaseSort = CaseSort.REGISTERED
    descending: bool = True


def match_of(query: SearchQuery, case: dict) -> MatchKind | None:
    """Return what of a case (a case view) the query found it by, or None."""
    if query.case_number is not None:
        return MatchKind.CASE_NUMBER if case["case_number"] == query.case_number else None
    if any(key.startswith(p) for key in number_keys(case["case_number"]) for p in query.prefixes):
        return MatchKind.CASE_NUMBER
    names = [p["name"] for p in (*case["applicants"], *case["respondents"])]
    if any(key.startswith(p) for n in names for key in name_keys(n) for p in query.prefixes):
        return MatchKind.PARTY
    if query.digits and case["sub_account_number"].startswith(query.digits):
        return MatchKind.SUB_ACCOUNT
    accounts = [
        a["account_number"]
        for p in (*case["applicants"], *case["respondents"])
        for a in p.get("payee_accounts", p.get("accounts", []))
    ]
    if query.digits and any(a.startswith(query.digits) for a in accounts):
        return MatchKind.ACCOUNT
    return None
