"""Find the header row of an export: score rows by the header names the profiles know."""

from __future__ import annotations

from pathlib import Path

from importers.tabular.cells import Cell, clean_text
from importers.tabular.profiles import AMOUNT_FIELDS, Profile, all_profiles, normalise_header


def header_score(cells: list[Cell], profiles_dir: Path, profile: Profile | None = None) -> int:
    """Count the fields a row names as headers; 0 unless it names a date and an amount."""
    names = {normalise_header(clean_text(cell)) for cell in cells}
    if profile and profile.detect:
        wanted = {normalise_header(h) for h in profile.detect}
        return len(wanted) if wanted <= names else 0
    index = _alias_index(profiles_dir)
    fields = {field_name for name in names for field_name in index.get(name, ())}
    dated = fields & {"booked_on", "transaction_date"}
    return len(fields) if dated and fields & {*AMOUNT_FIELDS} else 0


def best_score(rows: list[list[str]], profiles_dir: Path) -> int:
    """Give the best header score of any of the rows."""
    return max((header_score(row, profiles_dir) for row in rows), default=0)


_ALIASES: dict[Path, dict[str, set[str]]] = {}


def _alias_index(profiles_dir: Path) -> dict[str, set[str]]:
    """Every header name any profile knows, with the fields it can stand for."""
    if profiles_dir not in _ALIASES:
        index: dict[str, set[str]] = {}
        for profile in all_profiles(profiles_dir).values():
            for field_name in profile.columns:
                for alias in profile.aliases(field_name):
                    index.setdefault(alias, set()).add(field_name)
        _ALIASES[profiles_dir] = index
    return _ALIASES[profiles_dir]
