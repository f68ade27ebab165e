"""Loading one collection account's cases into the in-memory index matching runs on."""

from __future__ import annotations

from sqlalchemy import Connection, select

from reconcile.case_index import CaseIndex, CaseRef
from reconcile.db.tables import cases, parties, party_accounts
from reconcile.sub_accounts import CHECK_DIGITS


def load_case_index(conn: Connection, account: dict) -> CaseIndex:
    """Index the account's cases by sub-account, case number and respondents."""
    check_digits = account["sub_account_check_digits"]
    index = CaseIndex(
        sub_account_prefix=account["sub_account_prefix"],
        sub_account_length=len(account["sub_account_prefix"])
        + account["sub_account_width"]
        + (CHECK_DIGITS if check_digits else 0),
        check_digits=check_digits,
    )
    c = cases.c
    for row in conn.execute(
        select(c.id, c.case_number, c.sub_account_number, c.status, c.closure_type)
        .where(c.collection_account_id == account["id"])
        .order_by(c.id)
    ):
        index.add_case(
            CaseRef(
                row.id,
                row.case_number,
                row.sub_account_number,
                row.status == "open",
                None if row.status == "open" else row.closure_type,
            )
        )
    _add_respondents(conn, account["id"], index)
    return index


def _add_respondents(conn: Connection, account_id: int, index: CaseIndex) -> None:
    p, pa = parties.c, party_accounts.c
    rows = conn.execute(
        select(p.case_id, p.name, pa.account_number)
        .join(cases, cases.c.id == p.case_id)
        .outerjoin(party_accounts, pa.party_id == p.id)
        .where(cases.c.collection_account_id == account_id, p.role == "respondent")
    )
    for row in rows:
        index.add_respondent(row.case_id, row.name, row.account_number)
