"""What a statement void reads and moves: the import's lines, postings, alerts and file.

Everything runs inside the void's unit of work, on the statement row it locked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Select, String, and_, cast, func, literal, or_, select, update

from reconcile.alerts import AlertStatus
from reconcile.db import daily_totals
from reconcile.db.tables import cases, collection_accounts, courts, ledger_accounts, ledger_entries
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_statements import statement_imports, statement_lines, statement_voids
from reconcile.ledger import Balance, EntryKind
from reconcile.statement_lines import LineStatus

sl, si, sv = statement_lines.c, statement_imports.c, statement_voids.c
le, la, a = ledger_entries.c, ledger_accounts.c, alerts.c

#: what an import posts for its lines: a matched credit on its case, an orphan on suspense
IMPORT_POSTINGS = (EntryKind.CREDIT.value, EntryKind.ORPHAN_CREDIT.value)
#: what staff post for a line afterwards: an orphan assigned, a match taken off its case
MOVES = (EntryKind.ORPHAN_ASSIGNED.value, EntryKind.ASSIGNMENT_REVERSED.value)


def statement_of(conn: Connection, statement_id: int, *, lock: bool = False) -> dict | None:
    """Return a finished import with its court code; `lock` locks its row (PostgreSQL)."""
    query = (
        select(statement_imports, courts.c.code.label("court"))
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(si.id == statement_id, si.report.is_not(None))
    )
    if lock:
        query = query.with_for_update(of=statement_imports)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def open_voids(conn: Connection, statement_id: int) -> list[dict]:
    """Return the import's voids that are requested or approved."""
    rows = conn.execute(
        select(statement_voids).where(
            sv.statement_id == statement_id, sv.status.in_(("requested", "approved"))
        )
    )
    return [dict(r._mapping) for r in rows]


def voids_of(conn: Connection, statement_id: int) -> list[dict]:
    """Return every void request of an import, oldest first."""
    rows = conn.execute(
        select(statement_voids).where(sv.statement_id == statement_id).order_by(sv.id)
    )
    return [dict(r._mapping) for r in rows]


def _lines_of(statement_id: int) -> Select:
    return select(sl.id).where(sl.statement_id == statement_id)


def moved_lines(conn: Connection, statement_id: int) -> list[dict]:
    """Return the import's lines that moved on since: refunded, reassigned, settling a
    payment; each with `moved` (refunded | assigned | settled_payment)."""
    staff_moved = (
        select(le.transaction_id)
        .where(le.transaction_id.in_(_lines_of(statement_id)), le.kind.in_(MOVES))
        .distinct()
    )
    refunded = sl.status.in_((LineStatus.REFUNDING.value, LineStatus.REFUNDED.value))
    settled = sl.status == LineStatus.RECONCILED.value
    rows = conn.execute(
        select(sl.id, sl.amount, sl.case_id, sl.status, sl.disbursement_id)
        .where(sl.statement_id == statement_id, or_(refunded, settled, sl.id.in_(staff_moved)))
        .order_by(sl.id)
    )
    found = []
    for r in rows:
        if r.status in (LineStatus.REFUNDING, LineStatus.REFUNDED):
            moved = "refunded"
        elif r.status == LineStatus.RECONCILED:
            moved = "settled_payment"
        else:
            moved = "assigned"
        found.append({**r._mapping, "moved": moved})
    return found


def case_credits(conn: Connection, statement_id: int) -> list[dict]:
    """Return, per case, what the import's matched lines place on it and its balance now."""
    placed = (
        select(sl.case_id, func.sum(sl.amount).label("credited"))
        .where(sl.statement_id == statement_id, sl.status == LineStatus.MATCHED.value)
        .group_by(sl.case_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            placed.c.case_id,
            placed.c.credited,
            cases.c.case_number,
            la.received,
            la.held,
            la.pending,
            la.approved_unpaid,
            la.paid,
        )
        .join(cases, cases.c.id == placed.c.case_id)
        .join(ledger_accounts, la.case_id == placed.c.case_id)
        .order_by(placed.c.case_id)
    )
    return [
        {
            "case_id": r.case_id,
            "case_number": r.case_number,
            "credited": int(r.credited),
            "balance": Balance(r.received, r.held, r.pending, r.approved_unpaid, r.paid),
        }
        for r in rows
    ]


def import_postings(statement_id: int) -> Select:
    """The ids of the ledger entries the import made for its lines."""
    return select(le.id).where(
        le.transaction_id.in_(_lines_of(statement_id)), le.kind.in_(IMPORT_POSTINGS)
    )


def void_lines(conn: Connection, statement_id: int, from_states: list[str], status: str) -> int:
    """Move the import's lines in `from_states` to `status`, giving up their dedupe keys
    (kept in voided_key) so that the same lines may be imported again; return how many."""
    if status == LineStatus.VOID.value:
        daily_totals.remove_lines(conn, statement_id, from_states)
    result = conn.execute(
        update(statement_lines)
        .where(sl.statement_id == statement_id, sl.status.in_(from_states))
        .values(
            status=status,
            voided_key=sl.dedupe_key,
            dedupe_key=literal("void:") + cast(sl.id, String),
        )
    )
    return result.rowcount


def release_file(conn: Connection, statement_id: int, void_id: int, now: datetime) -> None:
    """Mark the import voided and give up its file hash, so the file may be imported again."""
    conn.execute(
        update(statement_imports)
        .where(si.id == statement_id, si.voided_at.is_(None))
        .values(voided_at=now, voided_file_sha256=si.file_sha256, file_sha256=f"void:{void_id}")
    )


def unresolved_alerts(conn: Connection, statement_id: int) -> list[dict]:
    """Return the import's alerts not yet resolved: its lines' and the statement's own."""
    rows = conn.execute(
        select(a.id, a.kind, a.status, a.court)
        .where(
            a.status != AlertStatus.RESOLVED.value,
            or_(
                a.transaction_id.in_(_lines_of(statement_id)),
                and_(a.transaction_id.is_(None), a.subject == f"statement:{statement_id}"),
            ),
        )
        .order_by(a.id)
    )
    return [dict(r._mapping) for r in rows]


def requested_voids(conn: Connection, court_codes: frozenset[str] | None) -> list[int]:
    """Return the ids of void requests awaiting a decision, oldest first."""
    query = (
        select(sv.id)
        .join(statement_imports, si.id == sv.statement_id)
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(sv.status == "requested")
        .order_by(sv.id)
    )
    if court_codes is not None:
        query = query.where(courts.c.code.in_(sorted(court_codes)))
    return list(conn.execute(query).scalars())
