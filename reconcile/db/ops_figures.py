"""Figures for operators: is the database there, what waits in the outbox, orphans, approvals.

Each query is cheap enough to run on every readiness probe or metrics scrape: counts
through an index where one exists, over small tables where none does, and on PostgreSQL
under a statement timeout so a struggling database makes a probe fail fast, not hang.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, func, select, text

from reconcile.db.tables import collection_accounts, courts
from reconcile.db.tables_alerts import deliveries
from reconcile.db.tables_payments import deferrals, disbursements, payee_account_changes
from reconcile.db.tables_statements import statement_lines

#: tables of requests that wait for approval, by the kind the figures name them
WAITING_FOR_APPROVAL = {
    "disbursement": disbursements,
    "deferral": deferrals,
    "payee_change": payee_account_changes,
}


@contextmanager
def statement_time_limit(conn: Connection, milliseconds: int) -> Iterator[None]:
    """Bound every statement run inside (PostgreSQL; SQLite has no such limit).

    Set on the session, not with SET LOCAL: a read-only unit of work on PostgreSQL has no
    transaction to scope it. Reset afterwards, also after a failure, so the pooled
    connection goes back unbounded (a connection that broke is discarded anyway).
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(text(f"SET statement_timeout = {int(milliseconds)}"))
    try:
        yield
    finally:
        conn.execute(text("RESET statement_timeout"))


def ping(conn: Connection) -> None:
    """Raise unless the database answers."""
    conn.execute(text("SELECT 1")).scalar_one()


def outbox_counts(conn: Connection) -> dict[str, dict[str, int]]:
    """Return the pending and dead deliveries per topic: {topic: {status: count}}."""
    d = deliveries.c
    rows = conn.execute(
        select(d.topic, d.status, func.count())
        .where(d.status.in_(("pending", "dead")))
        .group_by(d.topic, d.status)
    ).all()
    counts: dict[str, dict[str, int]] = {
        topic: {"pending": 0, "dead": 0} for topic in ("alert", "case_event")
    }
    for topic, status, count in rows:
        counts.setdefault(topic, {"pending": 0, "dead": 0})[status] = count
    return counts


def orphans_by_court(conn: Connection) -> dict[str, int]:
    """Return the unidentified credits (不明款) waiting for a resolution, per court code."""
    sl = statement_lines.c
    # One index range per collection account (collection_account_id, status, id), rather
    # than a pass over every statement line ever imported.
    per_account = (
        select(func.count())
        .where(sl.collection_account_id == collection_accounts.c.id, sl.status == "orphan")
        .scalar_subquery()
    )
    rows = conn.execute(
        select(courts.c.code, per_account).join(
            collection_accounts, collection_accounts.c.court_id == courts.c.id
        )
    ).all()
    counts: dict[str, int] = {}
    for code, count in rows:
        counts[code] = counts.get(code, 0) + count
    return counts


def waiting_for_approval(conn: Connection) -> dict[str, int]:
    """Return the requests in status `requested`, per kind."""
    return {
        kind: conn.execute(
            select(func.count()).select_from(table).where(table.c.status == "requested")
        ).scalar_one()
        for kind, table in WAITING_FOR_APPROVAL.items()
    }
