"""Reading and writing distribution plans (分配方案), their shares and objections.

The only owner of distribution_plans, distribution_shares and distribution_objections.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.db.tables import cases, courts
from reconcile.db.tables_payments import disbursements, holds
from reconcile.db.tables_plans import (
    distribution_objections,
    distribution_plans,
    distribution_shares,
)
from reconcile.distribution import OPEN_STATUSES, PlanStatus
from reconcile.errors import Conflict

dp, ds, do = distribution_plans.c, distribution_shares.c, distribution_objections.c


def insert_plan(conn: Connection, *, shares: list[dict], **values) -> int:
    """Store a plan and its shares; Conflict if the case has an open plan already."""
    try:
        with conn.begin_nested():
            plan_id = conn.execute(
                insert(distribution_plans).values(**values)
            ).inserted_primary_key[0]
    except IntegrityError as clash:
        open_plan = open_plan_of_case(conn, values["case_id"])
        raise Conflict(
            "the case has an open distribution plan: withdraw it first",
            plan_id=open_plan["id"] if open_plan else None,
        ) from clash
    conn.execute(insert(distribution_shares), [{"plan_id": plan_id, **s} for s in shares])
    return plan_id


def _query():
    return (
        select(distribution_plans, courts.c.code.label("court"), cases.c.case_number)
        .join(cases, cases.c.id == dp.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
    )


def plan_by_id(conn: Connection, plan_id: int, *, lock: bool = False) -> dict | None:
    """Return a plan with its court code; `lock` keeps its row locked until the end."""
    query = _query().where(dp.id == plan_id)
    if lock:
        query = query.with_for_update(of=distribution_plans)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def open_plan_of_case(conn: Connection, case_id: int) -> dict | None:
    statuses = [s.value for s in OPEN_STATUSES]
    row = conn.execute(_query().where(dp.case_id == case_id, dp.status.in_(statuses))).one_or_none()
    return dict(row._mapping) if row else None


def plans_of_case(conn: Connection, case_id: int) -> list[dict]:
    rows = conn.execute(_query().where(dp.case_id == case_id).order_by(dp.id.desc()))
    return [dict(r._mapping) for r in rows]


def shares_of(conn: Connection, plan_id: int) -> list[dict]:
    rows = conn.execute(select(distribution_shares).where(ds.plan_id == plan_id).order_by(ds.id))
    return [dict(r._mapping) for r in rows]


def objections_of(conn: Connection, plan_id: int) -> list[dict]:
    query = select(distribution_objections).where(do.plan_id == plan_id).order_by(do.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def count_objections(conn: Connection, plan_id: int) -> int:
    query = select(func.count()).select_from(distribution_objections).where(do.plan_id == plan_id)
    return conn.execute(query).scalar_one()


def insert_objection(conn: Connection, **values) -> int:
    return conn.execute(insert(distribution_objections).values(**values)).inserted_primary_key[0]


def set_hold(conn: Connection, plan_id: int, hold_id: int) -> None:
    conn.execute(update(distribution_plans).where(dp.id == plan_id).values(hold_id=hold_id))


def move(
    conn: Connection,
    plan_id: int,
    before: str,
    after: str,
    *,
    decided_by: str | None = None,
    decided_at: datetime | None = None,
) -> None:
    """Move a plan from `before` to `after`, guarded: Conflict if it moved meanwhile."""
    values: dict = {"status": after}
    if decided_at is not None:
        values.update(decided_by=decided_by, decided_at=decided_at)
    result = conn.execute(
        update(distribution_plans).where(dp.id == plan_id, dp.status == before).values(**values)
    )
    if result.rowcount != 1:
        raise Conflict("the distribution plan changed meanwhile; reload it", plan_id=plan_id)


def record_request(conn: Connection, share_id: int, disbursement_id: int) -> bool:
    """Note the payment request of a share; False if it has one already."""
    result = conn.execute(
        update(distribution_shares)
        .where(ds.id == share_id, ds.disbursement_id.is_(None))
        .values(disbursement_id=disbursement_id)
    )
    return result.rowcount == 1


def due_plans(conn: Connection, today: date, limit: int = 100) -> list[int]:
    """Return the ids of issued plans whose objection period ended before `today`."""
    query = (
        select(dp.id)
        .where(dp.status == PlanStatus.ISSUED.value, dp.objection_ends_on < today)
        .order_by(dp.id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def claim_due(conn: Connection, plan_id: int, today: date) -> dict | None:
    """Lock a due plan for this executor; None if another holds it (SKIP LOCKED) or it is
    no longer due."""
    query = (
        _query()
        .where(
            dp.id == plan_id,
            dp.status == PlanStatus.ISSUED.value,
            dp.objection_ends_on < today,
        )
        .with_for_update(of=distribution_plans, skip_locked=True)
    )
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def stalled_plans(conn: Connection, decided_before: datetime) -> list[dict]:
    """Return the plans executed before `decided_before` whose hold is still active: their
    execution stopped before the hold was released and the payments requested."""
    query = (
        _query()
        .join(holds, holds.c.id == dp.hold_id)
        .where(
            dp.status == PlanStatus.EXECUTED.value,
            dp.decided_at < decided_before,
            holds.c.status == "active",
        )
        .order_by(dp.id)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def fee_asked(conn: Connection, case_id: int, not_taken: tuple[str, ...]) -> int:
    """Return the fen of the case's execution-fee payments (kind `fee`) that take its money:
    every status but `not_taken`. Read only: disbursement_store owns the table."""
    d = disbursements.c
    query = select(func.coalesce(func.sum(d.amount), 0)).where(
        d.case_id == case_id, d.kind == "fee", d.status.not_in(not_taken)
    )
    return int(conn.execute(query).scalar_one())
