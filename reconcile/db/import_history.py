"""The history of statement imports, newest first, and what each import's lines became."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, and_, func, or_, select

from reconcile.db.tables import cases, collection_accounts, courts
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_statements import statement_imports, statement_lines

si, sl = statement_imports.c, statement_lines.c


def recent_imports(conn: Connection, *, court_codes: frozenset[str] | None, limit: int) -> list:
    """Return finished imports of these courts (None: every court), newest first."""
    query = (
        select(
            si.id,
            si.filename,
            si.format,
            si.imported_by,
            si.imported_at,
            si.report,
            collection_accounts.c.account_number.label("account"),
            courts.c.code.label("court"),
        )
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(si.report.is_not(None))
        .order_by(si.id.desc())
        .limit(limit)
    )
    if court_codes is not None:
        query = query.where(courts.c.code.in_(sorted(court_codes)))
    return [dict(r._mapping) for r in conn.execute(query)]


def find_imports(
    conn: Connection,
    *,
    court_codes: frozenset[str] | None,
    account: str | None = None,
    start: date | None = None,
    end: date | None = None,
    imported_by: str | None = None,
    before_id: int = 0,
    limit: int = 50,
) -> list:
    """Return a page of finished imports, newest first, below `before_id` (0: from the top).

    `start`/`end` keep the imports whose period overlaps them.
    """
    query = (
        select(
            si.id,
            si.filename,
            si.format,
            si.imported_by,
            si.imported_at,
            si.period_start,
            si.period_end,
            si.voided_at,
            si.report,
            collection_accounts.c.account_number.label("account"),
            courts.c.code.label("court"),
        )
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(*_import_filters(court_codes, account, start, end, imported_by))
        .order_by(si.id.desc())
        .limit(limit)
    )
    if before_id:
        query = query.where(si.id < before_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def count_imports(
    conn: Connection,
    *,
    court_codes: frozenset[str] | None,
    most: int,
    account: str | None = None,
    start: date | None = None,
    end: date | None = None,
    imported_by: str | None = None,
) -> int:
    """Count the finished imports find_imports would list, stopping at `most` + 1."""
    bounded = (
        select(si.id)
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
        .where(*_import_filters(court_codes, account, start, end, imported_by))
        .limit(most + 1)
        .subquery()
    )
    return conn.execute(select(func.count()).select_from(bounded)).scalar_one()


def line_sums(conn: Connection, statement_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return per import the count and fen sum of its stored credit and debit lines: as
    the import kept them on its row (statement_store), else summed from the lines."""
    empty = {"credits": 0, "debits": 0, "credit_lines": 0, "debit_lines": 0}
    sums = {i: dict(empty) for i in statement_ids}
    if not statement_ids:
        return sums
    kept = conn.execute(
        select(si.id, *(si[k] for k in empty)).where(
            si.id.in_(statement_ids), si.credit_lines.is_not(None)
        )
    )
    done = set()
    for row in kept:
        sums[row.id] = {k: int(row._mapping[k]) for k in empty}
        done.add(row.id)
    missing = [i for i in statement_ids if i not in done]
    if not missing:
        return sums
    rows = conn.execute(
        select(sl.statement_id, sl.direction, func.count(), func.sum(sl.amount))
        .where(sl.statement_id.in_(missing))
        .group_by(sl.statement_id, sl.direction)
    )
    for statement_id, direction, count, total in rows:
        sums[statement_id][f"{direction}s"] = int(total or 0)
        sums[statement_id][f"{direction}_lines"] = count
    return sums


def _import_filters(court_codes, account, start, end, imported_by) -> list:
    conditions = [si.report.is_not(None)]
    if court_codes is not None:
        conditions.append(courts.c.code.in_(sorted(court_codes)))
    if account:
        conditions.append(collection_accounts.c.account_number == account)
    if imported_by:
        conditions.append(si.imported_by == imported_by)
    if start:
        conditions.append(or_(si.period_end.is_(None), si.period_end >= start))
    if end:
        conditions.append(or_(si.period_start.is_(None), si.period_start <= end))
    return conditions


#: why a flagged debit was flagged, from the alert it raised
_FLAG_REASONS = {
    "unauthorised_debit": "unauthorised",
    "unmatched_debit": "unmatched",
    "unrequested_fee_debit": "unrequested_fee",
}


def lines_of(
    conn: Connection,
    statement_id: int,
    *,
    status: str | None = None,
    after: tuple[int, int] = (0, 0),
    limit: int = 100,
) -> list[dict]:
    """Return a page of an import's lines in file order after `after` (line number, id),
    each with its case number and, for a flagged debit, why (from its alert)."""
    line_no = func.coalesce(sl.line_no, 0)
    flags = (
        select(alerts.c.transaction_id, alerts.c.kind)
        .where(alerts.c.kind.in_(tuple(_FLAG_REASONS)))
        .subquery()
    )
    query = (
        select(
            sl.id,
            sl.line_no,
            sl.booked_on,
            sl.direction,
            sl.amount,
            sl.counterparty_name,
            sl.counterparty_account,
            sl.remark,
            sl.bank_reference,
            sl.status,
            sl.case_id,
            cases.c.case_number,
            sl.match_rule,
            sl.orphan_reason,
            sl.disbursement_id,
            flags.c.kind.label("flag_kind"),
        )
        .outerjoin(cases, cases.c.id == sl.case_id)
        .outerjoin(flags, flags.c.transaction_id == sl.id)
        .where(
            sl.statement_id == statement_id,
            or_(line_no > after[0], and_(line_no == after[0], sl.id > after[1])),
        )
        .order_by(line_no, sl.id)
        .limit(limit)
    )
    if status is not None:
        query = query.where(sl.status == status)
    rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["flag_reason"] = _FLAG_REASONS.get(row.pop("flag_kind"))
    return rows


def statement_alerts(conn: Connection, statement_id: int, limit: int = 500) -> list[dict]:
    """Return the alerts an import raised (its lines' and its own), oldest first."""
    lines = select(sl.id).where(sl.statement_id == statement_id)
    rows = conn.execute(
        select(
            alerts.c.id,
            alerts.c.kind,
            alerts.c.severity,
            alerts.c.status,
            alerts.c.transaction_id,
            alerts.c.case_id,
            alerts.c.raised_at,
            alerts.c.detail,
            alerts.c.facts,
            alerts.c.resolve_note,
            alerts.c.resolve_note_said,
        )
        .where(
            or_(
                alerts.c.transaction_id.in_(lines),
                and_(
                    alerts.c.transaction_id.is_(None),
                    alerts.c.subject == f"statement:{statement_id}",
                ),
            )
        )
        .order_by(alerts.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]
