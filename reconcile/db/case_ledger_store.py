"""A case's ledger as people read it: each entry with the bank line or payment behind it.

Read only; the entries are written by ledger_store. Pages are by entry id on the
ledger's (ledger_account_id, id) index; the balance before a page is one sum over the
same index range.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_payments import disbursements
from reconcile.db.tables_statements import statement_lines
from reconcile.ledger import BUCKETS

le = ledger_entries.c
line = statement_lines.c
d = disbursements.c


def entries_with_sources(
    conn: Connection, ledger_account_id: int, *, after_id: int, limit: int
) -> list[dict]:
    """Return a page of entries, oldest first, each with its statement line or payment."""
    query = (
        select(
            ledger_entries,
            line.booked_on,
            line.value_date,
            line.direction,
            line.counterparty_name,
            line.counterparty_account,
            line.bank_reference.label("line_reference"),
            line.statement_id,
            d.payee_account_number,
            d.payee_account_name,
            d.bank_reference.label("payment_reference"),
            d.paid_on,
        )
        .outerjoin(statement_lines, line.id == le.transaction_id)
        .outerjoin(disbursements, d.id == le.disbursement_id)
        .where(le.ledger_account_id == ledger_account_id, le.id > after_id)
        .order_by(le.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def bucket_sums_through(conn: Connection, ledger_account_id: int, last_id: int) -> dict[str, int]:
    """Return each bucket's sum over the entries up to and including `last_id`."""
    sums = dict.fromkeys(BUCKETS, 0)
    if last_id <= 0:
        return sums
    rows = conn.execute(
        select(le.bucket, func.sum(le.amount))
        .where(le.ledger_account_id == ledger_account_id, le.id <= last_id)
        .group_by(le.bucket)
    )
    for bucket, total in rows:
        sums[bucket] = int(total)
    return sums
