"""Bank export layouts as data: the profiles in `config/csv_profiles/*.toml`.

`auto.toml` holds the common Chinese and English header names for every field; a bank
profile overrides the fields it names and inherits the rest. See that folder's README.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PROFILES_DIR = Path(__file__).resolve().parents[2] / "config" / "csv_profiles"
AUTO = "auto"
TEXT_FIELDS = (
    "counterparty_name",
    "counterparty_account",
    "counterparty_bank",
    "sub_account",
    "bank_reference",
    "status",
    "account",
    "channel",
)
DATE_FIELDS = ("booked_on", "value_date", "transaction_date")
AMOUNT_FIELDS = ("amount", "debit", "credit")
_HEADER_NOISE = re.compile(r"[\s\u3000:：*]+")


def normalise_header(text: str) -> str:
    """Compare header cells ignoring spacing, colons, full/half width and case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _HEADER_NOISE.sub("", text).lower()


@dataclass(frozen=True)
class Profile:
    """One export layout; every key is documented in config/csv_profiles/README.md."""

    name: str
    columns: dict[str, tuple[str, ...]]
    detect: tuple[str, ...] = ()
    description: str = ""
    encoding: str = "auto"
    currency: str = "CNY"
    skip_rows: int = 0
    header_search_rows: int = 30
    amount_layout: str | None = None
    flag_values: dict[str, frozenset[str]] = field(default_factory=dict)
    skip_when: dict[str, frozenset[str]] = field(default_factory=dict)
    summary_markers: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    account_pattern: str | None = None
    account_cell: str | None = None
    period_pattern: str | None = None
    account_labels: tuple[str, ...] = ()
    check_running_balance: bool = True

    def aliases(self, field_name: str) -> tuple[str, ...]:
        """Header names of a field, normalised, in order of preference."""
        return tuple(normalise_header(a) for a in self.columns.get(field_name, ()))


def load_profile(name: str, directory: Path = PROFILES_DIR) -> Profile:
    """Load a profile by name, merged over the auto profile."""
    return _load_all(directory)[name]


def all_profiles(directory: Path = PROFILES_DIR) -> dict[str, Profile]:
    """Every profile in the folder by name, auto included."""
    return _load_all(directory)


def detect_profile(header_cells: set[str], directory: Path = PROFILES_DIR) -> Profile:
    """Pick the bank profile whose `detect` headers all appear; auto when none does."""
    best, best_size = _load_all(directory)[AUTO], 0
    for profile in _load_all(directory).values():
        wanted = {normalise_header(h) for h in profile.detect}
        if wanted and wanted <= header_cells and len(wanted) > best_size:
            best, best_size = profile, len(wanted)
    return best


@cache
def _load_all(directory: Path) -> dict[str, Profile]:
    raw = {path.stem: _read(path) for path in sorted(directory.glob("*.toml"))}
    if AUTO not in raw:
        raise FileNotFoundError(f"{directory / 'auto.toml'} is missing")
    base = raw[AUTO]
    return {name: _build(name, data, base) for name, data in raw.items()}


def _read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _build(name: str, data: dict, base: dict) -> Profile:
    columns = {**base.get("columns", {}), **data.get("columns", {})}
    merged = {**base, **data}
    flags = merged.get("flag", {})
    return Profile(
        name=name,
        columns={key: tuple(value) for key, value in columns.items()},
        detect=tuple(data.get("detect", ())),
        description=data.get("description", ""),
        encoding=data.get("encoding", "auto"),
        currency=merged.get("currency", "CNY"),
        skip_rows=data.get("skip_rows", 0),
        header_search_rows=merged.get("header_search_rows", 30),
        amount_layout=data.get("amount_layout"),
        flag_values={key: frozenset(values) for key, values in flags.items()},
        skip_when={key: frozenset(values) for key, values in data.get("skip_when", {}).items()},
        summary_markers=tuple(merged.get("summary_markers", ())),
        date_formats=tuple(data.get("date_formats", ())),
        account_pattern=data.get("account_pattern"),
        account_cell=data.get("account_cell"),
        period_pattern=merged.get("period_pattern"),
        account_labels=tuple(merged.get("account_labels", ())),
        check_running_balance=bool(data.get("check_running_balance", True)),
    )
