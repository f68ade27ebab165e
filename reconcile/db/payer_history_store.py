"""What staff taught by hand: the cases they placed each payer account's credits on.

A manual placement (assign, split, bulk assign: tables_parts.transaction_parts) that is
not taken back counts once per credit for the credit's payer account and its case. The
matcher offers a case first for the payer's next orphan once staff put that account's
money on it often enough (reconcile/matching.py, LEARNED_AFTER): a suggestion, never a
placement.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from reconcile.account_numbers import normalise_account_number
from reconcile.db.tables import cases
from reconcile.db.tables_parts import transaction_parts
from reconcile.db.tables_statements import statement_lines

tp, sl = transaction_parts.c, statement_lines.c


def learned(conn: Connection, account_id: int, at_least: int) -> dict[str, list[tuple[str, int]]]:
    """Payer account → [(case number, credits placed there by staff)], most first, for the
    pairs of the collection account with at least `at_least` such credits."""
    times = func.count(func.distinct(tp.transaction_id))
    rows = conn.execute(
        select(sl.counterparty_account, cases.c.case_number, times.label("times"))
        .select_from(transaction_parts)
        .join(statement_lines, sl.id == tp.transaction_id)
        .join(cases, cases.c.id == tp.case_id)
        .where(
            sl.collection_account_id == account_id,
            tp.reversed_at.is_(None),
            sl.counterparty_account.is_not(None),
            sl.counterparty_account != "",
        )
        .group_by(sl.counterparty_account, cases.c.case_number)
        .having(times >= at_least)
    )
    found: dict[str, list[tuple[str, int]]] = {}
    for account, case_number, count in rows:
        key = normalise_account_number(account)
        if key:
            found.setdefault(key, []).append((case_number, int(count)))
    for pairs in found.values():
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
    return found
