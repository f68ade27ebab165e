"""Line rules as stored (tables_rules.line_rules), and the past lines a rule is tried on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.db.tables import cases, collection_accounts, courts
from reconcile.db.tables_rules import line_rules
from reconcile.db.tables_statements import statement_lines
from reconcile.line_rules import LineOutcome, LineRule
from reconcile.statement_lines import LineStatus

lr, sl = line_rules.c, statement_lines.c

#: the columns of a line the "would have matched" view shows
LINE_COLUMNS = (
    sl.id,
    sl.statement_id,
    sl.booked_on,
    sl.direction,
    sl.amount,
    sl.counterparty_name,
    sl.counterparty_account,
    sl.remark,
    sl.status,
    sl.case_id,
    sl.match_rule,
)


class NameTaken(Exception):
    """The court has a rule of that name already."""


def _query():
    return select(line_rules, cases.c.case_number).outerjoin(cases, cases.c.id == lr.case_id)


def add(conn: Connection, **values) -> int:
    try:
        with conn.begin_nested():
            return conn.execute(insert(line_rules).values(**values)).inserted_primary_key[0]
    except IntegrityError as error:
        raise NameTaken(values["name"]) from error


def get(conn: Connection, rule_id: int, *, for_update: bool = False) -> dict | None:
    query = _query().where(lr.id == rule_id)
    if for_update:
        query = query.with_for_update(of=line_rules)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def of_courts(conn: Connection, courts_: list[str] | None, *, active: bool | None = None):
    """The rules of these courts (of all when None), by court and id (the order applied)."""
    query = _query()
    if courts_ is not None:
        query = query.where(lr.court.in_(courts_))
    if active is not None:
        query = query.where(lr.active == active)
    return [dict(r._mapping) for r in conn.execute(query.order_by(lr.court, lr.id))]


def change(conn: Connection, rule_id: int, **values) -> None:
    try:
        with conn.begin_nested():
            conn.execute(update(line_rules).where(lr.id == rule_id).values(**values))
    except IntegrityError as error:
        raise NameTaken(values.get("name", "")) from error


def as_rule(row: dict) -> LineRule:
    """The rule as the import applies it."""
    return LineRule(
        id=row["id"],
        direction=row["direction"],
        counterparty_name=row["counterparty_name"],
        counterparty_account=row["counterparty_account"],
        remark_text=row["remark_text"],
        remark_pattern=row["remark_pattern"],
        amount_min=row["amount_min"],
        amount_max=row["amount_max"],
        outcome=LineOutcome(row["outcome"]),
        case_number=row.get("case_number"),
    )


def active_rules(conn: Connection, court: str) -> list[LineRule]:
    """The court's active rules, in the order they were made (the order they apply)."""
    rows = conn.execute(
        _query().where(lr.court == court, lr.active.is_(True)).order_by(lr.id)
    ).mappings()
    return [as_rule(dict(r)) for r in rows]


def past_lines(
    conn: Connection,
    court: str,
    rule: LineRule,
    *,
    since: date,
    until: date,
    after_id: int | None,
    scan: int,
):
    """Up to `scan` lines of the court's collection accounts booked from `since` to `until`
    (not void), by id after `after_id`, narrowed by the rule's direction, amount and account
    in SQL (the text conditions are the caller's)."""
    accounts = (
        select(collection_accounts.c.id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(courts.c.code == court)
    )
    where = [
        sl.collection_account_id.in_(accounts),
        sl.booked_on >= since,
        sl.booked_on <= until,
        sl.status != LineStatus.VOID.value,
    ]
    if after_id is not None:
        where.append(sl.id > after_id)
    if rule.direction:
        where.append(sl.direction == rule.direction)
    if rule.amount_min is not None:
        where.append(sl.amount >= rule.amount_min)
    if rule.amount_max is not None:
        where.append(sl.amount <= rule.amount_max)
    query = select(*LINE_COLUMNS).where(and_(*where)).order_by(sl.id).limit(scan)
    return [dict(r._mapping) for r in conn.execute(query)]
