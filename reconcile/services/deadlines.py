"""Deadlines of a case, and the scan that raises their warnings and alerts once each.

The scan works through the cases in batches of SCAN_BATCH_CASES ids: each batch's facts
are read with a handful of queries, its clocks computed with reconcile.deadlines, and its
new findings raised in bulk (alerts, deliveries, one audit record per court), in one
transaction. A scanner claims the batch's row (FOR UPDATE SKIP LOCKED on PostgreSQL; on
SQLite writers queue), so several service instances scanning at once never work on the
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
from reconcile.deadlines import Clock, Finding, Rules, clocks, findings, provisional_years, state_of
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
    report: Counter = Counter()
    years: defaultdict[str, set[int]] = defaultdict(set)
    with UnitOfWork(engine, read_only=True) as uow:
        since = deadline_store.database_now(uow.conn)
        batches = deadline_store.batches_to_scan(uow.conn, SCAN_BATCH_CASES)
    if batches:
        with UnitOfWork(engine) as uow:
            deadline_store.add_batches(uow.conn, sorted(batches))
            uow.commit()
    scan = _Scan(actor, as_of, rules, calendar, since, report, years)
    for batch, size in sorted(batches.items()):
        scan.batch(UnitOfWork(engine), batch, size)
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
    return {"as_of": as_of, "cases": sum(batches.values()), **report}


@dataclass
class _Scan:
    """One scan's rules and tallies, applied batch by batch."""

    actor: Actor
    as_of: date
    rules: Rules
    calendar: WorkingDayCalendar
    since: datetime  #: when the scan began, by the database's clock
    report: Counter
    years: defaultdict[str, set[int]]

    def batch(self, uow: UnitOfWork, batch: int, size: int) -> None:
        """Claim a batch (`size` cases to scan when the scan began), raise the findings of
        its cases that are not raised yet, in bulk."""
        with uow:
            if not self._claim(uow.conn, batch, size):
                return
            began = deadline_store.database_now(uow.conn)
            found, new = self._new_findings(uow.conn, batch)
            raised = self._raise(uow, batch, new)
            if raised:  # else there is nothing to spare another scanner: it may redo the batch
                deadline_store.record_batch(
                    uow.conn, batch, as_of=self.as_of, scanned_at=began, cases=found, raised=raised
                )
            uow.commit()

    def _new_findings(self, conn, batch: int) -> tuple[int, dict]:
        """Return how many cases were computed, and the rows of the findings not raised yet
        by (court, kind)."""
        low, high = batch * SCAN_BATCH_CASES, (batch + 1) * SCAN_BATCH_CASES
        found = deadline_store.cases_in(conn, low, high)
        facts = deadline_store.facts_of_cases(conn, found, low, high)
        due: dict[tuple[str, str], tuple[dict, Finding]] = {}
        for case_id, case in found.items():
            running = clocks(facts[case_id], self.rules, self.calendar)
            for finding in findings(running, self.as_of, self.rules, self.calendar):
                due[(finding.kind, finding.clock.subject)] = (case, finding)
            if any(c.deadline.provisional for c in running):
                self.years[case["court"]] |= provisional_years(running)
        raised_before = deadline_store.raised_already(conn, low, high, set(due))
        new: defaultdict[tuple[str, str], list[dict]] = defaultdict(list)
        for key, (case, finding) in due.items():
            if key not in raised_before:
                new[(case["court"], finding.kind)].append(_alert_row(case, finding))
        return len(found), new

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


def _alert_row(case: dict, finding: Finding) -> dict:
    c = finding.clock
    facts = {
        "case_number": case["case_number"],
        "clock": c.kind,
        "started_on": c.started_on.isoformat(),
        "due": c.deadline.due.isoformat(),
        "amount": format_yuan(c.amount),
        "provisional": c.deadline.provisional,
        "disbursement_id": c.disbursement_id,
    }
    provisional = " (provisional: a year without a published holiday schedule)"
    awaiting = ""
    if c.marked_paid_on is not None:  # mark-paid does not stop the clock: the debit does
        facts["marked_paid_on"] = c.marked_paid_on.isoformat()
        awaiting = (
            f", marked paid on {c.marked_paid_on}: awaiting confirmation by a statement debit"
        )
    detail = (
        f"case {case['case_number']}: {format_yuan(c.amount)} yuan, {c.kind} due {c.deadline.due}"
        + awaiting
        + (provisional if c.deadline.provisional else "")
    )
    return {
        "kind": finding.kind,
        "court": case["court"],
        "subject": c.subject,
        "facts": facts,
        "case_id": case["id"],
        "detail": detail,
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
                facts={"year": year},
                detail=f"deadlines reaching {year} are counted on weekends alone: add "
                f"config/calendars/{year}.toml once the State Council's holiday notice is out",
            )
            if raised is not None:
                report["calendar_provisional"] += 1
        uow.commit()
