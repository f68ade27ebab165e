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

from importers.base import StatementParseError

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
#: every field a `[columns]` table may map
COLUMN_FIELDS = (
    "booked_on",
    "time",
    "value_date",
    "transaction_date",
    "amount",
    "debit",
    "credit",
    "flag",
    "balance",
    "currency",
    "remark",
    *TEXT_FIELDS,
)
DATE_ORDER_VALUES = ("dmy", "mdy")
DECIMAL_MARKS = (".", ",")
AMOUNT_LAYOUTS = ("two_columns", "flag", "signed")
#: the keys of a profile file, with the type each must have (see the folder's README)
PROFILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "description": str,
    "detect": list,
    "encoding": str,
    "currency": str,
    "skip_rows": int,
    "header_search_rows": int,
    "amount_layout": str,
    "summary_markers": list,
    "date_formats": list,
    "date_order": str,
    "decimal_mark": str,
    "account_pattern": str,
    "account_cell": str,
    "period_pattern": str,
    "account_labels": list,
    "check_running_balance": bool,
    "inherit_columns": bool,
    "columns": dict,
    "positions": dict,
    "refuse": str,
    "negate_amounts": bool,
    "year_pattern": str,
    "flag": dict,
    "skip_when": dict,
}
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
    date_order: str | None = None  #: `dmy` / `mdy`: how `NN/NN/YYYY` dates read; else inferred
    decimal_mark: str | None = None  #: "." or ","; else inferred from the amounts
    #: field → 1-based column numbers, for files without a header row (then `columns` and
    #: `detect` are not used)
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: a layout that is no bank statement (a bookkeeping app's export, a balance history):
    #: a file of it is refused with this reason
    refuse: str | None = None
    negate_amounts: bool = False  #: card bills: a purchase positive, a repayment negative
    #: finds the statement's `year` (and `month`) above the header, for `MM/DD` dates
    year_pattern: str | None = None

    def aliases(self, field_name: str) -> tuple[str, ...]:
        """Header names of a field, normalised, in order of preference."""
        return tuple(normalise_header(a) for a in self.columns.get(field_name, ()))


class UnknownProfile(StatementParseError):
    """A profile name that names none: says which names there are (the facts `profile`
    and `known`, the names joined with ", ")."""

    def __init__(self, reason: str, *, profile: str, known: str, **where_and_facts) -> None:
        super().__init__(reason, profile=profile, known=known, **where_and_facts)
        self.name, self.known = profile, known.split(", ") if known else []


def load_profile(name: str, directory: Path = PROFILES_DIR) -> Profile:
    """Load a profile by name (any case), merged over the auto profile; UnknownProfile
    when no profile has that name."""
    return pick_profile(name, _load_all(directory))


def pick_profile(name: str, profiles: dict[str, Profile]) -> Profile:
    """The profile of that name, or else the only one of that name in another case."""
    wanted = name.strip()
    if wanted in profiles:
        return profiles[wanted]
    folded = [p for key, p in profiles.items() if key.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UnknownProfile(
        "unknown statement profile '{profile}'; known profiles: {known}",
        field="format",
        profile=wanted,
        known=", ".join(sorted(profiles)),
    )


def all_profiles(directory: Path = PROFILES_DIR) -> dict[str, Profile]:
    """Every profile in the folder by name, auto included."""
    return _load_all(directory)


def detect_profile(
    header_cells: set[str], directory: Path = PROFILES_DIR, saved: tuple[Profile, ...] = ()
) -> Profile:
    """Pick the profile whose `detect` headers all appear (the saved ones of the court
    too); the one naming the most wins; auto when none does."""
    best, best_size = _load_all(directory)[AUTO], 0
    for profile in (*saved, *_load_all(directory).values()):
        wanted = {normalise_header(h) for h in profile.detect}
        if wanted and wanted <= header_cells and len(wanted) > best_size:
            best, best_size = profile, len(wanted)
    return best


def build_profile(name: str, data: dict, directory: Path = PROFILES_DIR) -> Profile:
    """Build a profile from data shaped as a profile file (a saved statement profile),
    merged over the folder's auto profile as a file there would be."""
    return _build(name, check_profile_data(data), _read(directory / f"{AUTO}.toml"))


def check_profile_data(data: dict) -> dict:
    """Return `data` if it is a valid profile (the keys of a profile file); else ValueError
    naming the key and what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("a profile is a table of keys")
    for key, value in data.items():
        wanted = PROFILE_KEYS.get(key)
        if wanted is None:
            raise ValueError(f"{key}: not a profile key")
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise ValueError(f"{key}: must be a {_type_name(wanted)}")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError(f"{key}: must be a list of strings")
    _check_positions(data.get("positions", {}))
    for table in ("columns", "flag", "skip_when"):
        for key, value in data.get(table, {}).items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{table}.{key}: must be a list of strings")
    unknown = set(data.get("columns", {})) - set(COLUMN_FIELDS)
    if unknown:
        raise ValueError(f"columns.{sorted(unknown)[0]}: not a field")
    choices = {
        "date_order": DATE_ORDER_VALUES,
        "decimal_mark": DECIMAL_MARKS,
        "amount_layout": AMOUNT_LAYOUTS,
    }
    for key, allowed in choices.items():
        if key in data and data[key] not in allowed:
            raise ValueError(f"{key}: one of {', '.join(allowed)}")
    return data


#: the highest column number a position may name
MAX_POSITION = 256


def _check_positions(positions: dict) -> None:
    """Positions map fields to lists of 1-based column numbers and name a booking date and
    an amount (or a debit and a credit)."""
    if not positions:
        return
    for key, value in positions.items():
        if key not in COLUMN_FIELDS:
            raise ValueError(f"positions.{key}: not a field")
        if (
            not isinstance(value, list)
            or not value
            or not all(type(n) is int and 1 <= n <= MAX_POSITION for n in value)
        ):
            raise ValueError(
                f"positions.{key}: must be a list of column numbers from 1 to {MAX_POSITION}"
            )
    if "booked_on" not in positions or not (
        "amount" in positions or {"debit", "credit"} <= positions.keys()
    ):
        raise ValueError(
            "positions: must place the booking date and the amount (or debit and credit)"
        )


def _type_name(wanted) -> str:
    return {str: "string", list: "list of strings", int: "whole number", bool: "boolean",
            dict: "table"}[wanted]  # fmt: skip


def profile_toml(data: dict, comment: str | None = None) -> str:
    """Write profile data as the TOML of a `config/csv_profiles/*.toml` file."""
    lines = [f"# {part}" for part in (comment or "").splitlines()]
    tables = {key: value for key, value in data.items() if isinstance(value, dict)}
    for key, value in data.items():
        if key not in tables:
            lines.append(f"{key} = {_toml_value(value)}")
    for table, entries in tables.items():
        if entries:
            lines += ["", f"[{table}]"]
            lines += [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in entries.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


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
    inherited = base.get("columns", {}) if data.get("inherit_columns", True) else {}
    columns = {**inherited, **data.get("columns", {})}
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
        date_order=data.get("date_order"),
        decimal_mark=data.get("decimal_mark"),
        positions={key: tuple(value) for key, value in data.get("positions", {}).items()},
        refuse=data.get("refuse"),
        negate_amounts=bool(data.get("negate_amounts", False)),
        year_pattern=data.get("year_pattern"),
    )
