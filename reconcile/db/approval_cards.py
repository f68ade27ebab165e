"""What the approvals queue's cards show beside each request, read for a page of cards at
once: their cases with balance, holds, the accounts their payments may lawfully go to,
and the orphan credits their refunds return (one query each, however many cards).

The parties are case_search_store.parties_of_cases; the rules of the lawful accounts are
reconcile/services/destinations.py's, read here for many cases as disbursement_store
reads them for one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, or_, select

from reconcile.db.tables import cases, collection_accounts, courts, ledger_accounts, parties
from reconcile.db.tables import party_accounts as party_accounts_table
from reconcile.db.tables_payments import holds
from reconcile.db.tables_statements import statement_lines
from reconcile.ledger import BUCKETS, Balance

cs = cases.c
ca = collection_accounts.c
la = ledger_accounts.c
pa = party_accounts_table.c


def cases_of(conn: Connection, case_ids: Sequence[int]) -> dict[int, dict]:
    """Return each case (of those that exist) with its court's code and id and its
    ledger's balance (None: no ledger)."""
    if not case_ids:
        return {}
    rows = conn.execute(
        select(
            cs.id,
            cs.case_number,
            cs.court_id,
            courts.c.code.label("court"),
            la.id.label("ledger_account_id"),
            *[la[b] for b in BUCKETS],
        )
        .join(courts, courts.c.id == cs.court_id)
        .outerjoin(ledger_accounts, la.case_id == cs.id)
        .where(cs.id.in_(sorted(set(case_ids))))
    )
    found = {}
    for row in rows:
        case = dict(row._mapping)
        buckets = {b: case.pop(b) for b in BUCKETS}
        case["balance"] = Balance(**buckets) if case["ledger_account_id"] is not None else None
        found[case["id"]] = case
    return found


def holds_of_cases(conn: Connection, case_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Return each case's holds with its court's code, oldest first."""
    found: dict[int, list[dict]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = conn.execute(
        select(holds, courts.c.code.label("court"))
        .join(cases, cs.id == holds.c.case_id)
        .join(courts, courts.c.id == cs.court_id)
        .where(holds.c.case_id.in_(sorted(set(case_ids))))
        .order_by(holds.c.id)
    )
    for row in rows:
        found[row.case_id].append(dict(row._mapping))
    return found


def named_accounts_of_cases(conn: Connection, case_ids: Sequence[int]) -> dict[int, dict]:
    """Return per case the payee accounts it names, each with its applicant (the first
    named: disbursement_store.payee_parties), and its respondents' known accounts, each
    with the respondent's name (disbursement_store.respondent_accounts)."""
    found = {case_id: {"payee": {}, "respondent": {}} for case_id in case_ids}
    if not case_ids:
        return found
    rows = conn.execute(
        select(pa.case_id, pa.account_number, pa.kind, pa.party_id, parties.c.name)
        .join(parties, parties.c.id == pa.party_id)
        .where(
            pa.case_id.in_(sorted(set(case_ids))),
            or_(pa.kind == "payee", and_(pa.kind == "known", parties.c.role == "respondent")),
        )
        .order_by(pa.id)
    )
    for row in rows:
        if row.kind == "payee":
            found[row.case_id]["payee"].setdefault(row.account_number, row.party_id)
        else:
            found[row.case_id]["respondent"][row.account_number] = row.name
    return found


def collection_accounts_of_courts(conn: Connection) -> list[dict]:
    """Return every registered collection account with its court (id and code) and the
    court's own accounts it lists (its fee accounts): a few rows, a court or two each."""
    rows = conn.execute(
        select(ca.court_id, ca.account_number, ca.court_accounts, courts.c.code.label("court"))
        .join(courts, courts.c.id == ca.court_id)
        .order_by(courts.c.code, ca.id)
    )
    return [dict(r._mapping) for r in rows]


def lines_of(conn: Connection, line_ids: Sequence[int]) -> dict[int, dict]:
    """Return each statement line (of those that exist) with its court's code."""
    if not line_ids:
        return {}
    rows = conn.execute(
        select(statement_lines, courts.c.code.label("court"))
        .join(collection_accounts, ca.id == statement_lines.c.collection_account_id)
        .join(courts, courts.c.id == ca.court_id)
        .where(statement_lines.c.id.in_(sorted(set(line_ids))))
    )
    return {row.id: dict(row._mapping) for row in rows}
