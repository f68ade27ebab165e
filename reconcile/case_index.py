"""The cases of one collection account, indexed in memory for matching credits.

A court's account may hold 100,000 cases and more; dictionaries of strings would take
about 850 bytes a case. Here every key is UTF-8 bytes in a sorted list beside an array of
case positions (a binary search per lookup), and a case's own number and sub-account are
the same bytes objects: about a third of the memory.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaseRef:
    id: int
    case_number: str
    sub_account: str
    open: bool
    closure_type: str | None = None  #: how a closed case closed (reconcile.case_closing)


class _SortedMultimap:
    """Keys to case positions, as two sorted columns; keys added later are merged lazily."""

    def __init__(self) -> None:
        self._keys: list[bytes] = []
        self._positions = array("l")
        self._sorted = True

    def add(self, key: bytes, position: int) -> None:
        self._keys.append(key)
        self._positions.append(position)
        self._sorted = False

    def positions(self, key: bytes) -> list[int]:
        self._sort()
        keys, found = self._keys, []
        at = bisect_left(keys, key)
        while at < len(keys) and keys[at] == key:
            found.append(self._positions[at])
            at += 1
        return found

    def first(self, key: bytes) -> int | None:
        """The first position under `key`, or None."""
        self._sort()
        at = bisect_left(self._keys, key)
        return self._positions[at] if at < len(self._keys) and self._keys[at] == key else None

    def __contains__(self, key: bytes) -> bool:
        return self.first(key) is not None

    def __len__(self) -> int:
        self._sort()
        return len(self._keys)

    def __iter__(self) -> Iterator[bytes]:
        self._sort()
        return iter(self._keys)

    def _sort(self) -> None:
        if self._sorted:
            return
        keys, positions = self._keys, self._positions
        order = sorted(range(len(keys)), key=lambda i: (keys[i], positions[i]))
        self._keys, self._positions = [], array("l")
        for i in order:  # the same key for the same case twice is kept once
            if not self._keys or (self._keys[-1], self._positions[-1]) != (keys[i], positions[i]):
                self._keys.append(keys[i])
                self._positions.append(positions[i])
        self._sorted = True


class _SubAccounts(AbstractSet):
    """The account's sub-account numbers, as a set of strings (for near-miss lookups)."""

    def __init__(self, keys: _SortedMultimap) -> None:
        self._keys = keys

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and number.encode() in self._keys

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class CaseIndex:
    """Cases by sub-account, case number and respondent (account or exact name).

    Add cases in ascending id order, then their respondents.
    """

    def __init__(self, sub_account_prefix: str, sub_account_length: int, check_digits: bool):
        self.sub_account_prefix = sub_account_prefix
        self.sub_account_length = sub_account_length
        self.check_digits = check_digits
        self._ids = array("q")
        self._open = bytearray()
        self._closure: dict[int, str] = {}  #: position -> closure type, closed cases only
        self._numbers: list[bytes] = []
        self._subs: list[bytes] = []
        self._by_number = _SortedMultimap()
        self._by_sub = _SortedMultimap()
        self._by_respondent_account = _SortedMultimap()
        self._by_respondent_name = _SortedMultimap()
        self.sub_accounts: AbstractSet[str] = _SubAccounts(self._by_sub)

    def add_case(self, case: CaseRef) -> None:
        if self._ids and case.id <= self._ids[-1]:
            raise ValueError("cases are added in ascending id order")
        position = len(self._ids)
        number, sub = case.case_number.encode(), case.sub_account.encode()
        self._ids.append(case.id)
        self._open.append(case.open)
        if case.closure_type:
            self._closure[position] = case.closure_type
        self._numbers.append(number)
        self._subs.append(sub)
        self._by_number.add(number, position)
        self._by_sub.add(sub, position)

    def add_respondent(self, case_id: int, name: str | None, account: str | None) -> None:
        position = bisect_left(self._ids, case_id)
        if position == len(self._ids) or self._ids[position] != case_id:
            raise KeyError(case_id)
        if account:
            self._by_respondent_account.add(account.encode(), position)
        if name and name.strip():
            self._by_respondent_name.add(name.strip().encode(), position)

    def by_sub_account(self, number: str) -> CaseRef | None:
        return self._one(self._by_sub, number)

    def by_case_number(self, number: str) -> CaseRef | None:
        return self._one(self._by_number, number)

    def by_respondent_account(self, account: str) -> list[CaseRef]:
        """The cases whose respondent holds this account, by id."""
        return self._all(self._by_respondent_account, account)

    def by_respondent_name(self, name: str) -> list[CaseRef]:
        """The cases whose respondent has exactly this name, by id."""
        return self._all(self._by_respondent_name, name.strip())

    def sub_account_pattern(self) -> re.Pattern[str]:
        """Digits in a remark that could be one of this account's sub-accounts."""
        return re.compile(
            rf"(?<![0-9]){re.escape(self.sub_account_prefix)}[0-9]"
            rf"{{{self.sub_account_length - len(self.sub_account_prefix)}}}(?![0-9])"
        )

    def _one(self, keys: _SortedMultimap, key: str) -> CaseRef | None:
        position = keys.first(key.encode()) if key else None
        return None if position is None else self._case(position)

    def _all(self, keys: _SortedMultimap, key: str) -> list[CaseRef]:
        if not key:
            return []
        return [self._case(p) for p in sorted(keys.positions(key.encode()))]

    def _case(self, position: int) -> CaseRef:
        return CaseRef(
            self._ids[position],
            self._numbers[position].decode(),
            self._subs[position].decode(),
            bool(self._open[position]),
            self._closure.get(position),
        )
