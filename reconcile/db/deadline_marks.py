"""Counts a change to a case for the deadline scan, in the transaction of the fact itself.

What the clocks of a case are computed from (reconcile/db/deadline_store.py: case_facts)
is written in a few places only: ledger entries (ledger_store: post, post_from, the bulk
reversal), payment requests and deferrals (request_store, approval_store.advance,
disbursement_store.insert_disbursement), approval decisions (approval_store.record) and the
case's status (registry.set_case_status). Each calls one function here, so that the scan
computes the case again (reconcile/services/deadlines.py) however the fact got there.

A mark counts one more change on the case's row (`changes`: one UPDATE by case id; an
upsert for a case without a row); the scan stores the count it read before reading the
facts, so a change it could not see leaves the case counted as changed, and the next
scan computes it again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Select,
    Table,
    any_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from reconcile.db.tables import ledger_accounts
from reconcile.db.tables_deadlines import case_deadline_due
from reconcile.db.tables_payments import deferrals, disbursements

la, due = ledger_accounts.c, case_deadline_due.c

#: the tables of requests whose rows the clocks read (each has a case_id)
CLOCK_TABLES = {"disbursements": disbursements, "deferrals": deferrals}
#: approval subjects the clocks read (the final approval starts the payment clock)
CLOCK_SUBJECTS = {"disbursement": disbursements, "deferral": deferrals}


def case_registered(conn: Connection, case_id: int) -> None:
    """Make a new case's row (no fact yet: nothing to compute until one comes), so that
    the writers of its facts count their changes with one UPDATE."""
    conn.execute(insert(case_deadline_due).values(case_id=case_id, changes=0, scanned_changes=0))


def cases_changed(conn: Connection, case_ids: Iterable[int | None]) -> None:
    """Count a change to these cases (None, as a suspense ledger's case, is left out)."""
    _mark_ids(conn, sorted({int(i) for i in case_ids if i is not None}))


def ledger_changed(conn: Connection, ledger_account_id: int) -> None:
    """Count a change to the case of a ledger (a suspense ledger has none: nothing is marked)."""
    _mark(conn, select(la.case_id).where(la.id == ledger_account_id, la.case_id.is_not(None)))


def ledgers_changed(conn: Connection, rows: Select) -> None:
    """Count a change to the cases of the ledgers `rows` selects (first column: ledger id).

    The ledgers are read first and named: joined to the select (an import's credits),
    PostgreSQL hashes every ledger account to find a few thousand."""
    picked = rows.order_by(None).subquery()
    ledgers = sorted(conn.execute(select(picked.c[0]).distinct()).scalars())
    if ledgers:
        _mark(conn, select(la.case_id).where(la.id.in_(ledgers), la.case_id.is_not(None)))


def request_changed(conn: Connection, table: Table, row_id: int) -> None:
    """Count a change to the case of a request row, if its table is one the clocks read."""
    if table.name in CLOCK_TABLES:
        _mark(conn, select(table.c.case_id).where(table.c.id == row_id))


def subject_changed(conn: Connection, subject_type: str, subject_id: int) -> None:
    """Count a change to the case of an approval's subject, if the clocks read it."""
    table = CLOCK_SUBJECTS.get(subject_type)
    if table is not None:
        _mark(conn, select(table.c.case_id).where(table.c.id == subject_id))


def _mark(conn: Connection, case_ids: Select) -> None:
    _mark_ids(conn, sorted({i for i in conn.execute(case_ids).scalars() if i is not None}))


def _mark_ids(conn: Connection, ids: list[int]) -> None:
    """Count one more change on the rows of these cases (one UPDATE by id, the common
    case); the cases that had no row get one (an upsert: on PostgreSQL it waits for a
    scanner making the same row, and counts the change on it)."""
    if not ids:
        return
    if conn.dialect.name == "postgresql":  # one array, not thousands of parameters
        named = due.case_id == any_(bindparam("ids", ids, ARRAY(BigInteger)))
    else:
        named = due.case_id.in_(ids)
    bump = update(case_deadline_due).values(changes=due.changes + 1).where(named)
    if conn.execute(bump).rowcount == len(ids):
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(case_deadline_due).on_conflict_do_update(
        index_elements=[due.case_id], set_={"changes": due.changes + 1}
    )
    # (the rows just counted count twice: a count of changes only needs to move)
    conn.execute(stmt, [{"case_id": i, "changes": 1} for i in ids])
