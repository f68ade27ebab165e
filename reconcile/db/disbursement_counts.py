"""Keeping how many disbursements each court has of each status and kind, and their sum
(tables_payments.disbursement_counts), and checking them: the tabs and the 合计 of
付款记录 read these rows, not every payment of the court (#20).

A writer tells `moved` of each disbursement it inserts or moves to another status. The
changes are gathered for the transaction and added when it commits (UnitOfWork.commit,
after the audit records, whose head lock already orders committers), each row an upsert
that adds to it (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n), in key order:
concurrent writers on PostgreSQL add up instead of overwriting each other. Not at once:
a statement import that confirms payments would hold its court's rows until it commits
(every approval and mark-paid of the court waiting on it), and two transactions moving
payments between the same statuses in a different order could deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from reconcile.db.tables_payments import disbursement_counts, disbursements

kept, dc = disbursement_counts.c, disbursements.c
KEY = ("court_id", "status", "kind")
_PENDING = "disbursement_counts.pending"  #: conn.info: (transaction, {key: [n, amount]})

Key = tuple[int, str, str]


def moved(conn: Connection, row: Mapping, before: str | None, after: str | None) -> None:
    """Count the disbursement `row` (its court_id, kind and amount) out of status `before`
    and into `after`, when the transaction commits; `before` None: it is new."""
    if before == after:
        return
    pending = _pending(conn)
    for status, sign in ((before, -1), (after, 1)):
        if status is not None:
            figures = pending[(row["court_id"], str(status), str(row["kind"]))]
            figures[0] += sign
            figures[1] += sign * int(row["amount"])


def _pending(conn: Connection) -> dict[Key, list[int]]:
    # conn.info outlives the transaction (it is the pooled DBAPI connection's): what a
    # transaction rolled back gathered is dropped by the next one
    transaction = conn.get_transaction()
    held = conn.info.get(_PENDING)
    if held is None or held[0] is not transaction:
        held = conn.info[_PENDING] = (transaction, defaultdict(lambda: [0, 0]))
    return held[1]


def write_pending(conn: Connection) -> None:
    """Add what this transaction's writers told `moved` to the kept counts (before commit)."""
    held = conn.info.pop(_PENDING, None)
    if held is None or held[0] is not conn.get_transaction():
        return
    rows = [
        {"court_id": key[0], "status": key[1], "kind": key[2], "n": n, "amount": amount}
        for key, (n, amount) in sorted(held[1].items())
        if n or amount
    ]
    if rows:
        insert = _insert(conn)
        conn.execute(_adding(insert(disbursement_counts).values(rows)))


def add_counted(conn: Connection, where) -> None:
    """Count the disbursements `where` selects into the kept counts at once (a bulk insert
    of rows no writer told `moved` of)."""
    source = (
        select(dc.court_id, dc.status, dc.kind, func.count(), func.sum(dc.amount))
        .where(where)
        .group_by(*(dc[k] for k in KEY))
        .order_by(*(dc[k] for k in KEY))
    )
    stmt = _insert(conn)(disbursement_counts).from_select([*KEY, "n", "amount"], source)
    conn.execute(_adding(stmt))


def _insert(conn: Connection):
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _adding(stmt):
    return stmt.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"n": kept.n + stmt.excluded.n, "amount": kept.amount + stmt.excluded.amount},
    )


# --- reading -----------------------------------------------------------------------


def counts(
    conn: Connection,
    court_ids: Iterable[int] | None,
    *,
    statuses: Iterable[str] | None = None,
    kind: str | None = None,
) -> dict[str, tuple[int, int]]:
    """Return (count, sum in fen) of each status of these courts' disbursements (None:
    every court), of these statuses and this kind if given; a status none has is left out."""
    query = select(kept.status, func.sum(kept.n), func.sum(kept.amount)).group_by(kept.status)
    if court_ids is not None:
        query = query.where(kept.court_id.in_(sorted(court_ids)))
    if statuses is not None:
        query = query.where(kept.status.in_(sorted(statuses)))
    if kind is not None:
        query = query.where(kept.kind == kind)
    return {status: (int(n), int(amount)) for status, n, amount in conn.execute(query) if n}


# --- checking ----------------------------------------------------------------------


def recounted(conn: Connection) -> dict[Key, tuple[int, int]]:
    """Return (count, sum) of every court, status and kind, counted from the disbursements."""
    query = select(dc.court_id, dc.status, dc.kind, func.count(), func.sum(dc.amount)).group_by(
        *(dc[k] for k in KEY)
    )
    return {(c, s, k): (int(n), int(a)) for c, s, k, n, a in conn.execute(query)}


def breaks(conn: Connection) -> list[dict]:
    """Return every kept count or sum that differs from a recount of the disbursements."""
    expected = recounted(conn)
    have = {
        (r.court_id, r.status, r.kind): (int(r.n), int(r.amount))
        for r in conn.execute(select(disbursement_counts))
    }
    found = []
    for key in sorted(set(expected) | set(have)):
        want, got = expected.get(key, (0, 0)), have.get(key, (0, 0))
        for figure, w, g in (("count", want[0], got[0]), ("amount", want[1], got[1])):
            if w != g:
                found.append(
                    {
                        "court_id": key[0],
                        "status": key[1],
                        "kind": key[2],
                        "figure": figure,
                        "kept": g,
                        "recounted": w,
                    }
                )
    return found
