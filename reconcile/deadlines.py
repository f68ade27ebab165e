"""Deadlines in working days (art. 22) and the warnings and alerts due on a given day.

Clock 1 (notice): releasable money — arrived, not held, not yet in a payment notice, on
an open case — needs a payment notice within `notice_working_days` of becoming
releasable (arrival, on the bank's booking day even when the money was identified later
from the orphan queue, or the release of a hold, or the bank's return of a payout: 退汇,
from the return's booking day). Money is taken first in, first out, so the clock runs
from the oldest money still waiting.
Clock 2 (payment): each payment notice needs payment within `payment_working_days` of
the notice to finance: the request's final approval (its last approval level) by default,
or the request itself (`notice_to_finance = "request"`). Finance's own review after the
last level does not move it: finance reviewing late must not buy finance time.
The day the clock starts is not counted; approved deferrals pause both clocks.

Deferrals of an amount (issue #18): a deferral that names an `amount` pauses only that much
of clock 1's waiting money, the way a hold does: from its approval to its end (or `until`)
that money is not waiting, and it waits again from the end. It does not pause clock 2.
A deferral without an amount pauses both clocks for the whole case, as before.

Holds placed after a payment request (issue #18): a hold may cover money a request has
already reserved (holds may exceed what is left; finance is then refused the payment).
The rule: on each day, the money held beyond what the case has not reserved — held +
reserved − received, at most what is held — covers the unpaid notices, newest request
first. A notice fully covered that way has its payment clock paused from the day the hold
covering it was placed to the day it no longer is (both inclusive: the release day is not
counted); a notice covered in part keeps its clock running for its uncovered part (the
clock's `amount`), since finance must still act on it.

`mark-paid` does not stop clock 2: a notice marked paid keeps its clock running, shown as
awaiting confirmation, until a statement debit confirms it (status paid: `paid_on`).
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from reconcile.working_days import Deadline, Pause, WorkingDayCalendar

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Notice:
    """A payment notice (disbursement request) that was not rejected."""

    disbursement_id: int
    requested_on: date
    amount: int  #: fen
    #: the day it was paid, once a statement debit confirmed it (status paid)
    paid_on: date | None = None
    #: the day its last approval level approved it (None: not finally approved yet)
    approved_on: date | None = None
    #: 退汇: the day the bank's return of it was booked; its money waits again from then
    returned_on: date | None = None
    #: the day finance marked it paid, while no statement debit confirms it yet
    marked_paid_on: date | None = None

    def notified_on(self, notice_to_finance: str) -> date | None:
        """The day finance was told to pay: the payment clock starts then."""
        return self.requested_on if notice_to_finance == "request" else self.approved_on


@dataclass(frozen=True)
class CaseFacts:
    """What the clocks of one case are computed from; amounts in fen."""

    case_id: int
    court: str
    open: bool
    arrivals: list[tuple[date, int]] = field(default_factory=list)
    #: hold changes: placed positive, released negative
    holds: list[tuple[date, int]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    #: deferrals of an amount: paused money (approved positive, ended negative), as holds
    deferred: list[tuple[date, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    notice_working_days: int
    payment_working_days: int
    warning_lead_working_days: int
    notice_to_finance: str = "final_approval"  #: or "request": when the payment clock starts

    @classmethod
    def from_settings(cls, settings: dict) -> Rules:
        section = settings["deadlines"]
        notice_to_finance = section.get("notice_to_finance", "final_approval")
        if notice_to_finance not in NOTICE_TO_FINANCE:
            raise ValueError(
                f"[deadlines] notice_to_finance must be one of {', '.join(NOTICE_TO_FINANCE)}"
            )
        return cls(
            section["notice_working_days"],
            section["payment_working_days"],
            section["warning_lead_working_days"],
            notice_to_finance,
        )


NOTICE_TO_FINANCE = ("request", "final_approval")


class ClockKind(StrEnum):
    NOTICE = "notice"  #: clock 1: from releasable money to the payment notice
    PAYMENT = "payment"  #: clock 2: from the payment notice to payment


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    case_id: int
    started_on: date
    amount: int  #: fen waiting for the notice, or the notice's amount
    deadline: Deadline
    disbursement_id: int | None = None
    #: clock 2 of a notice finance marked paid: it runs until a statement debit confirms it
    marked_paid_on: date | None = None

    @property
    def subject(self) -> str:
        """Name this deadline, so its alerts are raised once however often it is scanned."""
        owner = f"disbursement:{self.disbursement_id}" if self.disbursement_id else "money"
        return f"case:{self.case_id}:{self.kind}:{owner}:{self.started_on}:{self.deadline.due}"


@dataclass(frozen=True)
class Finding:
    """An alert kind due for a clock as of a day."""

    kind: str  #: notice_due_soon | notice_overdue | payment_due_soon | payment_overdue
    clock: Clock


def releasable_since(facts: CaseFacts) -> tuple[date, int] | None:
    """Return when the oldest releasable money became releasable, and how much is releasable."""
    if not facts.holds and not facts.notices and not facts.deferred:
        waiting = _only_arrived(facts.arrivals)
        if waiting is not False:
            return waiting
    events = sorted(
        [(d, 0, a, 0) for d, a in facts.arrivals]
        + [(d, 1, 0, h) for d, h in facts.holds]
        + [(d, 1, 0, h) for d, h in facts.deferred]
        + [(n.requested_on, 1, -n.amount, 0) for n in facts.notices]
        + [(n.returned_on, 1, n.amount, 0) for n in facts.notices if n.returned_on],
    )
    tranches: deque[list] = deque()
    received = held = releasable = 0
    for day, _, money, hold in events:
        received, held = received + money, held + hold
        now = max(0, received - held)
        if now > releasable:  # (most events: money arrives)
            tranches.append([day, now - releasable])
        elif now < releasable:
            _move(tranches, day, now - releasable)
        releasable = now
    return (tranches[0][0], releasable) if tranches else None


def _only_arrived(arrivals: list[tuple[date, int]]) -> tuple[date, int] | bool | None:
    """Money that only arrives waits from its oldest arrival (most cases, every scan);
    False if an amount is not positive, which takes the long way."""
    if not arrivals:
        return None
    oldest, total = arrivals[0][0], 0
    for day, amount in arrivals:
        if amount <= 0:
            return False
        oldest, total = min(oldest, day), total + amount
    return oldest, total


def _move(tranches: deque[list], day: date, change: int) -> None:
    if change > 0:
        tranches.append([day, change])
    while change < 0 and tranches:
        taken = min(tranches[0][1], -change)
        tranches[0][1] -= taken
        change += taken
        if tranches[0][1] == 0:
            tranches.popleft()


def clocks(facts: CaseFacts, rules: Rules, calendar: WorkingDayCalendar) -> list[Clock]:
    """Return the running clocks of a case: clock 1 if money waits, clock 2 per unpaid notice
    finance was told of."""
    found = []
    waiting = releasable_since(facts) if facts.open else None
    if waiting is not None:
        start, amount = waiting
        deadline = calendar.add_working_days_with_pauses(
            start, rules.notice_working_days, facts.pauses
        )
        found.append(Clock(ClockKind.NOTICE, facts.case_id, start, amount, deadline))
    covers = hold_covers(facts) if facts.holds and facts.notices else {}
    for notice in facts.notices:
        notified = notice.notified_on(rules.notice_to_finance)
        if notice.paid_on is None and notified is not None:
            cover = covers.get(notice.disbursement_id)
            deadline = calendar.add_working_days_with_pauses(
                notified,
                rules.payment_working_days,
                facts.pauses + (cover.pauses if cover else []),
            )
            found.append(
                Clock(
                    ClockKind.PAYMENT,
                    facts.case_id,
                    notified,
                    notice.amount - (cover.covered if cover else 0),
                    deadline,
                    notice.disbursement_id,
                    notice.marked_paid_on,
                )
            )
    return found


@dataclass
class HoldCover:
    """How holds placed after a notice cover it: when it was fully covered, and how much of
    it is covered as of its last fact."""

    pauses: list[Pause] = field(default_factory=list)
    covered: int = 0  #: fen covered now


def hold_covers(facts: CaseFacts) -> dict[int, HoldCover]:
    """Return, by disbursement id, how holds cover the case's unpaid notices (module doc)."""
    changes: dict[date, list[int]] = {}  # day -> [received, held, consumed]
    for day, amount in facts.arrivals:
        changes.setdefault(day, [0, 0, 0])[0] += amount
    for day, amount in facts.holds:
        changes.setdefault(day, [0, 0, 0])[1] += amount
    for n in facts.notices:
        changes.setdefault(n.requested_on, [0, 0, 0])[2] += n.amount
        if n.returned_on:
            changes.setdefault(n.returned_on, [0, 0, 0])[2] -= n.amount
        for day in (n.paid_on, n.marked_paid_on):
            if day:
                changes.setdefault(day, [0, 0, 0])
    newest_first = sorted(facts.notices, key=lambda n: (n.requested_on, n.disbursement_id))[::-1]
    covers = {n.disbursement_id: HoldCover() for n in facts.notices}
    since: dict[int, date] = {}  # notices fully covered, from the day
    received = held = consumed = 0
    for day in sorted(changes):
        got, hold, used = changes[day]
        received, held, consumed = received + got, held + hold, consumed + used
        left = min(max(0, held), max(0, held + consumed - received))
        for n in newest_first:
            if not _unpaid_on(n, day):
                taken = 0
            else:
                taken = min(left, n.amount)
                left -= taken
            cover = covers[n.disbursement_id]
            cover.covered = taken
            if taken == n.amount and n.disbursement_id not in since:
                since[n.disbursement_id] = day
            elif taken < n.amount and n.disbursement_id in since:
                cover.pauses.append((since.pop(n.disbursement_id), day))
    for disbursement_id, day in since.items():
        covers[disbursement_id].pauses.append((day, None))
    return covers


def _unpaid_on(notice: Notice, day: date) -> bool:
    if notice.requested_on > day or (notice.returned_on and notice.returned_on <= day):
        return False
    left = notice.paid_on or notice.marked_paid_on
    return left is None or left > day


def state_of(clock: Clock, as_of: date, rules: Rules, calendar: WorkingDayCalendar) -> ClockState:
    """Tell whether a clock is running, due soon, overdue, or paused, as of a day."""
    due = clock.deadline.due
    if due is None:
        return ClockState.PAUSED
    if as_of > due:
        return ClockState.OVERDUE
    if calendar.working_days_between(as_of, due) <= rules.warning_lead_working_days:
        return ClockState.DUE_SOON
    return ClockState.RUNNING


def findings(
    clock_list: list[Clock], as_of: date, rules: Rules, calendar: WorkingDayCalendar
) -> list[Finding]:
    """Return the warnings and alerts due as of a day: a warning before, an alert after."""
    kinds = {
        (ClockKind.NOTICE, ClockState.DUE_SOON): "notice_due_soon",
        (ClockKind.NOTICE, ClockState.OVERDUE): "notice_overdue",
        (ClockKind.PAYMENT, ClockState.DUE_SOON): "payment_due_soon",
        (ClockKind.PAYMENT, ClockState.OVERDUE): "payment_overdue",
    }
    result = []
    for clock in clock_list:
        kind = kinds.get((clock.kind, state_of(clock, as_of, rules, calendar)))
        if kind is not None:
            result.append(Finding(kind, clock))
    return result


def provisional_years(clock_list: list[Clock]) -> set[int]:
    """Return the years without a published schedule that any of the clocks reached."""
    return {year for clock in clock_list for year in clock.deadline.unknown_years}


def next_change(
    clock_list: list[Clock], as_of: date, rules: Rules, calendar: WorkingDayCalendar
) -> date | None:
    """Return the first day after `as_of` on which a clock's state (so what a scan raises)
    may change while the case's facts do not: a running clock becomes due soon, one due
    soon becomes overdue. None: no clock can (none runs, or each is paused or overdue).

    A clock's state only moves forward with the day (running, due soon, overdue), so a
    scan as of any day before this one finds what the scan as of `as_of` found.
    """
    earliest: date | None = None
    for clock in clock_list:
        due = clock.deadline.due
        if due is None or as_of > due:
            continue
        state = state_of(clock, as_of, rules, calendar)
        day = (
            due + ONE_DAY
            if state == ClockState.DUE_SOON
            else _due_soon_from(clock, as_of, rules, calendar)
        )
        earliest = day if earliest is None else min(earliest, day)
    return earliest


def _due_soon_from(clock: Clock, as_of: date, rules: Rules, calendar: WorkingDayCalendar) -> date:
    """The first day after `as_of` on which a running clock is due soon (by halving: the
    working days left only shrink as the day moves on; on its due day none are left)."""
    low, high = as_of + ONE_DAY, clock.deadline.due
    while low < high:
        middle = low + (high - low) // 2
        if (
            calendar.working_days_between(middle, clock.deadline.due)
            <= rules.warning_lead_working_days
        ):
            high = middle
        else:
            low = middle + ONE_DAY
    return low


def basis_of(rules: Rules, calendar: WorkingDayCalendar) -> str:
    """A digest of the rules and the calendar the clocks are computed under: a scan under
    another basis computes every case again."""
    exceptions = []  # the days a schedule makes other than Monday to Friday
    for year in sorted(calendar.known_years()):
        day = date(year, 1, 1)
        while day.year == year:
            if calendar.is_working_day(day) != (day.weekday() < 5):
                exceptions.append(day)
            day += ONE_DAY
    text = repr((rules, exceptions))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
