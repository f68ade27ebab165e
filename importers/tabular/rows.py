"""One data row of a bank export → one StatementLine, as a profile maps its columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from importers.base import StatementLine, StatementParseError
from importers.tabular.cells import (
    Cell,
    CellProblem,
    amount_currency,
    clean_text,
    currency_code,
    first_text,
    is_mangled_number,
    parse_amount,
    parse_date,
    parse_time,
    text_value,
)
from importers.tabular.header import SINGLE_FIELDS, cell_matches, profile_index
from importers.tabular.profiles import COLUMN_FIELDS, Profile

FIELDS = COLUMN_FIELDS  #: the fields a row is read into: those a profile may map
_FLAG_SPLIT = re.compile(r"[\s/|,、()（）]+")
DATE_CACHE = 4096  #: distinct booking-date cells remembered per file
CHECKED_FOR_MANGLING = ("counterparty_account", "sub_account", "account", "bank_reference")


class SkippedRow(Exception):
    """A row that is not a booked line (neutral or excluded status); `kind` says why."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


AMBIGUITY_RULE = (
    "the better match wins (the whole name before one found without its qualifier), "
    "then the header name the profile lists first, then the leftmost column"
)


def map_columns(header: list[Cell], profile: Profile) -> dict[str, list[int]]:
    """Give each field the header columns it can read, best first (see `header`)."""
    return map_header(header, profile)[0]


def map_header(header: list[Cell], profile: Profile) -> tuple[dict[str, list[int]], list[dict]]:
    """Each field's columns, best first, and a warning for each field several columns name.

    A column that matches several fields belongs to those it matches best; `交易日期` may
    be the booking date and the transaction date at once (the booking date wins it when
    both want it), and a `交易时间` column is the booking date when no other column is and
    its values hold dates (checked by the reader).
    """
    index = profile_index(profile)
    names = [clean_text(cell) for cell in header]
    candidates: dict[str, list[tuple[int, int, int]]] = {}
    best_weight: dict[int, int] = {}
    for column, name in enumerate(names):
        if not name:
            continue
        for field_name, match in cell_matches(name, index).items():
            if field_name not in FIELDS:
                continue
            candidates.setdefault(field_name, []).append((-match.weight, match.preference, column))
            best_weight[column] = max(best_weight.get(column, 0), match.weight)
    columns: dict[str, list[int]] = {}
    for field_name in FIELDS:
        found = sorted(
            entry for entry in candidates.get(field_name, []) if -entry[0] == best_weight[entry[2]]
        )
        if found:
            columns[field_name] = list(dict.fromkeys(column for _, _, column in found))
    booked = columns.get("booked_on", [None])[0]
    if "transaction_date" in columns:
        columns["transaction_date"] = [i for i in columns["transaction_date"] if i != booked]
    if columns.get("time") and columns["time"][0] == booked:
        del columns["time"]
    if "booked_on" not in columns and columns.get("time"):
        columns["booked_on"] = columns.pop("time")  # 交易时间 holding the date and time
        warnings: list[dict] = [{"kind": "time_as_date", "column": names[columns["booked_on"][0]]}]
    else:
        warnings = []
    columns = {name: found for name, found in columns.items() if found}
    for field_name in SINGLE_FIELDS:
        found = columns.get(field_name, [])
        # a second date column that is the transaction date is no ambiguity: it is read as such
        taken = columns.get("transaction_date", []) if field_name == "booked_on" else []
        rest = [i for i in found[1:] if i not in taken]
        if found and rest:
            used, others = names[found[0]], [names[i] for i in rest]
            warnings.append(
                {
                    "kind": "ambiguous_column",
                    "field": field_name,
                    "used": used,
                    "others": others,
                    "message": f"{field_name}: columns {', '.join([used, *others])} all name it; "
                    f"{used!r} is read (rule: {AMBIGUITY_RULE}), the others only where it is "
                    "empty",
                }
            )
    return columns, warnings


def amount_layout(columns: dict[str, list[int]], profile: Profile) -> str:
    """Two columns, one column with a 借/贷 flag, or one signed column."""
    if profile.amount_layout:
        return profile.amount_layout
    if "debit" in columns and "credit" in columns:
        return "two_columns"
    return "flag" if "flag" in columns and "amount" in columns else "signed"


@dataclass
class RowMapper:
    """Reads the fields of one data row; raises StatementParseError naming line and field.

    Every field's column indexes are looked up once, in `__post_init__`; a row then costs
    a pass over the columns the file has, with nothing built per cell. Rows shorter than
    the header are padded with empty cells, which read exactly as missing cells do.
    """

    profile: Profile
    columns: dict[str, list[int]]
    layout: str
    delimiter: str = ","
    date_order: str | None = None  #: `dmy` / `mdy` for NN/NN/YYYY dates, from the column
    decimal_comma: bool = False  #: the amounts write `1.234,56`, from the columns
    currency: str | None = None  #: from the header's unit (`Amount (HKD)`), else the profile's
    cell_currency: bool = False  #: the amounts carry their currency (`579,68 USD`, `$12.00`)
    #: the statement's (year, month), for dates written `MM/DD` (a card bill's title says it)
    statement_month: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        columns = self.columns
        self.width = 1 + max((i for found in columns.values() for i in found), default=-1)
        self._first = {name: found[0] for name, found in columns.items()}
        self._at = {name: tuple(columns.get(name, ())) for name in FIELDS}
        self._skips = tuple(
            (name, tuple(columns.get(name, ())), values)
            for name, values in self.profile.skip_when.items()
        )
        self._formats = self.profile.date_formats
        self._booked = self._first.get("booked_on")
        self._time = self._first.get("time")
        self._transaction_date = self._first.get("transaction_date")
        self._balance = self._first.get("balance")
        self._currency = self._at["currency"]
        self._dates: dict[str, tuple[date, time | None]] = {}
        self._flags = {
            direction: frozenset(value.lower() for value in values)
            for direction, values in self.profile.flag_values.items()
        }
        self._extra_texts = tuple(
            (name, self._at[name]) for name in ("status", "channel", "account") if self._at[name]
        )

    def cell(self, cells: list[Cell], field_name: str) -> Cell:
        index = self._first.get(field_name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def text(self, cells: list[Cell], field_name: str) -> str | None:
        return first_text(cells, [i for i in self.columns.get(field_name, ()) if i < len(cells)])

    def booking_date(self, cells: list[Cell]) -> tuple[date, time | None]:
        """The row's booking date (and time, when the cell has one); ValueError if none."""
        index = self._booked
        cell = cells[index] if index is not None and index < len(cells) else None
        if cell.__class__ is not str:
            return self._parse_date(cell)
        # Exports hold hundreds of rows per day: remember the last few thousand dates read.
        if (known := self._dates.get(cell)) is None:
            if len(self._dates) >= DATE_CACHE:
                self._dates.clear()
            known = self._dates[cell] = self._parse_date(cell)
        return known

    def _parse_date(self, cell: Cell) -> tuple[date, time | None]:
        try:
            return parse_date(cell, self._formats, self.date_order)
        except ValueError:
            if self.statement_month is None:
                raise
            return (month_day(clean_text(cell), self.statement_month, self.date_order), None)

    def line(
        self, number: int, cells: list[Cell], booked: tuple[date, time | None] | None = None
    ) -> StatementLine:
        """Map one row; SkippedRow for rows that are not booked lines.

        `booked` is the row's `booking_date()` when the caller has already read it.
        """
        row = cells if len(cells) >= self.width else [*cells, *[""] * self.width]
        at = self._at
        for name, indexes, values in self._skips:
            if (value := first_text(row, indexes)) in values:
                raise SkippedRow(f"{name}={value}")
        booked_on, booked_at = self._booking(number, row, booked)
        account = first_text(row, at["counterparty_account"])
        sub_account = first_text(row, at["sub_account"])
        reference = first_text(row, at["bank_reference"])
        extra = self._extra(number, row, (account, sub_account, reference))
        currency = first_text(row, self._currency) if self._currency else None
        if currency is None and self.cell_currency:
            currency = self._stated_currency(row)
        return StatementLine(
            booked_on=booked_on,
            amount=self._amount(number, row),
            currency=currency_code(currency, self.currency or self.profile.currency),
            value_date=self._optional_date(number, row, "value_date"),
            booked_at=booked_at,
            bank_reference=reference,
            counterparty_name=first_text(row, at["counterparty_name"]),
            counterparty_account=account,
            counterparty_bank=first_text(row, at["counterparty_bank"]),
            remark=self._remark(row),
            sub_account=sub_account,
            raw=_raw(cells, self.delimiter),
            source_line=number,
            extra=extra,
        )

    def _stated_currency(self, row: list[Cell]) -> str | None:
        for name in ("amount", "credit", "debit"):
            index = self._first.get(name)
            if index is not None and (found := amount_currency(row[index])):
                return found
        return None

    def _booking(self, number: int, row: list[Cell], booked) -> tuple[date, datetime | None]:
        booked_on, moment = booked or self._date(number, row, "booked_on")
        if self._time is not None:
            try:
                moment = parse_time(row[self._time]) or moment
            except CellProblem as problem:
                raise StatementParseError(
                    "{problem}", line=number, field="time", problem=problem
                ) from problem
            except ValueError as error:  # out of range, as datetime says it
                raise StatementParseError(
                    "'{value}' is not a time of day",
                    line=number,
                    field="time",
                    value=clean_text(row[self._time]),
                ) from error
        return booked_on, (datetime.combine(booked_on, moment) if moment else None)

    def _date(self, number: int, cells: list[Cell], field_name: str):
        cell = self.cell(cells, field_name)
        try:
            return self._parse_date(cell)
        except CellProblem as problem:
            raise StatementParseError(
                "{problem}", line=number, field=field_name, problem=problem
            ) from problem
        except ValueError as error:  # a day no calendar has (2024-02-30), as datetime says it
            raise StatementParseError(
                "'{value}' is not a date", line=number, field=field_name, value=clean_text(cell)
            ) from error

    def _optional_date(self, number: int, row: list[Cell], field_name: str) -> date | None:
        index = self._first.get(field_name)
        if index is None or not clean_text(row[index]):
            return None
        return self._date(number, row, field_name)[0]

    def _amount(self, number: int, row: list[Cell]) -> Decimal:
        amount = self._stated_amount(number, row)
        return -amount if self.profile.negate_amounts else amount

    def _stated_amount(self, number: int, row: list[Cell]) -> Decimal:
        if self.layout == "two_columns":
            debit = self._number(number, row, "debit")
            credit = self._number(number, row, "credit")
            if debit is None and credit is None:
                raise StatementParseError(
                    "neither debit nor credit amount", line=number, field="amount"
                )
            if debit and credit:
                raise StatementParseError(
                    "both debit and credit amount", line=number, field="amount"
                )
            # A negative credit is a reversal and stays negative; debits are outflows
            # however written.
            if credit:
                return credit
            return -abs(debit) if debit else Decimal(0)
        amount = self._number(number, row, "amount")
        if amount is None:
            raise StatementParseError("no amount", line=number, field="amount")
        return amount if self.layout == "signed" else self._flagged(number, row, amount)

    def _flagged(self, number: int, row: list[Cell], amount: Decimal) -> Decimal:
        flag = clean_text(self.cell(row, "flag"))
        values = self.profile.flag_values
        if flag in values.get("neutral", ()):
            raise SkippedRow("neutral")
        if flag in values.get("credit", ()):
            return abs(amount)
        if flag in values.get("debit", ()):
            return -abs(amount)
        direction = self._flag_direction(flag)
        if direction == "neutral":
            raise SkippedRow("neutral")
        if direction == "credit":
            return abs(amount)
        if direction == "debit":
            return -abs(amount)
        known = ", ".join(sorted(values.get("credit", ()))[:6])
        raise StatementParseError(
            "debit/credit flag '{flag}' is unknown (credit flags known: {known} …; "
            "a profile's [{table}] table can name more)",
            line=number,
            field="flag",
            flag=flag,
            known=known,
            table="flag",
        )

    def _flag_direction(self, flag: str) -> str | None:
        """Read a flag in any case and in both languages at once (`贷 Cr`, `借/Dr`)."""
        tokens = [flag.lower(), *(t for t in _FLAG_SPLIT.split(flag.lower()) if t)]
        found = {
            direction
            for token in tokens
            for direction, values in self._flags.items()
            if token in values
        }
        return found.pop() if len(found) == 1 else None

    def _number(self, number: int, row: list[Cell], field_name: str) -> Decimal | None:
        index = self._first.get(field_name)
        cell = row[index] if index is not None else None
        try:
            return parse_amount(cell, self.decimal_comma)
        except CellProblem as problem:
            raise StatementParseError(
                "{problem}", line=number, field=field_name, problem=problem
            ) from problem
        except ValueError as error:
            raise StatementParseError(
                "'{value}' is not an amount", line=number, field=field_name, value=clean_text(cell)
            ) from error

    def _remark(self, row: list[Cell]) -> str | None:
        parts = [part for i in self._at["remark"] if (part := text_value(row[i]))]
        if len(parts) < 2:
            return parts[0] if parts else None
        return " / ".join(dict.fromkeys(parts))

    def _extra(self, number: int, row: list[Cell], accounts: tuple) -> dict:
        """Status, channel, own account, transaction date, and numbers Excel mangled.

        `accounts`: the row's counterparty account, sub-account and bank reference.
        """
        extra = {}
        for name, indexes in self._extra_texts:
            if value := first_text(row, indexes):
                extra[name] = value
        if self._transaction_date is not None and clean_text(row[self._transaction_date]):
            extra["transaction_date"] = self._date(number, row, "transaction_date")[0].isoformat()
        account, sub_account, reference = accounts
        checked = (account, sub_account, extra.get("account"), reference)
        mangled = {}
        for name, value in zip(CHECKED_FOR_MANGLING, checked, strict=True):
            if value and is_mangled_number(value):
                mangled[name] = value
        if mangled:
            extra["mangled_numbers"] = mangled
        return extra

    def balance(self, cells: list[Cell]) -> Decimal | None:
        """The running balance after this row; ValueError when it is not a number."""
        index = self._balance
        if index is None:
            return None
        return parse_amount(cells[index] if index < len(cells) else None, self.decimal_comma)


def _raw(cells: list[Cell], delimiter: str) -> str:
    try:
        return delimiter.join(cells)  # type: ignore[arg-type]  # the common case: all text
    except TypeError:
        return delimiter.join(clean_text(c) if not isinstance(c, str) else c for c in cells)


_MONTH_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})")


def month_day(text: str, statement: tuple[int, int], order: str | None = None) -> date:
    """A date written without its year (`03/05`, month first unless `order` is `dmy`) on a
    statement of (year, month): in that year, or the year before for a later month."""
    match = _MONTH_DAY.fullmatch(text)
    if not match:
        raise CellProblem("'{value}' is not a date", value=text)
    first, second = int(match[1]), int(match[2])
    month, day = (second, first) if order == "dmy" else (first, second)
    year, statement_month = statement
    try:
        return date(year - 1 if month > statement_month else year, month, day)
    except ValueError:
        raise CellProblem("'{value}' is not a date", value=text) from None
