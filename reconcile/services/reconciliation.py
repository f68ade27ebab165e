"""Reconciling a collection account: on request (the report) and daily (the scheduler)."""

from __future__ import annotations

from datetime import date, timedelta

from reconcile.actors import SYSTEM, Actor
from reconcile.clock import local_today
from reconcile.db import alert_store, reconciliation_store, registry
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.reconciliation import Reconciliation
from reconcile.services.access import require

#: how far back the daily run looks for days it has not reconciled
LOOKBACK_DAYS = 7


def reconciliation_report(uow: UnitOfWork, actor: Actor, account_number: str, day: date) -> dict:
    """Return the bank against the books for one account at the end of `day`."""
    require(actor, Verb.READ_RECONCILIATION)
    with uow:
        account = registry.account_by_number(uow.conn, account_number)
        if account is None or not actor.may_see(account["court"]):
            raise NotFound("collection account not found")
        return _view(account, day, reconcile_day(uow.conn, account["id"], day))


def reconcile_day(conn, account_id: int, day: date) -> Reconciliation:
    figures = reconciliation_store.books(conn, account_id, day)
    listed, explained = reconciliation_store.explanations(conn, account_id, day)
    return Reconciliation(
        bank_balance=reconciliation_store.bank_balance(conn, account_id, day),
        cases_on_account=figures["case"],
        orphans=figures["suspense"],
        approved_unpaid=figures["approved_unpaid"],
        explanations=listed,
        explained=explained,
        non_case=reconciliation_store.non_case_net(conn, account_id, day),
    )


def run_daily_reconciliation(engine: Engine, settings: dict, as_of: date | None = None) -> int:
    """Reconcile every account for each recent day with statement lines; alert mismatches.

    Returns how many new balance_mismatch alerts were raised. Safe to run on several
    instances at once: an alert is raised once per account and day.
    """
    until = as_of or local_today() - timedelta(days=1)
    raised = 0
    with UnitOfWork(engine, read_only=True) as uow:
        account_ids = reconciliation_store.collection_account_ids(uow.conn)
    for account_id in account_ids:
        raised += _reconcile_account(engine, account_id, until)
    return raised


def _reconcile_account(engine: Engine, account_id: int, until: date) -> int:
    raised = 0
    with UnitOfWork(engine) as uow:
        account = registry.account_by_id(uow.conn, account_id)
        since = until - timedelta(days=LOOKBACK_DAYS)
        for day in reconciliation_store.statement_days(uow.conn, account_id, since, until):
            result = reconcile_day(uow.conn, account_id, day)
            if result.status == "mismatch":
                raised += _alert(uow, account, day, result) is not None
        uow.commit()
    return raised


def _alert(uow: UnitOfWork, account: dict, day: date, result: Reconciliation) -> int | None:
    view = _view(account, day, result)
    return alert_store.raise_alert(
        uow,
        SYSTEM,
        kind="balance_mismatch",
        court=account["court"],
        subject=f"account:{account['id']}:day:{day.isoformat()}",
        facts={
            k: view[k]
            for k in ("account", "date", "bank_balance", "books", "difference", "unexplained")
        },
    )


def _view(account: dict, day: date, result: Reconciliation) -> dict:
    money = _yuan_or_none
    return {
        "account": account["account_number"],
        "date": day.isoformat(),
        "status": result.status,
        "bank_balance": money(result.bank_balance),
        "cases": format_yuan(result.cases_on_account),
        "orphans": format_yuan(result.orphans),
        "non_case": format_yuan(result.non_case),
        "approved_unpaid": format_yuan(result.approved_unpaid),
        "books": format_yuan(result.books),
        "difference": money(result.difference),
        "unexplained": money(result.unexplained),
        "explained_by": [
            {
                "kind": e.kind,
                "amount": format_yuan(e.amount),
                "transaction_id": e.transaction_id,
                "disbursement_id": e.disbursement_id,
                "note": e.note,
            }
            for e in result.explanations
        ],
        "explained_by_kind": [
            {"kind": e.kind, "count": e.count, "amount": format_yuan(e.amount)}
            for e in result.explained
        ],
    }


def _yuan_or_none(fen: int | None) -> str | None:
    return None if fen is None else format_yuan(fen)
