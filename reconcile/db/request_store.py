"""Reading and writing the requests of deferrals and payee-account changes."""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select, update

from reconcile.db.tables import cases, courts, parties, party_accounts
from reconcile.db.tables_payments import deferrals


def insert_request(conn: Connection, table: Table, **values) -> int:
    result = conn.execute(insert(table).values(status="requested", **values))
    return result.inserted_primary_key[0]


def _query(table: Table):
    return (
        select(table, courts.c.code.label("court"), cases.c.case_number)
        .join(cases, cases.c.id == table.c.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
    )


def request_by_id(conn: Connection, table: Table, row_id: int, *, lock: bool = False):
    """Return a deferral or change request with its court code; `lock` locks its row."""
    query = _query(table).where(table.c.id == row_id)
    if lock:
        query = query.with_for_update(of=table)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def requests_of_case(conn: Connection, table: Table, case_id: int) -> list[dict]:
    rows = conn.execute(_query(table).where(table.c.case_id == case_id).order_by(table.c.id))
    return [dict(r._mapping) for r in rows]


def pauses_of_case(conn: Connection, case_id: int) -> list[dict]:
    """Return the approved or ended deferrals of a case: what pauses its clock."""
    dc = deferrals.c
    rows = conn.execute(
        select(dc.id, dc.approved_on, dc.ended_on, dc.until)
        .where(dc.case_id == case_id, dc.status.in_(("approved", "ended")))
        .order_by(dc.id)
    )
    return [dict(r._mapping) for r in rows]


def applicants_of(conn: Connection, case_id: int) -> dict[str, int]:
    """Return the case's applicants: name -> party id."""
    rows = conn.execute(
        select(parties.c.name, parties.c.id).where(
            parties.c.case_id == case_id, parties.c.role == "applicant"
        )
    )
    return {r.name: r.id for r in rows}


def add_payee_account(conn: Connection, change: dict, party_id: int, at) -> int:
    """Name a new payee account on the case, with the document that names it."""
    result = conn.execute(
        insert(party_accounts).values(
            party_id=party_id,
            case_id=change["case_id"],
            kind="payee",
            account_number=change["account_number"],
            account_name=change["account_name"],
            bank_name=change["bank_name"],
            document_reference=change["document_reference"],
            added_at=at,
        )
    )
    return result.inserted_primary_key[0]


def set_values(conn: Connection, table: Table, row_id: int, **values) -> None:
    conn.execute(update(table).where(table.c.id == row_id).values(**values))
