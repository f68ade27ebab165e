"""Helpers for the alert tests: raise alerts as the scanners and importers will."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from reconcile.actors import SYSTEM
from reconcile.db import alert_store
from reconcile.db.tables_alerts import deliveries

_subjects = itertools.count(1)


def raise_one(uow, court: str, **overrides) -> int | None:
    """Raise one alert in its own unit of work (a fresh subject unless given)."""
    spec = {
        "kind": "orphan_funds",
        "court": court,
        "subject": f"transaction:{next(_subjects)}",
        "facts": {"amount": "1200.00", "counterparty_account": "6222020200112233445"},
        "detail": "a credit of 1200.00 from 6222020200112233445 matches no case",
        **overrides,
    }
    with uow() as u:
        alert_id = alert_store.raise_alert(u, SYSTEM, **spec)
        u.commit()
    return alert_id


def raise_many(uow, court: str, count: int, **overrides) -> list[int]:
    """Raise `count` distinct alerts; return their ids."""
    return [raise_one(uow, court, **overrides) for _ in range(count)]


def delivery_rows(engine) -> list[dict]:
    """Return every outbox row, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(deliveries).order_by(deliveries.c.id)).all()
    return [dict(r._mapping) for r in rows]
