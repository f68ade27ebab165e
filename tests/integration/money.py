"""Test helpers for money and time: credit a case on a chosen day, and freeze the day.

Until statement imports exist, a credit is a `received` posting with no transaction;
its arrival day is the local date it was posted (see reconcile/db/deadline_store.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from unittest.mock import patch

from sqlalchemy import Engine

from reconcile.clock import COURT_TZ
from reconcile.db import ledger_store
from reconcile.db.uow import UnitOfWork
from reconcile.ledger import Posting


def moment_on(day: date, hour: int = 10) -> datetime:
    """Return `hour` o'clock local time on `day`, in UTC."""
    return datetime.combine(day, time(hour), COURT_TZ).astimezone(UTC)


@contextmanager
def on_day(day: date):
    """Make the service's clock (and the ledger's) say it is `day`, 10:00 local time."""
    now = moment_on(day)
    with (
        patch("reconcile.clock.utc_now", return_value=now),
        patch("reconcile.db.ledger_store.utc_now", return_value=now),
    ):
        yield


def credit_case(engine: Engine, case_id: int, fen: int, arrived_on: date | None = None) -> None:
    """Credit `fen` to a case as if it arrived on `arrived_on` (default: today)."""
    with on_day(arrived_on or date.today()), UnitOfWork(engine) as uow:
        ledger_id = ledger_store.case_ledger_id(uow.conn, case_id)
        ledger_store.post(
            uow.conn, ledger_id, "credit", [Posting("received", fen)], enforce_available=False
        )
        uow.commit()


def credit_suspense(engine: Engine, collection_account_id: int, fen: int) -> None:
    """Put `fen` of unidentified funds on a collection account's suspense ledger."""
    with UnitOfWork(engine) as uow:
        ledger_id = ledger_store.suspense_ledger_id(uow.conn, collection_account_id)
        ledger_store.post(
            uow.conn, ledger_id, "credit", [Posting("received", fen)], enforce_available=False
        )
        uow.commit()
