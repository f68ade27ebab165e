"""Deadlines of a case, and the scan that raises their warnings and alerts once each.

The scan works through the cases in batches of SCAN_BATCH_CASES ids: each batch's facts
are read with a handful of queries, its clocks computed with reconcile.deadlines, and its
new findings raised in bulk (alerts, deliveries, one audit record per court), in one
transaction. Only the cases whose clocks may raise something new are computed: each case
keeps its next due day (the first day a clock of it may become due soon or overdue,
reconcile.deadlines.next_change), stored once the batch that computed it committed, and
the writers of its facts count a change on it in their own transaction
(reconcile/db/deadline_marks.py); a scan computes the changed cases and those due by its
day (deadline_store.cases_to_compute), so a scan with nothing due reads no entry, and
raises what a scan of every case would.
A scanner claims the batch's row (FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite writers
queue), so several service instances scanning at once never work on the
same cases together, and skips a batch that a scan as of the same day, begun after it,
has done. Alerts are keyed by their deadline, so a later scan raises nothing twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from reconcile import clock
from reconcile.actors import SYSTEM, Actor
from reconcile.clock import as_utc
from reconcile.db import alert_store, deadline_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.deadlines import (
    Clock,
    Finding,
    Rules,
    basis_of,
    clocks,
    findings,
    next_change,
    provisional_years,
    state_of,
)
from reconcile.errors import NotFound
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services import deferrals, expected_receipts, supervision, watch
from reconcile.services.access import require
from reconcile.working_days import WorkingDayCalendar

#: cases per batch of the scan, by id: batch k holds ids from k × this up to (k + 1) × this
SCAN_BATCH_CASES = 2000


def calendar_from(settings: dict) -> WorkingDayCalendar:
    """Return the working-day calendar: the package's schedules plus the calendar files."""
    folder = Path(settings["_config_dir"]["path"]) / settings["deadlines"]["calendar_dir"]
    return _calendar(str(folder))


@lru_cache(maxsize=4)
def _calendar(folder: str) -> WorkingDayCalendar:
    path = Path(folder)
    return WorkingDayCalendar.from_sources(path if path.is_dir() else None)


def case_deadlines(
    uow: UnitOfWork, actor: Actor, case_id: int, settings: dict, as_of: date | None = None
) -> dict:
    """Return a case's running deadlines as of a day: due dates, provisional, paused."""
    require(actor, Verb.READ)
    as_of = as_of or clock.local_today()
    rules, calendar = Rules.from_settings(settings), calendar_from(settings)
    with uow:
        case = deadline_store.case_for_deadlines(uow.conn, case_id)
        if case is None or not actor.may_see(case["court"]):
            raise NotFound("case not found")
        facts = deadline_store.case_facts(uow.conn, case)
    running = clocks(facts, rules, calendar)
    return {
        "case_id": case_id,
        "as_of": as_of,
        "paused": any(p[0] <= as_of and (p[1] is None or as_of <= p[1]) for p in facts.pauses),
        "deadlines": [_clock_view(c, state_of(c, as_of, rules, calendar)) for c in running],
    }


def _clock_view(clock_: Clock, state: str) -> dict:
    deadline = clock_.deadline
    return {
        "clock": clock_.kind,
        "disbursement_id": clock_.disbursement_id,
        "started_on": clock_.started_on,
        "amount": clock_.amount,
        "due": deadline.due,
        "provisional": deadline.provisional,
        "unknown_years": list(deadline.unknown_years),
        "paused": deadline.paused,
        "state": state,
        #: marked paid, the payment clock runs until a statement debit confirms it
        "awaiting_confirmation": clock_.marked_paid_on is not None,
        "marked_paid_on": clock_.marked_paid_on,
    }


def scan_deadlines(engine: Engine, settings: dict, as_of: date, actor: Actor = SYSTEM) -> dict:
    """Raise the deadline warnings and alerts due as of a day; return what was done."""
    rules, calendar = Rules.from_settings(settings), calendar_from(settings)
    basis = _basis(rules, calendar)
    report: Counter = Counter()
    years: defaultdict[str, set[int]] = defaultdict(set)
    with UnitOfWork(engine, read_only=True) as uow:
        since = deadline_store.database_now(uow.conn)
        covered = deadline_store.cases_with_clocks(uow.conn)
        batches = deadline_store.batches_to_scan(uow.conn, SCAN_BATCH_CASES, as_of, basis)
    if batches:
        with UnitOfWork(engine) as uow:
            deadline_store.add_batches(uow.conn, sorted(batches))
            uow.commit()
    scan = _Scan(actor, as_of, rules, calendar, basis, since, report, years)
    for batch, size in sorted(batches.items()):
        computed = scan.batch(UnitOfWork(engine), batch, size)
        _store_next_due(engine, computed, as_of, basis)
    for court, court_years in sorted(years.items()):
        _raise_provisional(UnitOfWork(engine), actor, court, court_years, report)
    report.update(
        {
            "orphan_ageing": watch.scan_orphan_ageing(engine, settings, calendar, as_of, actor),
            "identification_overdue": watch.scan_identification(
                engine, settings, calendar, as_of, actor
            ),
            "payment_unconfirmed": watch.scan_unconfirmed_payments(
                engine, settings, calendar, as_of, actor
            ),
            "statement_missing": supervision.scan_statement_silence(
                engine, settings, calendar, as_of, actor
            ),
            "deferral_review_due": deferrals.scan_reviews(engine, calendar, as_of, actor),
            "expected_receipt_missing": expected_receipts.scan_missing(
                engine, settings, calendar, as_of, actor
            ),
            "alert_escalated": supervision.escalate_overdue(
                engine, settings, clock.utc_now(), actor
            ),
        }
    )
    report = +report  # drop zero counts
    return {"as_of": as_of, "cases": covered, **report}


def _basis(rules: Rules, calendar: WorkingDayCalendar) -> str:
    key = (rules, id(calendar))
    if key not in _BASES:
        _BASES[key] = basis_of(rules, calendar)
    return _BASES[key]


#: the basis of each (rules, calendar) a scan used: the calendars are kept (_calendar)
_BASES: dict[tuple[Rules, int], str] = {}


@dataclass
class _Scan:
    """One scan's rules and tallies, applied batch by batch."""

    actor: Actor
    as_of: date
    rules: Rules
    calendar: WorkingDayCalendar
    basis: str  #: digest of the rules and the calendar (reconcile.deadlines.basis_of)
    since: datetime  #: when the scan began, by the database's clock
    report: Counter
    years: defaultdict[str, set[int]]

    def batch(self, uow: UnitOfWork, batch: int, size: int) -> dict:
        """Claim a batch (`size` cases to compute when the scan began), raise the findings
        of its cases that are not raised yet, in bulk; return what was computed of each case
        (the changes read, its next due day) for _store_next_due."""
        with uow:
            if not self._claim(uow.conn, batch, size):
                return {}
            began = deadline_store.database_now(uow.conn)
            computed, new = self._new_findings(uow.conn, batch)
            raised = self._raise(uow, batch, new)
            if raised:  # else there is nothing to spare another scanner: it may redo the batch
                deadline_store.record_batch(
                    uow.conn,
                    batch,
                    as_of=self.as_of,
                    scanned_at=began,
                    cases=len(computed),
                    raised=raised,
                )
            uow.commit()
        return computed

    def _new_findings(self, conn, batch: int) -> tuple[dict, dict]:
        """Return what was computed of each case, and the rows of the findings not raised
        yet by (court, kind)."""
        low, high = batch * SCAN_BATCH_CASES, (batch + 1) * SCAN_BATCH_CASES
        # the changes counted, read before the facts: a change after it is computed again
        changes = deadline_store.cases_to_compute(conn, low, high, self.as_of, self.basis)
        found: dict[int, dict] = {}
        if changes:  # (most of the range: read all of it, keep those to compute)
            named = deadline_store.ids_to_name(changes, low, high)
            read = deadline_store.cases_in(
                conn, low, high, None if named is None else sorted(named)
            )
            found = {case_id: case for case_id, case in read.items() if case_id in changes}
        facts = deadline_store.facts_of_cases(conn, found, low, high) if found else {}
        due: dict[tuple[str, str], tuple[dict, Finding]] = {}
        next_due: dict[int, date | None] = dict.fromkeys(changes)  # no clock: none
        for case_id, case in found.items():
            running = clocks(facts[case_id], self.rules, self.calendar)
            for finding in findings(running, self.as_of, self.rules, self.calendar):
                due[(finding.kind, finding.clock.subject)] = (case, finding)
            if any(c.deadline.provisional for c in running):
                self.years[case["court"]] |= provisional_years(running)
            next_due[case_id] = next_change(running, self.as_of, self.rules, self.calendar)
        named = deadline_store.ids_to_name(found, low, high)
        raised_before = deadline_store.raised_already(conn, low, high, set(due), named)
        new: defaultdict[tuple[str, str], list[dict]] = defaultdict(list)
        for key, (case, finding) in due.items():
            if key not in raised_before:
                new[(case["court"], finding.kind)].append(_alert_row(case, finding))
        return {i: (changes[i], next_due[i]) for i in changes}, new

    def _claim(self, conn, batch: int, size: int) -> bool:
        claim = deadline_store.claim_batch(conn, batch)
        if claim is None:  # another scan is working on it
            self.report["cases_claimed_elsewhere"] += size
            return False
        if claim.as_of == self.as_of and as_utc(claim.scanned_at) >= as_utc(self.since):
            # a scan as of the same day that began after this one did it: nothing left
            self.report["cases_claimed_elsewhere"] += size
            return False
        return True

    def _raise(self, uow: UnitOfWork, batch: int, new: dict) -> int:
        """Raise the new findings with their deliveries; audit one summary per court."""
        by_court: defaultdict[str, dict] = defaultdict(lambda: {"raised": {}, "alert_ids": []})
        for (court, kind), rows in sorted(new.items()):
            ids = alert_store.raise_new_alerts(uow.conn, rows)
            self.report[kind] += len(ids)
            if ids:
                by_court[court]["raised"][kind] = len(ids)
                by_court[court]["alert_ids"] += ids
        for court, raised in sorted(by_court.items()):
            uow.audit(
                self.actor,
                "deadlines.scanned",
                "deadlines",
                f"batch:{batch}",
                court=court,
                after={"as_of": self.as_of, "batch": batch, **raised},
            )
        return sum(len(v["alert_ids"]) for v in by_court.values())


def _store_next_due(engine: Engine, computed: dict, as_of: date, basis: str) -> None:
    """Store the next due days of a batch's cases once its findings are committed, in
    transactions of their own that hold nothing a writer waits for: the rows to make
    first, then the rows to update (those no writer holds or changed since). A crash
    before leaves the cases to compute again: their findings are raised already."""
    if not computed:
        return
    missing = [
        {"case_id": i, "next_due": day} for i, (read, day) in computed.items() if read is None
    ]
    if missing:
        with UnitOfWork(engine) as uow:
            deadline_store.add_next_due(uow.conn, missing, as_of, basis)
            uow.commit()
    known = {i: row for i, row in computed.items() if row[0] is not None}
    if known:
        with UnitOfWork(engine) as uow:
            deadline_store.store_next_due(uow.conn, known, as_of, basis)
            uow.commit()


def _alert_row(case: dict, finding: Finding) -> dict:
    c = finding.clock
    facts = {
        "case_number": case["case_number"],
        "clock": str(c.kind),  # plain text: the facts are JSON as they are (audit.to_json_data)
        "started_on": c.started_on.isoformat(),
        "due": c.deadline.due.isoformat(),
        "amount": format_yuan(c.amount),
        "provisional": c.deadline.provisional,
        "disbursement_id": c.disbursement_id,
    }
    if c.marked_paid_on is not None:  # mark-paid does not stop the clock: the debit does
        facts["marked_paid_on"] = c.marked_paid_on.isoformat()
    return {
        "kind": finding.kind,
        "court": case["court"],
        "subject": c.subject,
        "facts": facts,
        "case_id": case["id"],
    }


def _raise_provisional(uow, actor, court: str, court_years: set[int], report: Counter) -> None:
    with uow:
        deadline_store.lock_court(uow.conn, court)
        for year in sorted(court_years):
            raised = alert_store.raise_alert(
                uow,
                actor,
                kind="calendar_provisional",
                court=court,
                subject=f"calendar:{year}:court:{court}",
                facts={"year": year, "calendar_file": f"config/calendars/{year}.toml"},
            )
            if raised is not None:
                report["calendar_provisional"] += 1
        uow.commit()
