"""Reading and resolving statement lines (the API's transactions)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, and_, func, insert, or_, select, union_all, update

from reconcile.db.tables import cases, collection_accounts, courts
from reconcile.db.tables_parts import transaction_parts
from reconcile.db.tables_statements import statement_lines

sl = statement_lines.c
tp = transaction_parts.c


def _query():
    return (
        select(statement_lines, courts.c.code.label("court"))
        .join(collection_accounts, collection_accounts.c.id == sl.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
    )


def _query_by_line():
    """As _query, the court looked up per line: a join lets SQLite loop over the accounts
    first, and then read every line of the account (a case's) or sort the lines it finds
    (by booking) instead of reading them in an index's order."""
    court = (
        select(courts.c.code)
        .join(collection_accounts, collection_accounts.c.court_id == courts.c.id)
        .where(collection_accounts.c.id == sl.collection_account_id)
        .scalar_subquery()
    )
    return select(statement_lines, court.label("court"))


def line_by_id(conn: Connection, line_id: int, *, for_update: bool = False) -> dict | None:
    query = _query().where(sl.id == line_id)
    if for_update:
        query = query.with_for_update(of=statement_lines)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def list_lines(
    conn: Connection,
    *,
    court_codes: frozenset[str] | None,
    status: str | None = None,
    case_id: int | None = None,
    direction: str | None = None,
    booked_from: date | None = None,
    booked_to: date | None = None,
    amount_min: int | None = None,
    amount_max: int | None = None,
    by_booking: bool = False,
    after_booked_on: date | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Return a page of lines, oldest first (so orphans list by age); None courts: all.

    By id (after `after_id`), or `by_booking`: by booking day, then id, after the line
    (`after_booked_on`, `after_id`) — none given, from the start.
    """
    # by booking: the accounts read first, so that the query names them (one account:
    # `=`), and ix_statement_lines_status_booked gives the page in order, not a sort of
    # every line in the state (a subquery's IN makes both databases sort)
    named = by_booking and (court_codes is not None or status is not None)
    query = _filtered(
        _query_by_line() if named or case_id is not None else _query(),
        court_codes=court_codes,
        status=status,
        case_id=case_id,
        direction=direction,
        booked_from=booked_from,
        booked_to=booked_to,
        amount_min=amount_min,
        amount_max=amount_max,
        account_ids=conn.execute(_accounts(court_codes)).scalars().all() if named else None,
    ).limit(limit)
    if not by_booking:
        query = query.where(sl.id > after_id).order_by(sl.id)
    else:
        if after_booked_on is not None:
            query = query.where(
                or_(
                    sl.booked_on > after_booked_on,
                    and_(sl.booked_on == after_booked_on, sl.id > after_id),
                )
            )
        query = query.order_by(sl.booked_on, sl.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def line_totals(conn: Connection, *, court_codes: frozenset[str] | None, **filters) -> dict:
    """Return the count of the lines the filters (of `list_lines`) select, their amount,
    and the fen of their parts still placed on cases: two aggregate queries."""
    chosen = _filtered(select(sl.id, sl.amount), court_codes=court_codes, **filters).subquery()
    count, amount = conn.execute(
        select(func.count(), func.coalesce(func.sum(chosen.c.amount), 0))
    ).one()
    placed = conn.execute(
        select(func.coalesce(func.sum(tp.amount), 0)).where(
            tp.reversed_at.is_(None), tp.transaction_id.in_(select(chosen.c.id))
        )
    ).scalar_one()
    return {"count": count, "amount": int(amount), "placed": int(placed)}


def _filtered(
    query,
    *,
    court_codes: frozenset[str] | None,
    status: str | None = None,
    case_id: int | None = None,
    direction: str | None = None,
    booked_from: date | None = None,
    booked_to: date | None = None,
    amount_min: int | None = None,
    amount_max: int | None = None,
    account_ids: list[int] | None = None,
):
    # the accounts named outright, so that ix_statement_lines_status (account, status)
    # serves the query; with no courts, every account: else the index is of no use
    account = sl.collection_account_id
    if case_id is not None:
        # a case's lines are found by id (below): `+ 0` keeps the plan from reading every
        # line of the account in the state by the account's index instead
        account = account + 0
    if account_ids is not None:  # read before, by the caller
        query = query.where(account.in_(account_ids))
    elif court_codes is not None or status is not None:
        query = query.where(account.in_(_accounts(court_codes)))
    for column, value in (("status", status), ("direction", direction)):
        if value is not None:
            query = query.where(sl[column] == value)
    if case_id is not None:  # the case's own lines, and the lines with a part placed on it
        placed = select(tp.transaction_id).where(tp.case_id == case_id, tp.reversed_at.is_(None))
        # as ids, one list, so that the plan looks the case's lines up by id: with an OR
        # of the two, both databases read every matched credit of the account (0033)
        own = select(statement_lines.c.id).where(sl.case_id == case_id)
        query = query.where(sl.id.in_(union_all(own, placed)))
    if booked_from is not None:
        query = query.where(sl.booked_on >= booked_from)
    if booked_to is not None:
        query = query.where(sl.booked_on <= booked_to)
    if amount_min is not None:
        query = query.where(sl.amount >= amount_min)
    if amount_max is not None:
        query = query.where(sl.amount <= amount_max)
    return query


def _accounts(court_codes: frozenset[str] | None):
    """The ids of the collection accounts of these courts (None: of every court)."""
    accounts = select(collection_accounts.c.id)
    if court_codes is not None:
        accounts = accounts.join(courts, courts.c.id == collection_accounts.c.court_id).where(
            courts.c.code.in_(court_codes)
        )
    return accounts.order_by(collection_accounts.c.id)


def set_line(conn: Connection, line_id: int, **values) -> None:
    conn.execute(update(statement_lines).where(sl.id == line_id).values(**values))


def placed_parts(conn: Connection, line_ids: list[int]) -> dict[int, list[dict]]:
    """Return the parts still placed of each line in `line_ids`, oldest first, by line."""
    found: dict[int, list[dict]] = {line_id: [] for line_id in line_ids}
    if not line_ids:
        return found
    rows = conn.execute(
        select(transaction_parts, cases.c.case_number)
        .join(cases, cases.c.id == tp.case_id)
        .where(tp.transaction_id.in_(line_ids), tp.reversed_at.is_(None))
        .order_by(tp.id)
    )
    for row in rows:
        found[row.transaction_id].append(dict(row._mapping))
    return found


def add_part(conn: Connection, **values) -> int:
    """Record a part of a credit placed on a case; return its id."""
    return conn.execute(insert(transaction_parts).values(**values)).inserted_primary_key[0]


def mark_part_reversed(conn: Connection, part_id: int, *, by: str, reason: str, at: datetime):
    """Record that the part was taken off its case; False if it was taken off already."""
    done = conn.execute(
        update(transaction_parts)
        .where(tp.id == part_id, tp.reversed_at.is_(None))
        .values(reversed_at=at, reversed_by=by, reversal_reason=reason)
    )
    return done.rowcount == 1
