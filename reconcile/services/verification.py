"""Checking the books against themselves: `reconcile ledger verify` and `audit verify`."""

from __future__ import annotations

from reconcile.audit import ChainBreak
from reconcile.db import audit_log, daily_totals, disbursement_counts, ledger_store
from reconcile.db.handles import Engine
from reconcile.db.uow import UnitOfWork


def ledger_breaks(engine: Engine) -> list[dict]:
    """Return every ledger balance that differs from the sum of its entries."""
    with UnitOfWork(engine, read_only=True) as uow:
        return ledger_store.projection_breaks(uow.conn)


def daily_total_breaks(engine: Engine) -> list[dict]:
    """Return every account's day whose kept daily totals differ from its lines and entries."""
    # not read-only: on PostgreSQL the lines, the entries and the totals are one snapshot
    with UnitOfWork(engine) as uow:
        daily_totals.one_snapshot(uow.conn)
        return daily_totals.breaks(uow.conn)


def disbursement_count_breaks(engine: Engine) -> list[dict]:
    """Return every court's kept count or sum of a status and kind of disbursements that
    differs from a recount of them (the tabs and the 合计 of 付款记录 read those)."""
    with UnitOfWork(engine) as uow:  # one snapshot of the counts and the disbursements
        daily_totals.one_snapshot(uow.conn)
        return disbursement_counts.breaks(uow.conn)


def audit_trail_break(engine: Engine) -> ChainBreak | None:
    """Return the first broken, edited or missing audit record; None if the chain holds."""
    # not read-only: on PostgreSQL the head and the records are read in one transaction
    with UnitOfWork(engine) as uow:
        return audit_log.verify(uow.conn)
