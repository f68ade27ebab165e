"""Raising alerts and case events with their outbox rows, and reading alerts back.

Everything here runs inside the caller's transaction: the alert, its delivery row and the
change that caused them commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Insert,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ColumnClause

from reconcile.actors import Actor
from reconcile.alert_texts import detail_of
from reconcile.alerts import AlertStatus, court_accounts_in, mask_facts, mask_text, severity_of
from reconcile.audit import to_json_data
from reconcile.case_events import CaseEvent
from reconcile.clock import utc_now
from reconcile.db import outbox
from reconcile.db.tables_alerts import alerts, case_events, deliveries
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Message

a, d = alerts.c, deliveries.c


def raise_alert(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: str,
    court: str,
    subject: str,
    facts: dict,
    case_id: int | None = None,
    transaction_id: int | None = None,
) -> int | None:
    """Raise an alert and queue its delivery in the open unit of work; None if raised before."""
    values = alert_values(
        kind=kind,
        court=court,
        subject=subject,
        facts=facts,
        case_id=case_id,
        transaction_id=transaction_id,
        raised_at=utc_now(),
    )
    alert_id = uow.conn.execute(
        _insert_new(uow.conn, alerts).returning(a.id), values
    ).scalar_one_or_none()
    if alert_id is None:
        return None
    outbox.queue(uow.conn, "alert", [alert_id], utc_now())
    summary = {k: values[k] for k in ("kind", "severity", "subject", "case_id", "transaction_id")}
    uow.audit(actor, "alert.raised", "alert", alert_id, court=court, after=summary)
    return alert_id


def raise_alerts_bulk(conn: Connection, rows: list[dict]) -> int:
    """Raise many alerts (keys as raise_alert's) with their deliveries; return how many are new.

    The caller audits a summary. A finding raised before, or twice in `rows`, counts once.
    """
    now = utc_now()
    unique = {(r["kind"], r["subject"]): r for r in rows}
    values = [alert_values(**r, raised_at=now) for r in unique.values()]
    if not values:
        return 0
    new = conn.execute(_insert_new(conn, alerts).returning(a.id), values).scalars().all()
    outbox.queue(conn, "alert", new, now)
    return len(new)


def raise_new_alerts(conn: Connection, rows: list[dict]) -> list[int]:
    """Raise many alerts as raise_alerts_bulk does; return the ids of the new ones.

    On PostgreSQL the rows travel as one JSON parameter, read back with json_to_recordset:
    a VALUES list of a thousand rows (ten parameters each) costs the server about five
    times as much to plan as the rows cost to insert."""
    now = utc_now()
    unique = {(r["kind"], r["subject"]): r for r in rows}
    values = [alert_values(**r, raised_at=now) for r in unique.values()]
    if not values:
        return []
    if conn.dialect.name == "postgresql":
        new = conn.execute(_insert_new_from_json(values)).scalars().all()
    else:
        new = conn.execute(_insert_new(conn, alerts).returning(a.id), values).scalars().all()
    outbox.queue(conn, "alert", new, now)
    return list(new)


def _insert_new_from_json(values: list[dict]) -> Insert:
    names = list(values[0])
    rows = [{**v, "raised_at": v["raised_at"].isoformat()} for v in values]
    source = (
        func.json_to_recordset(literal(rows, JSON))
        .table_valued(*(ColumnClause(n, alerts.c[n].type) for n in names))
        .render_derived(with_types=True)
    )
    insert_ = postgresql.insert(alerts).from_select(names, select(*(source.c[n] for n in names)))
    return insert_.on_conflict_do_nothing(index_elements=["kind", "subject"]).returning(a.id)


def emit_case_event(uow: UnitOfWork, *, court: str, case_id: int, event: str, facts: dict) -> None:
    """Store a case event and queue it for the court's subscriber, in the open unit of work.

    The event is kept even when the court has no subscriber; its delivery is then
    discarded when the deliverer reaches it (a later subscriber gets no history).
    """
    event_id = uow.conn.execute(
        case_events.insert().returning(case_events.c.id),
        {
            "court": court,
            "case_id": case_id,
            "event": str(CaseEvent(event)),
            "facts": to_json_data(mask_facts(facts)),
            "occurred_at": utc_now(),
        },
    ).scalar_one()
    outbox.queue(uow.conn, "case_event", [event_id], utc_now())


def emit_money_received(conn: Connection, court: str, received: Select) -> int:
    """Store a money_received event per row of `received` (case_id, total, payments), set by
    set, with their deliveries; return how many. For imports, which may reach 100,000 cases."""
    facts = _json_object(conn, amount=_yuan_text(received.c.total), payments=received.c.payments)
    now = utc_now()
    source = select(
        literal(court), received.c.case_id, literal(str(CaseEvent.MONEY_RECEIVED)), facts,
        literal(now, case_events.c.occurred_at.type),
    ).select_from(received)  # fmt: skip
    stored = conn.execute(
        insert(case_events)
        .from_select(["court", "case_id", "event", "facts", "occurred_at"], source)
        .returning(case_events.c.id)
    )
    ids = stored.scalars().all()
    outbox.queue(conn, "case_event", ids, now)
    return len(ids)


def _yuan_text(fen):
    """SQL for the API's yuan string of a positive fen amount, as format_yuan gives it."""
    fen = cast(fen, BigInteger)  # PostgreSQL's sum of bigints is numeric
    cents = fen % 100
    return cast(fen // 100, String) + "." + case((cents < 10, "0"), else_="") + cast(cents, String)


def _json_object(conn: Connection, **members):
    build = func.json_build_object if conn.dialect.name == "postgresql" else func.json_object
    return build(*(part for name, value in members.items() for part in (literal(name), value)))


def resolve_by_subject(
    uow: UnitOfWork, actor: Actor, *, kind: str, subject: str, note: str
) -> int | None:
    """Resolve the unresolved alert of this finding in the open unit of work; return its id."""
    row = uow.conn.execute(
        select(a.id, a.court, a.status).where(
            a.kind == kind, a.subject == subject, a.status != AlertStatus.RESOLVED
        )
    ).one_or_none()
    if row is None:
        return None
    return _resolve_row(uow, actor, row, note)


def resolve_by_subject_prefix(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: str,
    prefix: str,
    note: str,
    transaction_id: int | None = None,
    case_id: int | None = None,
) -> list[int]:
    """Resolve every unresolved alert of this kind whose subject starts with `prefix`
    (an ageing alert per threshold, a rejected refund's alert) in the open unit of work.

    `transaction_id` or `case_id`, when the alerts carry it, lets an index find them: a
    LIKE prefix cannot use the (kind, subject) index under PostgreSQL's collations."""
    found = select(a.id, a.court, a.status).where(
        a.kind == kind,
        a.subject.startswith(prefix, autoescape=True),
        a.status != AlertStatus.RESOLVED,
    )
    if transaction_id is not None:
        found = found.where(a.transaction_id == transaction_id)
    if case_id is not None:
        found = found.where(a.case_id == case_id)
    rows = uow.conn.execute(found.order_by(a.id)).all()
    return [i for i in (_resolve_row(uow, actor, row, note) for row in rows) if i is not None]


def _resolve_row(uow: UnitOfWork, actor: Actor, row, note: str) -> int | None:
    if not set_status(uow.conn, row.id, row.status, AlertStatus.RESOLVED, by=actor.name, note=note):
        return None  # resolved meanwhile by someone else
    uow.audit(
        actor,
        "alert.resolved",
        "alert",
        row.id,
        court=row.court,
        before={"status": row.status},
        after={"status": "resolved", "note": note},
    )
    return row.id


def alert_values(
    *,
    kind: str,
    court: str,
    subject: str,
    facts: dict,
    raised_at: datetime,
    case_id: int | None = None,
    transaction_id: int | None = None,
) -> dict:
    """Return the row of a new alert: severity from its kind, personal data masked, and
    its detail in English from its kind's template (reconcile/alert_texts.py)."""
    stored = to_json_data(mask_facts(facts))
    detail = detail_of(kind, stored)
    return {
        "kind": kind,
        "severity": str(severity_of(kind)),
        "court": court,
        "subject": subject,
        "case_id": case_id,
        "transaction_id": transaction_id,
        "facts": stored,
        "detail": mask_text(detail, keep=court_accounts_in(facts)),
        "status": str(AlertStatus.OPEN),
        "raised_at": raised_at,
    }


def _insert_new(conn: Connection, table: Table) -> Insert:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["kind", "subject"])


# ---- reading and moving alerts ----


def _alert_query():
    return select(
        alerts,
        d.status.label("delivery_status"),
        d.attempts.label("delivery_attempts"),
        d.delivered_at.label("delivered_at"),
        d.last_error.label("delivery_error"),
    ).outerjoin(deliveries, d.alert_id == a.id)


def alert_by_id(conn: Connection, alert_id: int) -> dict | None:
    """Return the alert with its desk delivery's state, or None."""
    row = conn.execute(_alert_query().where(a.id == alert_id)).one_or_none()
    return alert_view(row._mapping) if row else None


def alerts_by_ids(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """Return the alerts with these ids, by id."""
    rows = conn.execute(_alert_query().where(a.id.in_(ids))).all()
    return {row.id: alert_view(row._mapping) for row in rows}


#: the alerts page's "most severe first" order
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
ORDERS = ("oldest", "newest", "severity")


def find_alerts(
    conn: Connection,
    *,
    courts: frozenset[str] | None,
    kind: str | None = None,
    status: str | None = None,
    case_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
    severity: str | None = None,
    raised_from: datetime | None = None,
    raised_before: datetime | None = None,
    order: str = "oldest",
    after_rank: int | None = None,
) -> list[dict]:
    """Return a page of alerts; `courts` None means every court.

    `order` "oldest" pages by id after `after_id`; "newest" by id below `after_id` (0: from
    the top); "severity" most severe first, oldest first within, after (`after_rank`,
    `after_id`) — the rank is SEVERITY_RANK's, and each row then carries its `rank`.
    """
    conditions = _filters(courts, kind, status, case_id, severity, raised_from, raised_before)
    if order == "severity":
        return _by_severity(conn, conditions, severity, after_rank, after_id, limit)
    if order == "newest":
        if after_id:
            conditions.append(a.id < after_id)
        ordering = (a.id.desc(),)
    else:
        conditions.append(a.id > after_id)
        ordering = (a.id,)
    rows = conn.execute(_alert_query().where(and_(*conditions)).order_by(*ordering).limit(limit))
    return [alert_view(row._mapping) for row in rows]


def _by_severity(
    conn: Connection,
    conditions: list,
    severity: str | None,
    after_rank: int | None,
    after_id: int,
    limit: int,
) -> list[dict]:
    """Most severe first, oldest first within: one range read of the index (court, status,
    severity, id) per severity, in rank order, until the page is full. Ordering by the
    rank itself (a CASE) sorted every alert of the court to show fifty of them."""
    found: list[dict] = []
    for name, rank in sorted(SEVERITY_RANK.items(), key=lambda item: item[1]):
        if len(found) >= limit:
            break
        if (after_rank is not None and rank < after_rank) or severity not in (None, name):
            continue
        these = [*conditions, a.severity == name]
        if rank == after_rank:
            these.append(a.id > after_id)
        query = _alert_query().where(and_(*these)).order_by(a.id).limit(limit - len(found))
        found += [{**alert_view(row._mapping), "rank": rank} for row in conn.execute(query)]
    return found


def count_alerts(
    conn: Connection,
    *,
    courts: frozenset[str] | None,
    statuses: tuple[str, ...],
    most: int,
    **filters,
) -> dict[str, int]:
    """Count the alerts of each status that fit the filters (find_alerts'), each count
    stopping at `most` + 1 so that a long history costs no more than a bounded scan."""
    counts = {}
    for status in statuses:
        conditions = _filters(courts, status=status, **_count_filters(filters))
        bounded = select(a.id).where(and_(*conditions)).limit(most + 1).subquery()
        counts[status] = conn.execute(select(func.count()).select_from(bounded)).scalar_one()
    return counts


def _count_filters(filters: dict) -> dict:
    names = ("kind", "case_id", "severity", "raised_from", "raised_before")
    return {name: filters.get(name) for name in names}


def _filters(
    courts,
    kind=None,
    status=None,
    case_id=None,
    severity=None,
    raised_from=None,
    raised_before=None,
) -> list:
    conditions = []
    if courts is not None:
        # a case's alerts are found by its index (case_id, id): `|| ''` keeps the plan
        # from walking every alert of the court by (court, id) instead, in id order
        court = a.court.concat("") if case_id is not None else a.court
        conditions.append(court.in_(sorted(courts)))
    for column, value in (
        (a.kind, kind),
        (a.status, status),
        (a.case_id, case_id),
        (a.severity, severity),
    ):
        if value is not None:
            conditions.append(column == value)
    if raised_from is not None:
        conditions.append(a.raised_at >= raised_from)
    if raised_before is not None:
        conditions.append(a.raised_at < raised_before)
    return conditions


def set_status(
    conn: Connection,
    alert_id: int,
    before: str,
    after: str,
    *,
    by: str,
    note: str | Message | None,
) -> bool:
    """Move the alert from `before` to `after`; False if it was not in `before` any more.
    A note the service writes is a Message: kept in English and as template and facts."""
    verb = "acknowledge" if after == AlertStatus.ACKNOWLEDGED else "resolve"
    values = {"status": after, f"{verb}d_at": utc_now(), f"{verb}d_by": by, f"{verb}_note": note}
    if isinstance(note, Message):
        values[f"{verb}_note"] = str(note)
        values[f"{verb}_note_said"] = {
            "template": note.template,
            "facts": to_json_data(note.facts),
        }
    result = conn.execute(update(alerts).where(a.id == alert_id, a.status == before).values(values))
    return result.rowcount == 1


def alert_view(row) -> dict:
    """Return an alert as the API shows it (and the webhook sends it, less `delivery`)."""
    view = {column.name: row[column.name] for column in alerts.columns}
    view["delivery"] = {
        "status": row["delivery_status"],
        "attempts": row["delivery_attempts"],
        "delivered_at": row["delivered_at"],
        "last_error": row["delivery_error"],
    }
    return view
