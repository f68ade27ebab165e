"""Reading what a closed case was sent: an import's credits placed on closed cases."""

from __future__ import annotations

from sqlalchemy import Connection, select

from reconcile.db.tables import cases
from reconcile.db.tables_statements import statement_lines
from reconcile.statement_lines import LineStatus

sl, c = statement_lines.c, cases.c


def credits_on_closed_cases(conn: Connection, import_id: int) -> list[dict]:
    """Return the import's credits matched to closed cases, each with its case."""
    rows = conn.execute(
        select(
            sl.id,
            sl.amount,
            sl.booked_on,
            sl.counterparty_name,
            sl.match_rule,
            c.id.label("case_id"),
            c.case_number,
            c.closure_type,
        )
        .join(cases, c.id == sl.case_id)
        .where(
            sl.statement_id == import_id,
            sl.status == LineStatus.MATCHED.value,
            sl.direction == "credit",
            c.status == "closed",
        )
        .order_by(sl.id)
    )
    return [dict(row._mapping) for row in rows]
