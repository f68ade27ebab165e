"""Posting to the ledger: entries appended and balances moved in one statement each.

The available-money check is part of the UPDATE's WHERE clause, so it is decided by the
database on the current row: two concurrent requests cannot both spend the same yuan
(PostgreSQL re-evaluates the condition on the row the first writer left).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, func, insert, select, update

from reconcile.clock import utc_now
from reconcile.db.tables import ledger_accounts, ledger_entries
from reconcile.errors import InsufficientAvailable
from reconcile.ledger import BUCKETS, Balance, Posting, unreserved_change

la = ledger_accounts.c


def open_case_ledger(conn: Connection, collection_account_id: int, case_id: int) -> int:
    result = conn.execute(
        insert(ledger_accounts).values(
            collection_account_id=collection_account_id, case_id=case_id, kind="case"
        )
    )
    return result.inserted_primary_key[0]


def open_suspense_ledger(conn: Connection, collection_account_id: int) -> int:
    result = conn.execute(
        insert(ledger_accounts).values(collection_account_id=collection_account_id, kind="suspense")
    )
    return result.inserted_primary_key[0]


def case_ledger_id(conn: Connection, case_id: int) -> int:
    return conn.execute(select(la.id).where(la.case_id == case_id)).scalar_one()


def suspense_ledger_id(conn: Connection, collection_account_id: int) -> int:
    return conn.execute(
        select(la.id).where(
            la.collection_account_id == collection_account_id, la.kind == "suspense"
        )
    ).scalar_one()


def balance(conn: Connection, ledger_account_id: int) -> Balance:
    row = conn.execute(select(*[la[b] for b in BUCKETS]).where(la.id == ledger_account_id)).one()
    return Balance(**row._mapping)


def post(
    conn: Connection,
    ledger_account_id: int,
    kind: str,
    postings: list[Posting],
    *,
    enforce_available: bool,
    note: str | None = None,
    **refs: int | None,
) -> list[int]:
    """Append `postings` and move the balance; refuse if they would overdraw available money.

    `refs` are transaction_id, hold_id, disbursement_id, reverses_entry_id.
    Returns the new entries' ids.
    """
    _move_balance(conn, ledger_account_id, postings, enforce_available)
    now = utc_now()
    ids = []
    for posting in postings:
        result = conn.execute(
            insert(ledger_entries).values(
                ledger_account_id=ledger_account_id,
                bucket=posting.bucket,
                amount=posting.amount,
                kind=kind,
                note=note,
                created_at=now,
                **refs,
            )
        )
        ids.append(result.inserted_primary_key[0])
    return ids


def _move_balance(
    conn: Connection, ledger_account_id: int, postings: list[Posting], enforce: bool
) -> None:
    deltas: dict[str, int] = defaultdict(int)
    for posting in postings:
        deltas[posting.bucket] += posting.amount
    stmt = (
        update(ledger_accounts)
        .where(la.id == ledger_account_id)
        .values({la[bucket]: la[bucket] + delta for bucket, delta in deltas.items()})
    )
    consumed = -unreserved_change(postings)
    if enforce and consumed > 0:
        unreserved = la.received - la.held - la.pending - la.approved_unpaid - la.paid
        stmt = stmt.where(unreserved >= consumed)
    if conn.execute(stmt).rowcount != 1:
        raise InsufficientAvailable(
            "the amount exceeds the money available on this ledger",
            available=balance(conn, ledger_account_id).available,
            requested=consumed,
        )


def entries(
    conn: Connection, ledger_account_id: int, *, after_id: int = 0, limit: int = 100
) -> list[dict]:
    """Return a page of a ledger's entries, oldest first."""
    rows = conn.execute(
        select(ledger_entries)
        .where(
            ledger_entries.c.ledger_account_id == ledger_account_id, ledger_entries.c.id > after_id
        )
        .order_by(ledger_entries.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def projection_breaks(conn: Connection) -> list[dict]:
    """Return every ledger whose balance columns differ from the sum of its entries."""
    le = ledger_entries.c
    sums = (
        select(le.ledger_account_id, le.bucket, func.sum(le.amount).label("total"))
        .group_by(le.ledger_account_id, le.bucket)
        .subquery()
    )
    summed: dict[int, dict[str, int]] = defaultdict(dict)
    for row in conn.execute(select(sums)):
        summed[row.ledger_account_id][row.bucket] = row.total
    breaks = []
    for row in conn.execute(select(la.id, *[la[b] for b in BUCKETS]).order_by(la.id)):
        for bucket in BUCKETS:
            expected = summed.get(row.id, {}).get(bucket, 0)
            if getattr(row, bucket) != expected:
                breaks.append(
                    {
                        "ledger_account_id": row.id,
                        "bucket": bucket,
                        "balance": getattr(row, bucket),
                        "entries": expected,
                    }
                )
    return breaks
