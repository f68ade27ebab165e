"""The scheduler: deadline scan, alert delivery, daily reconciliation and audit checkpoints,
in the background.

Several service instances may run it against one PostgreSQL: the deadline scan claims
batches of cases with a row lock (SKIP LOCKED), delivery leases its outbox rows, and every alert
is raised once per finding, so no work is done twice. Nothing is built at import time.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from reconcile.clock import COURT_TZ, local_today
from reconcile.db.handles import Engine

log = logging.getLogger(__name__)

DELIVERY_INTERVAL_SECONDS = 30
RECONCILIATION_AT = "05:30"  #: court time, after the banks' overnight statements
PLANS_AT = "00:30"  #: court time: plans whose objection period ended yesterday


def start_scheduler(app_or_engine, settings: dict) -> BackgroundScheduler | None:
    """Start the jobs in a background thread; None if [scheduler] enabled is false."""
    if not settings["scheduler"]["enabled"]:
        return None
    engine = _engine_of(app_or_engine)
    scheduler = BackgroundScheduler(
        timezone=COURT_TZ,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    now = datetime.now(COURT_TZ)
    hour, minute = _hour_minute(settings["deadlines"]["scan_at"])
    scheduler.add_job(
        scan_deadlines_job,
        "cron",
        hour=hour,
        minute=minute,
        args=(engine, settings),
        id="deadline_scan",
        next_run_time=now,
    )
    scheduler.add_job(
        deliver_alerts_job,
        "interval",
        seconds=DELIVERY_INTERVAL_SECONDS,
        args=(engine, settings),
        id="deliver_alerts",
        next_run_time=now,
    )
    scheduler.add_job(  # criticals within a minute, beside a pass that may be busy
        deliver_critical_job,
        "interval",
        seconds=settings["delivery"]["critical_interval_seconds"],
        args=(engine, settings),
        id="deliver_critical_alerts",
        next_run_time=now,
    )
    hour, minute = _hour_minute(RECONCILIATION_AT)
    scheduler.add_job(
        reconciliation_job,
        "cron",
        hour=hour,
        minute=minute,
        args=(engine, settings),
        id="daily_reconciliation",
    )
    hour, minute = _hour_minute(PLANS_AT)
    scheduler.add_job(
        execute_plans_job,
        "cron",
        hour=hour,
        minute=minute,
        args=(engine, settings),
        id="execute_distribution_plans",
    )
    if settings["audit"]["checkpoint_minutes"] > 0:
        scheduler.add_job(
            audit_checkpoint_job,
            "interval",
            minutes=settings["audit"]["checkpoint_minutes"],
            args=(engine,),
            id="audit_checkpoint",
        )
    scheduler.start()
    return scheduler


def scan_deadlines_job(engine: Engine, settings: dict) -> dict:
    """Scan the deadlines as of today (court time)."""
    from reconcile.services.deadlines import scan_deadlines

    report = scan_deadlines(engine, settings, local_today())
    log.info("deadline scan: %s", report)
    return report


def deliver_alerts_job(engine: Engine, settings: dict):
    """Deliver pending alerts and case events."""
    from reconcile.services.alerts import deliver_pending

    return deliver_pending(engine, settings)


def deliver_critical_job(engine: Engine, settings: dict):
    """Deliver pending critical alerts only."""
    from reconcile.services.alerts import deliver_critical

    return deliver_critical(engine, settings)


def reconciliation_job(engine: Engine, settings: dict) -> int:
    """Reconcile yesterday and the days before it that have statement lines."""
    from reconcile.services.reconciliation import run_daily_reconciliation

    return run_daily_reconciliation(engine, settings)


def execute_plans_job(engine: Engine, settings: dict) -> dict:
    """Execute the distribution plans whose objection period ended with no objection."""
    from reconcile.services.distribution_plans import execute_due_plans

    report = execute_due_plans(engine, settings, local_today())
    log.info("distribution plans: %s", report)
    return report


def audit_checkpoint_job(engine: Engine) -> int:
    """Take a signed checkpoint of the audit chain and the money tables for the desk."""
    from reconcile.services.checkpoints import take_checkpoint

    checkpoint = take_checkpoint(engine)
    log.info("audit checkpoint %s at record %s", checkpoint.number, checkpoint.audit_seq)
    return checkpoint.number


def _engine_of(app_or_engine) -> Engine:
    if isinstance(app_or_engine, Engine):
        return app_or_engine
    return app_or_engine.extensions["reconcile"].engine


def _hour_minute(text: str) -> tuple[int, int]:
    hour, _, minute = text.partition(":")
    return int(hour), int(minute)
