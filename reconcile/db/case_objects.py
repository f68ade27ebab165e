"""The objects whose audit records make up a case's trail: the case itself, its holds,
disbursements, deferrals, payee-account changes, alerts, and the statement lines whose
money was posted to (or taken off) its ledger."""

from __future__ import annotations

from sqlalchemy import Connection, select

from reconcile.db.tables import ledger_accounts, ledger_entries
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_payments import deferrals, disbursements, holds, payee_account_changes

#: audit entity type -> the table whose rows of the case it names
_BY_CASE_ID = {
    "hold": holds,
    "disbursement": disbursements,
    "deferral": deferrals,
    "payee_change": payee_account_changes,
    "alert": alerts,
}


def audited_objects(conn: Connection, case_id: int) -> dict[str, list[str]]:
    """Return the audit entity ids (as the trail stores them) of everything of the case."""
    found = {"case": [str(case_id)]}
    for kind, table in _BY_CASE_ID.items():
        ids = conn.execute(select(table.c.id).where(table.c.case_id == case_id)).scalars()
        found[kind] = [str(i) for i in ids]
    lines = conn.execute(
        select(ledger_entries.c.transaction_id)
        .distinct()
        .join(ledger_accounts, ledger_accounts.c.id == ledger_entries.c.ledger_account_id)
        .where(ledger_accounts.c.case_id == case_id, ledger_entries.c.transaction_id.is_not(None))
    ).scalars()
    found["transaction"] = [str(i) for i in lines]
    return found
