"""Keeping the per-account, per-day totals (tables_totals.daily_totals) and checking them.

Every change is an upsert that adds to the row (INSERT … ON CONFLICT DO UPDATE SET
x = x + excluded.x), computed by the database from the rows just written: no total is
read into Python and written back, so concurrent writers on PostgreSQL add up (the row
lock orders them) instead of overwriting each other. Rows are touched in day order, so
two writers of many days lock them in the same order.

The day of a line is its booking date. The day of a ledger entry is, as the daily
reconciliation has always counted it, the booking date of the line it is about
(transaction_id), else the court's local day it was posted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import (
    Connection,
    Date,
    Select,
    and_,
    case,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from reconcile.clock import COURT_TZ, local_day
from reconcile.db.tables import ledger_accounts, ledger_entries
from reconcile.db.tables_statements import statement_lines
from reconcile.db.tables_totals import daily_totals
from reconcile.ledger import Posting
from reconcile.statement_lines import LineStatus

dt, sl, le, la = daily_totals.c, statement_lines.c, ledger_entries.c, ledger_accounts.c
BANK = ("bank", "lines")
BOOKS = ("cases", "suspense", "approved_unpaid")
FIGURES = (*BANK, *BOOKS)

_signed_line = case((sl.direction == "credit", sl.amount), else_=-sl.amount)


def _add(conn: Connection, source: Select, figures: tuple[str, ...]) -> None:
    """Add the rows of `source` — (collection_account_id, day, *figures) — to the totals."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    # WHERE true: SQLite reads an ON after a bare SELECT … FROM as a join's
    stmt = insert(daily_totals).from_select(
        ["collection_account_id", "day", *figures], source.where(true())
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["collection_account_id", "day"],
            set_={f: dt[f] + stmt.excluded[f] for f in figures},
        )
    )


# --- bank side ---------------------------------------------------------------------


def add_import(conn: Connection, statement_id: int) -> None:
    """Count an import's new lines into their days: the bank side, and with it the book
    side of what the import itself posts for them — each matched credit on its case's
    ledger, each orphan on the suspense ledger, on the line's day (post_from with
    counted=True) — in one pass over the lines instead of one per posting."""
    status = sl.status
    source = (
        select(
            sl.collection_account_id,
            sl.booked_on,
            func.sum(_signed_line),
            func.count(),
            func.sum(case((status == LineStatus.MATCHED.value, sl.amount), else_=0)),
            func.sum(case((status == LineStatus.ORPHAN.value, sl.amount), else_=0)),
        )
        .where(sl.statement_id == statement_id)
        .group_by(sl.collection_account_id, sl.booked_on)
        .order_by(sl.collection_account_id, sl.booked_on)
    )
    _add(conn, source, (*BANK, "cases", "suspense"))


def remove_lines(conn: Connection, statement_id: int, states: list[str]) -> None:
    """Take the import's lines in `states` out of their days (they are about to be void)."""
    assert LineStatus.VOID.value not in states
    _add_lines(conn, and_(sl.statement_id == statement_id, sl.status.in_(states)), sign=-1)


def _add_lines(conn: Connection, where, sign: int) -> None:
    source = (
        select(
            sl.collection_account_id,
            sl.booked_on,
            sign * func.sum(_signed_line),
            sign * func.count(),
        )
        .where(where)
        .group_by(sl.collection_account_id, sl.booked_on)
        .order_by(sl.collection_account_id, sl.booked_on)
    )
    _add(conn, source, BANK)


# --- book side ---------------------------------------------------------------------


def _book_figures(kind, bucket, amount) -> tuple:
    net = case((bucket == "received", amount), (bucket == "paid", -amount), else_=0)
    return (
        case((kind == "case", net), else_=0),
        case((kind == "suspense", net), else_=0),
        case((bucket == "approved_unpaid", amount), else_=0),
    )


def add_postings(
    conn: Connection,
    ledger_account_id: int,
    postings: list[Posting],
    *,
    booked_on: date | None,
    posted_at: datetime,
) -> None:
    """Count one posting's entries into the day of its line (`booked_on`), or of
    `posted_at`."""
    net = sum(
        p.amount if p.bucket == "received" else -p.amount
        for p in postings
        if p.bucket in ("received", "paid")
    )
    unpaid = sum(p.amount for p in postings if p.bucket == "approved_unpaid")
    if not net and not unpaid:
        return
    day = literal(booked_on if booked_on is not None else local_day(posted_at), Date)
    source = select(
        la.collection_account_id,
        day,
        case((la.kind == "case", net), else_=0),
        case((la.kind == "suspense", net), else_=0),
        literal(unpaid),
    ).where(la.id == ledger_account_id)
    _add(conn, source, BOOKS)


def add_entries(conn: Connection, rows, *, bucket: str, posted_at: datetime) -> None:
    """Count entries of `bucket` — `rows`: a subquery of (ledger_account_id, amount,
    transaction_id), as posted — into their days."""
    if bucket not in ("received", "paid", "approved_unpaid"):
        return
    ledger, amount, transaction = rows.c[0], rows.c[1], rows.c[2]
    day = func.coalesce(sl.booked_on, literal(local_day(posted_at), Date))
    figures = _book_figures(la.kind, literal(bucket), amount)
    source = (
        select(la.collection_account_id, day, *[func.sum(f) for f in figures])
        .select_from(rows)
        .join(ledger_accounts, la.id == ledger)
        .outerjoin(statement_lines, sl.id == transaction)
        .group_by(la.collection_account_id, day)
        .order_by(la.collection_account_id, day)
    )
    _add(conn, source, BOOKS)


# --- reading and checking ----------------------------------------------------------


def books_until(conn: Connection, account_id: int, day: date) -> dict[str, int]:
    """The book side at the end of `day`: each figure summed over the days until it."""
    row = conn.execute(
        select(*[func.coalesce(func.sum(dt[f]), 0).label(f) for f in BOOKS]).where(
            dt.collection_account_id == account_id, dt.day <= day
        )
    ).one()
    return dict(row._mapping)


def bank_between(conn: Connection, account_id: int, after: date, until: date) -> int:
    """The net of the account's lines booked after `after` until `until`, inclusive."""
    return conn.execute(
        select(func.coalesce(func.sum(dt.bank), 0)).where(
            dt.collection_account_id == account_id, dt.day > after, dt.day <= until
        )
    ).scalar_one()


def days_with_lines(conn: Connection, account_id: int, since: date, until: date) -> list[date]:
    """The days from `since` to `until` on which the account has lines that are not void."""
    rows = conn.execute(
        select(dt.day)
        .where(
            dt.collection_account_id == account_id,
            dt.day >= since,
            dt.day <= until,
            dt.lines > 0,
        )
        .order_by(dt.day)
    )
    return list(rows.scalars())


def _local_day_sql(conn: Connection, column):
    if conn.dialect.name == "postgresql":
        return func.date(func.timezone(COURT_TZ.key, column))
    # SQLite keeps a moment as its UTC wall time; the court's zone has had no DST since 1991
    offset = COURT_TZ.utcoffset(datetime(2000, 1, 1))
    return func.date(column, f"+{int(offset.total_seconds() // 3600)} hours")


def recomputed(conn: Connection) -> dict[tuple[int, date], dict[str, int]]:
    """Every account's and day's totals, derived again from the lines and the entries."""
    found: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    lines = conn.execute(
        select(sl.collection_account_id, sl.booked_on, func.sum(_signed_line), func.count())
        .where(sl.status != LineStatus.VOID.value)
        .group_by(sl.collection_account_id, sl.booked_on)
    )
    for account_id, day, bank, count in lines:
        found[(account_id, day)].update(bank=bank, lines=count)
    day = func.coalesce(sl.booked_on, _local_day_sql(conn, le.created_at)).label("day")
    figures = _book_figures(la.kind, le.bucket, le.amount)
    entries = conn.execute(
        select(la.collection_account_id, day, *[func.sum(f) for f in figures])
        .select_from(ledger_entries)
        .join(ledger_accounts, la.id == le.ledger_account_id)
        .outerjoin(statement_lines, sl.id == le.transaction_id)
        .where(le.bucket.in_(("received", "paid", "approved_unpaid")))
        .group_by(la.collection_account_id, day)
    )
    for account_id, day_, cases_, suspense, unpaid in entries:
        if isinstance(day_, str):  # SQLite's date() gives text
            day_ = date.fromisoformat(day_)
        found[(account_id, day_)].update(cases=cases_, suspense=suspense, approved_unpaid=unpaid)
    return found


def one_snapshot(conn: Connection) -> None:
    """Make the rest of the transaction read one snapshot (PostgreSQL; SQLite does): the
    lines, the entries and the totals as of one moment. First thing in the transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def breaks(conn: Connection) -> list[dict]:
    """Return every account's day whose kept totals differ from a recomputation."""
    expected = recomputed(conn)
    kept = {
        (r.collection_account_id, r.day): {f: r._mapping[f] for f in FIGURES}
        for r in conn.execute(select(daily_totals))
    }
    found = []
    zero = dict.fromkeys(FIGURES, 0)
    for key in sorted(set(expected) | set(kept)):
        want, have = expected.get(key, zero), kept.get(key, zero)
        for figure in FIGURES:
            if int(want[figure]) != int(have[figure]):
                found.append(
                    {
                        "collection_account_id": key[0],
                        "day": key[1].isoformat(),
                        "figure": figure,
                        "kept": int(have[figure]),
                        "recomputed": int(want[figure]),
                    }
                )
    return found
