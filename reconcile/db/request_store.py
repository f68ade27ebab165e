"""Reading and writing requests that are approved in layers, and what a payee change names.

A `RequestStore` is one kind of request (disbursements, deferrals, payee changes): its
rows come with the court code and case number they are checked and shown with, and they
move only by `advance`, the guarded update of approval_store.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Select, Table, insert, select, update

from reconcile.db import approval_store, deadline_marks
from reconcile.db.tables import cases, collection_accounts, courts, parties, party_accounts
from reconcile.db.tables_payments import deferrals, payee_account_changes
from reconcile.db.tables_statements import statement_imports, statement_voids


def _of_case(table: Table) -> Select:
    return (
        select(table, courts.c.code.label("court"), cases.c.case_number)
        .join(cases, cases.c.id == table.c.case_id)
        .join(courts, courts.c.id == cases.c.court_id)
    )


class RequestStore:
    """The rows of one kind of request."""

    def __init__(self, table: Table, query: Callable[[], Select] | None = None) -> None:
        self.table = table
        self.query = query or (lambda: _of_case(table))

    def insert(self, conn: Connection, **values) -> int:
        """Insert a request as requested; return its id."""
        result = conn.execute(insert(self.table).values(status="requested", **values))
        deadline_marks.request_changed(conn, self.table, result.inserted_primary_key[0])
        return result.inserted_primary_key[0]

    def by_id(self, conn: Connection, row_id: int, *, lock: bool = False) -> dict | None:
        """Return a request with its court code; `lock` locks its row (PostgreSQL)."""
        query = self.query().where(self.table.c.id == row_id)
        if lock:
            query = query.with_for_update(of=self.table)
        row = conn.execute(query).one_or_none()
        return dict(row._mapping) if row else None

    def by_ids(self, conn: Connection, row_ids: list[int]) -> dict[int, dict]:
        """Return the requests of these ids that exist, by id, each as `by_id` does."""
        query = self.query().where(self.table.c.id.in_(row_ids))
        rows = [dict(r._mapping) for r in conn.execute(query)] if row_ids else []
        return {row["id"]: row for row in rows}

    def of_case(self, conn: Connection, case_id: int) -> list[dict]:
        """Return a case's requests, oldest first."""
        query = self.query().where(self.table.c.case_id == case_id).order_by(self.table.c.id)
        return [dict(r._mapping) for r in conn.execute(query)]

    def advance(self, conn: Connection, row: dict, **values) -> None:
        """Update a request only if it is still as it was read; otherwise raise Conflict."""
        approval_store.advance(conn, self.table, row, **values)

    def set_values(self, conn: Connection, row_id: int, **values) -> None:
        conn.execute(update(self.table).where(self.table.c.id == row_id).values(**values))
        deadline_marks.request_changed(conn, self.table, row_id)


def _of_statement() -> Select:
    """A statement void with its court, and the import it would take back."""
    si = statement_imports.c
    return (
        select(
            statement_voids,
            courts.c.code.label("court"),
            si.filename,
            si.imported_by,
            si.imported_at,
            si.voided_at,
            si.report,
            collection_accounts.c.account_number.label("account"),
        )
        .join(statement_imports, si.id == statement_voids.c.statement_id)
        .join(collection_accounts, collection_accounts.c.id == si.collection_account_id)
        .join(courts, courts.c.id == collection_accounts.c.court_id)
    )


DEFERRALS = RequestStore(deferrals)
PAYEE_CHANGES = RequestStore(payee_account_changes)
STATEMENT_VOIDS = RequestStore(statement_voids, _of_statement)


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
            agent_name=change.get("agent_name"),
            authorisation_document=change.get("authorisation_document"),
            added_at=at,
        )
    )
    return result.inserted_primary_key[0]
