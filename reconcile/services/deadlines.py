"""Deadlines of a case, and the scan that raises their warnings and alerts once each.

The scan claims one case at a time with a row lock (FOR UPDATE SKIP LOCKED on
PostgreSQL), so several service instances scanning at once never work on the same case
together, and alerts are keyed by their deadline, so a later scan raises nothing twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path

from reconcile import clock
from reconcile.actors import SYSTEM, Actor
from reconcile.db import alert_store, deadline_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.deadlines import Clock, Finding, Rules, clocks, findings, provisional_years, state_of
from reconcile.errors import NotFound
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services import watch
from reconcile.services.access import require
from reconcile.working_days import WorkingDayCalendar


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
    }


def scan_deadlines(engine: Engine, settings: dict, as_of: date, actor: Actor = SYSTEM) -> dict:
    """Raise the deadline warnings and alerts due as of a day; return what was done."""
    rules, calendar = Rules.from_settings(settings), calendar_from(settings)
    report: Counter = Counter()
    years: defaultdict[str, set[int]] = defaultdict(set)
    with UnitOfWork(engine, read_only=True) as uow:
        case_ids = deadline_store.cases_to_scan(uow.conn)
    for case_id in case_ids:
        _scan_case(UnitOfWork(engine), actor, case_id, as_of, (rules, calendar), report, years)
    for court, court_years in sorted(years.items()):
        _raise_provisional(UnitOfWork(engine), actor, court, court_years, report)
    report.update(
        {
            "orphan_ageing": watch.scan_orphan_ageing(engine, settings, calendar, as_of, actor),
            "payment_unconfirmed": watch.scan_unconfirmed_payments(
                engine, settings, calendar, as_of, actor
            ),
        }
    )
    report = +report  # drop zero counts
    return {"as_of": as_of, "cases": len(case_ids), **report}


def _scan_case(uow, actor, case_id, as_of, rules_and_calendar, report, years) -> None:
    rules, calendar = rules_and_calendar
    with uow:
        case = deadline_store.claim_case(uow.conn, case_id)
        if case is None:
            report["cases_claimed_elsewhere"] += 1
            return
        running = clocks(deadline_store.case_facts(uow.conn, case), rules, calendar)
        for finding in findings(running, as_of, rules, calendar):
            if _raise(uow, actor, case, finding) is not None:
                report[finding.kind] += 1
        years[case["court"]] |= provisional_years(running)
        uow.commit()


def _raise(uow: UnitOfWork, actor: Actor, case: dict, finding: Finding) -> int | None:
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
    detail = (
        f"case {case['case_number']}: {format_yuan(c.amount)} yuan, {c.kind} due {c.deadline.due}"
        + (provisional if c.deadline.provisional else "")
    )
    return alert_store.raise_alert(
        uow,
        actor,
        kind=finding.kind,
        court=case["court"],
        subject=c.subject,
        facts=facts,
        case_id=case["id"],
        detail=detail,
    )


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
