"""Reading imported statements: the history, one import's report, lines and alerts."""

from __future__ import annotations

from datetime import date

from reconcile.actors import Actor
from reconcile.db import import_history, registry, statement_store
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.statement_lines import LineStatus


def get_report(uow: UnitOfWork, actor: Actor, statement_id: int) -> dict:
    """Return an import's report."""
    require(actor, Verb.READ)
    with uow:
        found = _visible(uow, actor, statement_id)
    return found["report"]


def get_statement(uow: UnitOfWork, actor: Actor, statement_id: int) -> dict:
    """Return an import's report with who imported what when, and whether it is voided."""
    require(actor, Verb.READ)
    with uow:
        found = _visible(uow, actor, statement_id)
    return {
        **found["report"],
        "filename": found["filename"],
        "imported_by": found["imported_by"],
        "imported_at": found["imported_at"],
        "voided_at": found["voided_at"],
        "court": found["court"],
    }


def list_statements(
    uow: UnitOfWork,
    actor: Actor,
    *,
    account: str | None = None,
    start: date | None = None,
    end: date | None = None,
    imported_by: str | None = None,
    before_id: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Return a page of the imports of the actor's courts, newest first."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        rows = import_history.find_imports(
            uow.conn,
            court_codes=courts,
            account=account,
            start=start,
            end=end,
            imported_by=imported_by,
            before_id=before_id,
            limit=limit,
        )
    return [_history_item(row) for row in rows]


def history_page(
    uow: UnitOfWork,
    actor: Actor,
    *,
    most: int,
    before_id: int = 0,
    limit: int = 50,
    **filters,
) -> dict:
    """Return a page of imports as list_statements gives them, each with the count and fen
    sum of its credit and debit lines, and how many imports fit the filters (up to `most`
    + 1). `filters` are list_statements': account, start, end, imported_by."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        rows = import_history.find_imports(
            uow.conn, court_codes=courts, before_id=before_id, limit=limit, **filters
        )
        sums = import_history.line_sums(uow.conn, [row["id"] for row in rows])
        count = import_history.count_imports(uow.conn, court_codes=courts, most=most, **filters)
    items = [{**_history_item(row), **sums[row["id"]]} for row in rows]
    return {"items": items, "count": count}


def statement_lines(
    uow: UnitOfWork,
    actor: Actor,
    statement_id: int,
    *,
    outcome: str | None = None,
    after: tuple[int, int] = (0, 0),
    limit: int = 100,
) -> list[dict]:
    """Return a page of an import's lines in file order, as the preview shows them, with
    `transaction_id` and `status` (where the line stands now)."""
    require(actor, Verb.READ)
    with uow:
        _visible(uow, actor, statement_id)
        rows = import_history.lines_of(
            uow.conn, statement_id, status=outcome, after=after, limit=limit
        )
    return [line_view(row) for row in rows]


def statement_alerts(uow: UnitOfWork, actor: Actor, statement_id: int) -> list[dict]:
    """Return the alerts an import raised, oldest first."""
    require(actor, Verb.READ)
    with uow:
        _visible(uow, actor, statement_id)
        return import_history.statement_alerts(uow.conn, statement_id)


def line_view(row: dict) -> dict:
    """Return a stored line in the preview's shape: outcome, case, rule and why."""
    status = row["status"]
    reason = None
    if status == LineStatus.ORPHAN:
        reason = row["orphan_reason"]
    elif status == LineStatus.FLAGGED:
        reason = row["flag_reason"]
    return {
        **{k: v for k, v in row.items() if k not in ("id", "flag_reason")},
        "transaction_id": row["id"],
        "outcome": status,
        "reason": reason,
    }


def _history_item(row: dict) -> dict:
    report = row.pop("report")
    return {
        **row,
        "period": {"start": _iso(row.pop("period_start")), "end": _iso(row.pop("period_end"))},
        "status": "voided" if row["voided_at"] else "imported",
        **{k: report.get(k) for k in _COUNTS},
    }


_COUNTS = (
    "lines_total",
    "lines_new",
    "credits_matched",
    "orphans",
    "debits_reconciled",
    "debits_flagged",
    "balance_check",
)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _visible(uow: UnitOfWork, actor: Actor, statement_id: int) -> dict:
    found = statement_store.import_by_id(uow.conn, statement_id)
    account = found and registry.account_by_id(uow.conn, found["collection_account_id"])
    if found is None or found["report"] is None or not actor.may_see(account["court"]):
        raise NotFound("statement not found")
    return {**found, "court": account["court"]}
