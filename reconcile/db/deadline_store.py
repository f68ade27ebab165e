"""The facts the deadline clocks are computed from, case by case or a batch of cases at a time,
and the scan's claims on its batches."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Date,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    func,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from reconcile.clock import local_day, utc_now
from reconcile.db import ledger_store
from reconcile.db.tables import cases, courts, ledger_accounts, ledger_entries
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_deadlines import case_deadline_due, deadline_scan_batches
from reconcile.db.tables_parts import expected_receipts
from reconcile.db.tables_payments import approvals, deferrals, disbursements
from reconcile.deadlines import CaseFacts, Notice
from reconcile.deferrals import deferred_changes, pause_of
from reconcile.ledger import ARRIVALS

le, la, sb, cd = ledger_entries.c, ledger_accounts.c, deadline_scan_batches.c, case_deadline_due.c
ap, dc = approvals.c, disbursements.c


def arrivals(conn: Connection, case_id: int) -> list[tuple[date, int]]:
    """Return the money that arrived on the case as (arrival day, fen).

    Money arrived on the day it reached the bank, its statement line's booking day, whether
    the import placed it or staff identified it later from the orphan queue (an assignment
    or a split part): identifying it late, or unassigning and reassigning it, does not
    restart the clock (art. 22). Money taken off the case again (an arrival a later entry
    reverses) has not arrived.
    """
    ledger_id = ledger_store.case_ledger_id(conn, case_id)
    reversed_ = (
        select(le.reverses_entry_id)
        .where(le.ledger_account_id == ledger_id, le.reverses_entry_id.is_not(None))
        .scalar_subquery()
    )
    rows = conn.execute(
        select(le.created_at, le.amount, le.booked_on)
        .where(
            le.ledger_account_id == ledger_id,
            le.bucket == "received",
            le.amount > 0,
            le.kind.in_(ARRIVALS),
            le.id.not_in(reversed_),
        )
        .order_by(le.id)
    )
    return [(_arrival_day(r.booked_on, r.created_at), r.amount) for r in rows]


def _arrival_day(booked_on: date | None, posted_at) -> date:
    """The booking day of the entry's statement line (kept on the entry); without a line,
    the day it was posted."""
    return booked_on if booked_on is not None else local_day(posted_at)


def hold_changes(conn: Connection, case_id: int) -> list[tuple[date, int]]:
    """Return the case's hold placements (positive) and releases (negative) by day."""
    return _entries(conn, case_id, le.bucket == "held")


def _entries(conn: Connection, case_id: int, *conditions) -> list[tuple[date, int]]:
    ledger_id = ledger_store.case_ledger_id(conn, case_id)
    rows = conn.execute(
        select(le.created_at, le.amount)
        .where(le.ledger_account_id == ledger_id, *conditions)
        .order_by(le.id)
    )
    return [(local_day(r.created_at), r.amount) for r in rows]


def case_facts(conn: Connection, case: dict) -> CaseFacts:
    """Return everything the clocks of `case` (id, court, status) depend on."""
    notices = [_notice(row) for row in conn.execute(_notices(dc.case_id == case["id"]))]
    pauses: list = []
    deferred: list = []
    for row in conn.execute(_pauses_in(case["id"], case["id"] + 1)).all():
        _add_pause(row, pauses, deferred)
    return CaseFacts(
        case_id=case["id"],
        court=case["court"],
        open=case["status"] == "open",
        arrivals=arrivals(conn, case["id"]),
        holds=hold_changes(conn, case["id"]),
        notices=notices,
        pauses=pauses,
        deferred=deferred,
    )


def _add_pause(row, pauses: list, deferred: list) -> None:
    """A deferral of the whole case pauses its clocks; one of an amount pauses that money."""
    pause = pause_of(row.approved_on, row.ended_on, row.until)
    if pause is None:
        return
    if row.amount is None:
        pauses.append(pause)
    else:
        deferred.extend(deferred_changes(pause, row.amount))


def cases_with_clocks(conn: Connection) -> int:
    """Return how many cases may have a running clock (the cases a scan covers)."""
    return conn.execute(select(func.count()).where(*_may_have_clocks())).scalar_one()


def batches_to_scan(conn: Connection, size: int, as_of: date, basis: str) -> dict[int, int]:
    """Return the batches of `size` case ids (case_id // size) with cases to compute as of
    a day under a basis (`_to_compute`), and how many each holds."""
    ids = union_all(
        select(cd.case_id.label("case_id")).where(_to_compute(as_of, basis)), _without_row()
    ).subquery()
    batch = (ids.c.case_id // size).label("batch")
    rows = conn.execute(select(batch, func.count()).group_by(batch))
    return {batch: count for batch, count in rows}


def _to_compute(as_of: date, basis: str):
    """The rows of the cases whose clocks are worth computing as of a day: a fact changed
    since the last computation (or there was none), a clock may change state (next_due),
    or the last computation may not hold for this day (it was as of a later day, or under
    other rules or another calendar)."""
    return or_(
        cd.scanned_changes.is_(None),
        cd.changes != cd.scanned_changes,
        cd.next_due <= as_of,
        cd.scanned_on > as_of,
        cd.basis.is_(None),
        cd.basis != basis,
    )


def _without_row(low: int | None = None, high: int | None = None):
    """The cases that may have a running clock and have no row yet (in [low, high))."""
    query = select(la.case_id.label("case_id")).where(
        *_may_have_clocks(), ~select(cd.case_id).where(cd.case_id == la.case_id).exists()
    )
    if low is not None:
        query = query.where(la.case_id >= low, la.case_id < high)
    return query


def cases_to_compute(
    conn: Connection, low: int, high: int, as_of: date, basis: str
) -> dict[int, int | None]:
    """Return the cases in [low, high) to compute as of a day, each with the changes its
    writers counted (None: it has no row yet), read before their facts are."""
    query = (
        select(cd.case_id, cd.changes)
        .where(cd.case_id >= low, cd.case_id < high, _to_compute(as_of, basis))
        .order_by(cd.case_id)
    )
    found: dict[int, int | None] = {case_id: changes for case_id, changes in conn.execute(query)}
    for case_id in conn.execute(_without_row(low, high)).scalars():
        found[case_id] = None
    return found


def add_next_due(conn: Connection, rows: list[dict], as_of: date, basis: str) -> None:
    """Make the rows of computed cases that had none (`rows`: case_id, next_due), unless a
    writer made one meanwhile (that one counts a change: the case is computed again)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    values = [
        {**row, "changes": 0, "scanned_changes": 0, "scanned_on": as_of, "basis": basis}
        for row in rows
    ]
    conn.execute(dialect.insert(case_deadline_due).on_conflict_do_nothing(), values)


def store_next_due(
    conn: Connection, rows: dict[int, tuple[int, date | None]], as_of: date, basis: str
) -> None:
    """Store each computed case's next due day (`rows`: case id -> the changes read before
    its facts, next due day or None), as of a day, unless a writer counted a change since
    or holds the row now (SKIP LOCKED: the scan never waits on a writer)."""
    if not rows:
        return
    ids = sorted(rows)
    if conn.dialect.name == "postgresql":  # one array, not a parameter per case
        named = cd.case_id == any_(bindparam("ids", ids, ARRAY(BigInteger)))
    else:  # (no row locks to take: the ids' range)
        named = and_(cd.case_id >= ids[0], cd.case_id <= ids[-1])
    query = select(cd.case_id).where(named).with_for_update(skip_locked=True)
    free = set(conn.execute(query).scalars())
    values = [{"id": i, "read": rows[i][0], "next": rows[i][1]} for i in ids if i in free]
    if values and conn.dialect.name == "postgresql":
        conn.execute(_store_from_arrays(values, as_of, basis))
    elif values:
        conn.execute(
            update(case_deadline_due)
            .where(cd.case_id == bindparam("id"), cd.changes == bindparam("read"))
            .values(
                next_due=bindparam("next"),
                scanned_changes=bindparam("read"),
                scanned_on=as_of,
                basis=basis,
            ),
            values,
        )


def _store_from_arrays(values: list[dict], as_of: date, basis: str):
    """The UPDATE of store_next_due as one statement (PostgreSQL): the rows as three arrays
    unnested and joined by case id, not an UPDATE per case (seconds at 100,000 cases)."""
    arrays = {
        "id": ARRAY(BigInteger),
        "read": ARRAY(Integer),
        "next": ARRAY(Date),
    }
    given = func.unnest(
        *(bindparam(f"{name}s", [v[name] for v in values], type_) for name, type_ in arrays.items())
    )
    computed = given.table_valued(*arrays).render_derived()
    return (
        update(case_deadline_due)
        .where(cd.case_id == computed.c.id, cd.changes == computed.c.read)
        .values(
            next_due=computed.c.next,
            scanned_changes=computed.c.read,
            scanned_on=as_of,
            basis=basis,
        )
    )


def _may_have_clocks() -> tuple:
    """The cases that may have a running clock: money received, or an unpaid notice."""
    unpaid = select(disbursements.c.case_id).where(
        disbursements.c.status.in_(("requested", "in_review", "approved", "marked_paid"))
    )
    return (la.case_id.is_not(None), or_(la.received > 0, la.case_id.in_(unpaid)))


def _case_query():
    return select(
        cases.c.id, cases.c.status, cases.c.case_number, courts.c.code.label("court")
    ).join(courts, courts.c.id == cases.c.court_id)


def lock_court(conn: Connection, court: str) -> None:
    """Lock a court's row until the transaction ends: serialises court-wide alerts."""
    conn.execute(select(courts.c.id).where(courts.c.code == court).with_for_update()).one()


def case_for_deadlines(conn: Connection, case_id: int) -> dict | None:
    """Return the case's id, status, number and court code, or None."""
    row = conn.execute(_case_query().where(cases.c.id == case_id)).one_or_none()
    return dict(row._mapping) if row else None


# ---- the scan, batch by batch: a range of case ids in a handful of queries ----


def database_now(conn: Connection) -> datetime:
    """Return the database's time (PostgreSQL: its transaction's start), for claims."""
    if conn.dialect.name == "postgresql":
        return conn.execute(select(func.now())).scalar_one()
    return utc_now()


def add_batches(conn: Connection, batches: list[int]) -> None:
    """Make the claim rows of `batches` that do not exist yet."""
    have = set(conn.execute(select(sb.batch).where(sb.batch.in_(batches))).scalars())
    missing = [{"batch": b} for b in batches if b not in have]
    if missing:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(deadline_scan_batches).on_conflict_do_nothing(), missing)


def claim_batch(conn: Connection, batch: int):
    """Lock a batch's claim row for this scan; None if another scan holds it (SKIP LOCKED)."""
    query = select(sb.as_of, sb.scanned_at).where(sb.batch == batch)
    return conn.execute(query.with_for_update(skip_locked=True)).one_or_none()


def record_batch(conn: Connection, batch: int, **values) -> None:
    """Record what the scan of a claimed batch was and did (as_of, scanned_at, cases, raised)."""
    conn.execute(update(deadline_scan_batches).where(sb.batch == batch).values(**values))


def cases_in(
    conn: Connection, low: int, high: int, ids: list[int] | None = None
) -> dict[int, dict]:
    """Return the cases with ids in [low, high) (of `ids`, if named) that may have a running
    clock, by id: id, status, number, court code and ledger id."""
    query = (
        _case_query()
        .add_columns(la.id.label("ledger_id"))
        .join(ledger_accounts, la.case_id == cases.c.id)
        .where(cases.c.id >= low, cases.c.id < high, la.case_id >= low, la.case_id < high)
        .where(*_may_have_clocks())
        .order_by(cases.c.id)
    )
    if ids is not None:
        query = query.where(cases.c.id.in_(ids))
    rows = conn.execute(query).all()
    return {
        id_: {
            "id": id_,
            "status": status,
            "case_number": number,
            "court": court,
            "ledger_id": ledger,
        }
        for id_, status, number, court, ledger in rows
    }


def facts_of_cases(conn: Connection, found: dict[int, dict], low: int, high: int) -> dict:
    """Return the CaseFacts of the cases `found` (cases_in(low, high)), by case id.

    The same facts as case_facts, case by case, read with one query per kind of fact.
    """
    arrivals_, holds, notices, pauses, deferred = (defaultdict(list) for _ in range(5))
    if conn.dialect.name == "postgresql":
        case_of = {case["ledger_id"]: case_id for case_id, case in found.items()}
        entries = _arrivals_and_holds_in(low, high, sorted(case_of))
    else:
        case_of = None
        entries = _arrivals_and_holds_in(low, high, case_ids=ids_to_name(found, low, high))
    # a million entries at 100,000 cases: read as tuples, the posting time only when used
    for owner, bucket, posted_at, amount, booked_on in conn.execute(entries).all():
        case_id = case_of[owner] if case_of is not None else owner
        if case_id not in found:
            continue
        if bucket == "held":
            holds[case_id].append((local_day(posted_at), amount))
        else:
            arrivals_[case_id].append((_arrival_day(booked_on, posted_at), amount))
    for row in conn.execute(_notices(dc.case_id >= low, dc.case_id < high)).all():
        if row.case_id in found:
            notices[row.case_id].append(_notice(row))
    for row in conn.execute(_pauses_in(low, high)).all():
        if row.case_id in found:
            _add_pause(row, pauses[row.case_id], deferred[row.case_id])
    return {
        case_id: CaseFacts(
            case_id=case_id,
            court=case["court"],
            open=case["status"] == "open",
            arrivals=arrivals_[case_id],
            holds=holds[case_id],
            notices=notices[case_id],
            pauses=pauses[case_id],
            deferred=deferred[case_id],
        )
        for case_id, case in found.items()
    }


def ids_to_name(case_ids, low: int, high: int):
    """The case ids to name in a query of the range [low, high), or None when they are most
    of it: the rows of the others are left out as they are read (naming 2,000 ids costs
    more than reading the few rows of the rest)."""
    return case_ids if len(case_ids) < (high - low) // 2 else None


def _arrivals_and_holds_in(low: int, high: int, ledger_ids: list[int] | None = None, case_ids=None):
    """The entries `arrivals` and `hold_changes` read, of the case ledgers in [low, high),
    each with its line's booking day as the entry keeps it (0039: no line is read).

    With `ledger_ids` (PostgreSQL: the ledgers of those cases) the entries are picked by
    ledger id, and the reversal is looked up per entry, so that the plan takes the
    indexes whatever the planner knows: a table just loaded has no statistics until
    autovacuum analyses it, and the join plans it makes then scan every entry.
    """
    reversal = ledger_entries.alias("reversal")
    reversed_ = select(reversal.c.id).where(
        reversal.c.reverses_entry_id == le.id,
        reversal.c.ledger_account_id == le.ledger_account_id,
    )
    arrivals_only = (le.bucket == "received", le.amount > 0, le.kind.in_(ARRIVALS))
    # the posting time only where the day is read from it (holds, arrivals without a
    # line): not parsed for the million other entries of a scan of every case
    posted_at = case((or_(le.bucket == "held", le.booked_on.is_(None)), le.created_at))
    columns = (le.bucket, posted_at.label("created_at"), le.amount, le.booked_on)
    if ledger_ids is None:
        source = ledger_entries.join(ledger_accounts, la.id == le.ledger_account_id)
        arrived = and_(*arrivals_only, ~reversed_.exists())
        query = (
            select(la.case_id, *columns)
            .select_from(source)
            .where(la.case_id >= low, la.case_id < high, or_(le.bucket == "held", arrived))
            .order_by(la.case_id, le.id)
        )
        # (the cases to compute, when only some of the range are)
        return query if case_ids is None else query.where(la.case_id.in_(sorted(case_ids)))
    # LIMIT 1 keeps it a lookup per entry (an EXISTS may become a hash of every reversal)
    arrived = and_(*arrivals_only, reversed_.limit(1).scalar_subquery().is_(None))
    return (
        select(le.ledger_account_id, *columns)
        .where(le.ledger_account_id == any_(bindparam("ledgers", ledger_ids, ARRAY(BigInteger))))
        .where(or_(le.bucket == "held", arrived))
        .order_by(le.ledger_account_id, le.id)
    )


def _notices(*conditions):
    """The payment notices (requests neither rejected nor returned) of some cases, each with
    when its last approval level approved it."""
    final_approval = select(func.min(ap.decided_at)).where(
        ap.subject_type == "disbursement",
        ap.subject_id == dc.id,
        ap.decision == "approve",
        ap.level >= dc.levels_required,
    )
    return (
        select(dc.case_id, dc.id, dc.amount, dc.requested_at, dc.paid_on, dc.returned_on, dc.status)
        .add_columns(final_approval.scalar_subquery().label("approved_at"))
        .where(*conditions, dc.status.not_in(("rejected", "returned")))
        .order_by(dc.case_id, dc.id)
    )


def _notice(row) -> Notice:
    """A notice is paid once a statement debit confirmed it; marked paid, it still waits."""
    approved_on = local_day(row.approved_at) if row.approved_at is not None else None
    marked = row.status == "marked_paid"
    return Notice(
        row.id,
        local_day(row.requested_at),
        row.amount,
        None if marked else row.paid_on,
        approved_on,
        row.returned_on,
        row.paid_on if marked else None,
    )


def _pauses_in(low: int, high: int):
    fc = deferrals.c
    return (
        select(fc.case_id, fc.approved_on, fc.ended_on, fc.until, fc.amount)
        .where(fc.case_id >= low, fc.case_id < high, fc.status.in_(("approved", "ended")))
        .order_by(fc.case_id, fc.id)
    )


def raised_already(
    conn: Connection, low: int, high: int, findings: set[tuple[str, str]], case_ids=None
) -> set[tuple[str, str]]:
    """Return which of these (kind, subject) findings on cases in [low, high) (of
    `case_ids`, if named) have an alert.

    Read by case id (the index the planner takes for the range), not by kind: a kind's
    alerts span every case."""
    if not findings:
        return set()
    a = alerts.c
    query = select(a.kind, a.subject).where(a.case_id >= low, a.case_id < high)
    if case_ids is not None:
        query = query.where(a.case_id.in_(sorted(case_ids)))
    rows = conn.execute(query)
    return {(kind, subject) for kind, subject in rows.all()} & findings


# ---- the scan's other findings: deferrals to review, expected receipts that never came ----


def deferrals_to_review(conn: Connection, as_of: date) -> list[dict]:
    """Return the deferrals (requested or approved) whose review day has come, with their
    case's number and court, in one query."""
    fc = deferrals.c
    rows = conn.execute(
        select(fc.id, fc.case_id, fc.kind, fc.status, fc.review_on, fc.until, fc.amount)
        .add_columns(cases.c.case_number, courts.c.code.label("court"))
        .join(cases, cases.c.id == fc.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
        .where(fc.review_on.is_not(None), fc.review_on <= as_of)
        .where(fc.status.in_(("requested", "approved")))
        .order_by(fc.id)
    )
    return [dict(r._mapping) for r in rows]


def expected_receipts_waiting(conn: Connection, as_of: date) -> list[dict]:
    """Return the expected receipts nothing has matched whose `expected_by` is before a
    day, on open cases, with their case's number and court, in one query."""
    er = expected_receipts.c
    rows = conn.execute(
        select(er.id, er.case_id, er.source, er.reference, er.amount, er.expected_by)
        .add_columns(cases.c.case_number, courts.c.code.label("court"))
        .join(cases, cases.c.id == er.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
        .where(er.transaction_id.is_(None), er.expected_by < as_of)
        .where(cases.c.status == "open")
        .order_by(er.id)
    )
    return [dict(r._mapping) for r in rows]


def received_receipts_alerted(conn: Connection) -> list[dict]:
    """Return the expected receipts received since an unresolved expected_receipt_missing
    alert was raised for them (the import placed the credit), with the alert's case."""
    er, a = expected_receipts.c, alerts.c
    rows = conn.execute(
        select(er.id, er.case_id, er.transaction_id, a.subject)
        .join(alerts, and_(a.case_id == er.case_id, a.kind == "expected_receipt_missing"))
        .where(er.transaction_id.is_not(None), a.status != "resolved")
        .order_by(er.id)
    )
    return [dict(r._mapping) for r in rows if r.subject == f"expected_receipt:{r.id}:missing"]
