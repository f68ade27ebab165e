"""Posting to the ledger: the only writer of `ledger_entries` and of the balances in
`ledger_accounts`. Entries are appended and balances moved in one statement each, for
one posting (`post`, `reverse`) as for an import's many (`post_from`).

The available-money check is part of the UPDATE's WHERE clause, so it is decided by the
database on the current row: two concurrent requests cannot both spend the same yuan
(PostgreSQL re-evaluates the condition on the row the first writer left).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Connection, Select, func, insert, literal, select, update

from reconcile.clock import utc_now
from reconcile.db import checkpoint_store, daily_totals, deadline_marks
from reconcile.db.tables import ledger_accounts, ledger_entries
from reconcile.db.tables_statements import statement_lines
from reconcile.errors import N_, InsufficientAvailable, Message, TotalTooLarge
from reconcile.ledger import (
    BUCKETS,
    UNRESERVED_SIGN,
    Balance,
    EntryKind,
    Posting,
    reversal_of,
    unreserved_change,
)
from reconcile.money import MAX_TOTAL_FEN, format_yuan

la = ledger_accounts.c
le = ledger_entries.c


def _unreserved():
    """The database's reading of `Balance.unreserved`, from the same sign table."""
    expression = None
    for bucket, sign in UNRESERVED_SIGN.items():
        if expression is None:
            assert sign == 1, "the sign table starts with what comes in"
            expression = la[bucket]
        else:
            expression = expression + la[bucket] if sign > 0 else expression - la[bucket]
    return expression


UNRESERVED = _unreserved()


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
    kind: EntryKind,
    postings: list[Posting],
    *,
    enforce_available: bool,
    note: str | None = None,
    transaction_id: int | None = None,
    hold_id: int | None = None,
    disbursement_id: int | None = None,
    reverses_entry_id: int | None = None,
) -> list[int]:
    """Append `postings` and move the balance; refuse if they would overdraw available money.

    Returns the new entries' ids.
    """
    checkpoint_store.share_with_checkpoints(conn)
    _move_balance(conn, ledger_account_id, postings, enforce_available)
    now = utc_now()
    booked_on = _booking_day(conn, transaction_id)
    values = {
        "ledger_account_id": ledger_account_id,
        "kind": EntryKind(kind).value,
        "note": note,
        "created_at": now,
        "transaction_id": transaction_id,
        "booked_on": booked_on,
        "hold_id": hold_id,
        "disbursement_id": disbursement_id,
        "reverses_entry_id": reverses_entry_id,
    }
    ids = []
    for posting in postings:
        result = conn.execute(
            insert(ledger_entries).values(bucket=posting.bucket, amount=posting.amount, **values)
        )
        ids.append(result.inserted_primary_key[0])
    deadline_marks.ledger_changed(conn, ledger_account_id)
    daily_totals.add_postings(conn, ledger_account_id, postings, booked_on=booked_on, posted_at=now)
    return ids


def _booking_day(conn: Connection, transaction_id: int | None) -> date | None:
    """The booking day of an entry's statement line, kept on the entry (None without one)."""
    if transaction_id is None:
        return None
    sl = statement_lines.c
    return conn.execute(select(sl.booked_on).where(sl.id == transaction_id)).scalar_one_or_none()


def reverse(
    conn: Connection,
    entry_id: int,
    kind: EntryKind,
    *,
    amount: int | None = None,
    enforce_available: bool,
    note: str | None = None,
) -> int:
    """Post the entry that takes back entry `entry_id` (all of it, or `amount` fen of it),
    linked to it by `reverses_entry_id`; return the new entry's id."""
    original = conn.execute(select(ledger_entries).where(le.id == entry_id)).one()
    posting = Posting(original.bucket, original.amount)
    if amount is not None:
        posting = Posting(original.bucket, amount if original.amount > 0 else -amount)
    (new_id,) = post(
        conn,
        original.ledger_account_id,
        kind,
        reversal_of([posting]),
        enforce_available=enforce_available,
        note=note,
        transaction_id=original.transaction_id,
        hold_id=original.hold_id,
        disbursement_id=original.disbursement_id,
        reverses_entry_id=entry_id,
    )
    return new_id


def latest_entry(
    conn: Connection, ledger_account_id: int, *, unreversed: bool = True, **refs
) -> int | None:
    """Return the id of the ledger's newest entry with these refs (e.g. kind, transaction_id;
    a tuple means any of), only among those no entry reverses when `unreversed`; or None."""
    query = select(func.max(le.id)).where(le.ledger_account_id == ledger_account_id)
    if unreversed:
        reversed_ = select(le.reverses_entry_id).where(
            le.ledger_account_id == ledger_account_id, le.reverses_entry_id.is_not(None)
        )
        query = query.where(le.id.not_in(reversed_))
    for name, value in refs.items():
        query = query.where(le[name].in_(value) if isinstance(value, tuple) else le[name] == value)
    return conn.execute(query).scalar_one()


def post_from(
    conn: Connection,
    source: Select,
    *,
    kind: EntryKind,
    bucket: str,
    now: datetime,
    at_most: int,
    counted: bool = False,
) -> None:
    """Post one entry per row of `source` — (ledger_account_id, amount, transaction_id,
    and the line's booked_on if it names one), in the order the entries should be
    appended — and move each ledger's `bucket` by their sum: two statements for any
    number of rows (an import's credits).

    `counted`: the caller has counted the entries into the daily totals already (an
    import does it with its lines, daily_totals.add_import); else they are counted here.

    `at_most` bounds what the rows add in all (fen): while the fullest ledger plus that
    stays within MAX_TOTAL_FEN, no ledger's total needs checking one by one.
    """
    checkpoint_store.share_with_checkpoints(conn)
    entries = source.add_columns(literal(bucket), literal(EntryKind(kind).value), literal(now))
    booked = ["booked_on"] if "booked_on" in source.selected_columns else []
    target = ["ledger_account_id", "amount", "transaction_id", *booked]
    target += ["bucket", "kind", "created_at"]
    conn.execute(insert(ledger_entries).from_select(target, entries))
    rows = source.order_by(None).subquery()
    totals = (
        select(rows.c[0].label("ledger_id"), func.sum(rows.c[1]).label("total"))
        .group_by(rows.c[0])
        .subquery()
    )
    if _may_exceed(conn, bucket, at_most, totals):
        _refuse_total(bucket)
    moved = conn.execute(
        update(ledger_accounts)
        .where(la.id == totals.c.ledger_id)
        .values({la[bucket]: la[bucket] + totals.c.total})
        .returning(la.case_id)
    )
    deadline_marks.cases_changed(conn, moved.scalars().all())
    if not counted:
        daily_totals.add_entries(conn, rows, bucket=bucket, posted_at=now)


#: how a refusal names each bucket of a ledger (reconcile.ledger.BUCKETS)
_BUCKET_SAID = {
    "received": Message(N_("received")),
    "held": Message(N_("held")),
    "pending": Message(N_("pending")),
    "approved_unpaid": Message(N_("approved_unpaid")),
    "paid": Message(N_("paid")),
}


def _refuse_total(bucket: str):
    raise TotalTooLarge(
        "the {bucket} total would exceed {largest} yuan",
        field="amount",
        bucket=_BUCKET_SAID.get(bucket, bucket),
        largest=format_yuan(MAX_TOTAL_FEN),
    )


def _may_exceed(conn: Connection, bucket: str, at_most: int, totals) -> bool:
    fullest = conn.execute(select(func.max(la[bucket]))).scalar_one() or 0
    if fullest + at_most <= MAX_TOTAL_FEN:
        return False
    largest = select(func.max(la[bucket] + totals.c.total)).where(la.id == totals.c.ledger_id)
    return (conn.execute(largest).scalar_one() or 0) > MAX_TOTAL_FEN


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
    for bucket, delta in deltas.items():
        if delta > 0:
            stmt = stmt.where(la[bucket] <= MAX_TOTAL_FEN - delta)
    consumed = -unreserved_change(postings)
    if enforce and consumed > 0:
        stmt = stmt.where(consumed <= UNRESERVED)
    if conn.execute(stmt).rowcount != 1:
        _refuse(conn, ledger_account_id, deltas, consumed)


def _refuse(conn: Connection, ledger_account_id: int, deltas: dict[str, int], consumed: int):
    current = balance(conn, ledger_account_id)
    for bucket, delta in deltas.items():
        if getattr(current, bucket) + delta > MAX_TOTAL_FEN:
            _refuse_total(bucket)
    raise InsufficientAvailable(
        "the amount exceeds the money available on this ledger",
        available=current.available,
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


def reverse_from(
    conn: Connection, entry_ids: Select, kind: EntryKind, *, bucket: str, note: str, now: datetime
) -> int:
    """Reverse every unreversed entry of `bucket` that `entry_ids` selects, set by set: one
    reversing entry each (linked by `reverses_entry_id`) and one guarded move per ledger.

    Refuses (InsufficientAvailable; the caller's transaction then rolls back) when a
    ledger's unreserved money does not cover what leaves it. Returns how many entries
    were reversed.
    """
    checkpoint_store.share_with_checkpoints(conn)
    already = select(le.reverses_entry_id).where(le.reverses_entry_id.in_(entry_ids))
    originals = select(
        le.id, le.ledger_account_id, le.amount, le.transaction_id, le.booked_on
    ).where(le.id.in_(entry_ids), le.bucket == bucket, le.id.not_in(already))
    rows = originals.subquery()
    totals = (
        select(rows.c.ledger_account_id.label("ledger_id"), func.sum(rows.c.amount).label("total"))
        .group_by(rows.c.ledger_account_id)
        .subquery()
    )
    ledgers = conn.execute(select(func.count()).select_from(totals)).scalar_one()
    if not ledgers:
        return 0
    sign = UNRESERVED_SIGN[bucket]
    move = (
        update(ledger_accounts)
        .where(la.id == totals.c.ledger_id)
        .values({la[bucket]: la[bucket] - totals.c.total})
    )
    consumed = sign * totals.c.total
    moved = conn.execute(move.where((consumed <= 0) | (consumed <= UNRESERVED))).rowcount
    if moved != ledgers:
        raise InsufficientAvailable(
            "money these entries brought has been used since: they cannot be reversed",
            ledgers=ledgers,
            covered=moved,
        )
    reversing = select(
        rows.c.ledger_account_id,
        literal(bucket),
        -rows.c.amount,
        literal(EntryKind(kind).value),
        literal(note),
        literal(now, ledger_entries.c.created_at.type),
        rows.c.transaction_id,
        rows.c.booked_on,
        rows.c.id,
    ).order_by(rows.c.id)
    target = [
        "ledger_account_id", "bucket", "amount", "kind", "note", "created_at",
        "transaction_id", "booked_on", "reverses_entry_id",
    ]  # fmt: skip
    count = conn.execute(select(func.count()).select_from(rows)).scalar_one()
    # counted before the insert: once reversed, the originals are no longer selected
    reversed_ = select(rows.c.ledger_account_id, -rows.c.amount, rows.c.transaction_id).subquery()
    daily_totals.add_entries(conn, reversed_, bucket=bucket, posted_at=now)
    deadline_marks.ledgers_changed(conn, select(rows.c.ledger_account_id))
    conn.execute(insert(ledger_entries).from_select(target, reversing))
    return count
