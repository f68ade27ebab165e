"""Helpers for the alert tests: raise alerts as the scanners and importers will."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from reconcile.actors import SYSTEM
from reconcile.alert_texts import template_of
from reconcile.db import alert_store
from reconcile.db.tables_alerts import deliveries
from reconcile.errors import placeholders

_subjects = itertools.count(1)


def sample_facts(kind: str, **given) -> dict:
    """Facts that fill the text of an alert of `kind` (reconcile/alert_texts.py), as the
    scanners and importers write them: an alert without them fails its test."""
    facts = {
        "amount": "1200.00",
        "booked_on": "2026-11-02",
        "counterparty_name": "张伟",
        "counterparty_account": "6222020200112233445",
        **given,
    }
    for name in placeholders(template_of(kind, facts) or ""):
        facts.setdefault(name, "2026-11-20" if name.endswith(("_on", "due", "date")) else "1")
    return facts


def raise_one(uow, court: str, **overrides) -> int | None:
    """Raise one alert in its own unit of work (a fresh subject unless given)."""
    kind = overrides.pop("kind", "orphan_funds")
    spec = {
        "kind": kind,
        "court": court,
        "subject": f"transaction:{next(_subjects)}",
        **overrides,
        "facts": sample_facts(kind, **overrides.get("facts", {})),
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
