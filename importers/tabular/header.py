"""Find the header row of an export and say which column is which field.

Header cells are matched against the aliases of the profiles (data, in
`config/csv_profiles/*.toml`), tolerant of how banks write them:

- full/half width, spacing, case and colons never matter (`金额（元）` is `金额(元)`);
- a bracketed qualifier or unit may be dropped (`借方发生额（支取）` is `借方发生额`,
  `Amount (HKD)` is `Amount`); a unit that is a currency code gives the column's currency;
- a bilingual cell matches by either half (`交易日期 Transaction Date`).

Each way of matching has a weight: the whole cell 3, the cell without its qualifier 2, one
half of a bilingual cell 2. A row's score is the sum, over the fields it names, of the best
weight; a row naming no date or no amount scores 0.

Two columns for one field are resolved by this rule, and reported: the better match wins
(whole name before a name found without its qualifier), then the alias the profile lists
first, then the leftmost column. The others stay as fall-backs for that field (read when
the chosen one is empty), which the warning says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from importers.tabular.cells import Cell, clean_text
from importers.tabular.profiles import AMOUNT_FIELDS, Profile, all_profiles, normalise_header

#: a bracketed qualifier or unit: (元), （支取）, [HKD], 【收入】
_QUALIFIER = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^】]*)】")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_PART = re.compile(r"[\u3400-\u9fff\uf900-\ufaff()（）/／\d]+")
_CURRENCY_UNIT = re.compile(r"[A-Z]{3}")
_UNIT_CURRENCIES = {"元": "CNY", "人民币": "CNY", "人民币元": "CNY", "rmb": "CNY"}
WHOLE, QUALIFIED, HALF = 3, 2, 2
DATE_FIELDS = ("booked_on", "transaction_date", "time")
#: fields of which only one column is read (others are fall-backs): ambiguity is reported
SINGLE_FIELDS = (
    "booked_on",
    "time",
    "value_date",
    "amount",
    "debit",
    "credit",
    "flag",
    "balance",
    "currency",
)


@dataclass(frozen=True)
class CellMatch:
    field: str
    weight: int
    preference: int  #: index of the alias in the profile's list (lower is preferred)


@lru_cache(maxsize=8192)
def header_forms(text: str) -> tuple[tuple[str, int], ...]:
    """The normalised forms a header cell may be matched by, with their weights."""
    folded = unicodedata.normalize("NFKC", text).strip()
    forms = [(normalise_header(folded), WHOLE)]
    bare = _QUALIFIER.sub(" ", folded).strip()
    if bare and bare != folded:
        forms.append((normalise_header(bare), QUALIFIED))
    for source in dict.fromkeys((folded, bare)):
        if _CJK.search(source) and _LATIN.search(source):
            chinese = "".join(_CJK_PART.findall(source))
            latin = _CJK_PART.sub(" ", source)
            forms += [(normalise_header(chinese), HALF), (normalise_header(latin), HALF)]
    seen: dict[str, int] = {}
    for form, weight in forms:
        if form and weight > seen.get(form, 0):
            seen[form] = weight
    return tuple(seen.items())


def unit_currency(text: str) -> str | None:
    """The currency a header's unit names: `Amount (HKD)` → HKD, `金额(元)` → CNY."""
    folded = unicodedata.normalize("NFKC", text)
    for match in _QUALIFIER.finditer(folded):
        unit = next(group for group in match.groups() if group is not None).strip()
        if _CURRENCY_UNIT.fullmatch(unit):
            return unit
        if unit.lower() in _UNIT_CURRENCIES:
            return _UNIT_CURRENCIES[unit.lower()]
    return None


#: the cells of a row that header_score reads
HEADER_COLUMNS_SCORED = 256


def cell_matches(text: str, index: dict[str, dict[str, int]]) -> dict[str, CellMatch]:
    """Every field a header cell can stand for, with its best match."""
    found: dict[str, CellMatch] = {}
    for form, weight in header_forms(text):
        for field_name, preference in index.get(form, {}).items():
            known = found.get(field_name)
            if known is None or (weight, -preference) > (known.weight, -known.preference):
                found[field_name] = CellMatch(field_name, weight, preference)
    return found


def header_score(cells: list[Cell], profiles_dir: Path, profile: Profile | None = None) -> int:
    """Score a row as the header; 0 unless it names a date and an amount."""
    # no bank export has hundreds of columns: a hostile row of 500,000 is scored this far
    texts = [clean_text(cell) for cell in cells[:HEADER_COLUMNS_SCORED]]
    if profile and profile.detect:
        names = {form for text in texts for form, _ in header_forms(text)}
        wanted = {normalise_header(h) for h in profile.detect}
        return 3 * len(wanted) if wanted <= names else 0
    index = profile_index(profile) if profile else _alias_index(profiles_dir)
    best: dict[str, int] = {}
    for text in texts:
        if not text or len(text) > 60:
            continue
        for field_name, match in cell_matches(text, index).items():
            best[field_name] = max(best.get(field_name, 0), match.weight)
    if not any(name in best for name in DATE_FIELDS) or not best.keys() & {*AMOUNT_FIELDS}:
        return 0
    return sum(best.values())


def best_score(rows: list[list[str]], profiles_dir: Path) -> int:
    """Give the best header score of any of the rows."""
    return max((header_score(row, profiles_dir) for row in rows), default=0)


def profile_index(profile: Profile) -> dict[str, dict[str, int]]:
    """A profile's header names (normalised) → the fields they stand for → preference."""
    return _profile_index(profile.name, tuple(sorted(profile.columns.items())))


@cache
def _profile_index(_name: str, columns: tuple) -> dict[str, dict[str, int]]:
    index: dict[str, dict[str, int]] = {}
    for field_name, aliases in columns:
        for preference, alias in enumerate(aliases):
            for form, weight in header_forms(alias):
                if weight == WHOLE:
                    index.setdefault(form, {}).setdefault(field_name, preference)
    return index


_ALIASES: dict[Path, dict[str, dict[str, int]]] = {}


def _alias_index(profiles_dir: Path) -> dict[str, dict[str, int]]:
    """Every header name any profile knows, with the fields it can stand for."""
    if profiles_dir not in _ALIASES:
        index: dict[str, dict[str, int]] = {}
        for profile in all_profiles(profiles_dir).values():
            for form, fields in profile_index(profile).items():
                for field_name, preference in fields.items():
                    index.setdefault(form, {}).setdefault(field_name, preference)
        _ALIASES[profiles_dir] = index
    return _ALIASES[profiles_dir]
