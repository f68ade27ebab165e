"""Reading and writing disbursements; the queries the statement matching calls.

`approved_awaiting_payment`, `settle_by_debit` (in reconcile/services/payments.py)
and `payee_accounts_of_court` are the interface of the import and matching code: they
run inside its open unit of work and never commit.
"""

from __future__ import annotations

from sqlalchemy import Connection, case, func, insert, select
from sqlalchemy.exc import IntegrityError

from reconcile.db import deadline_marks, disbursement_counts
from reconcile.db.request_store import RequestStore
from reconcile.db.tables import (
    cases,
    collection_accounts,
    courts,
    ledger_accounts,
    parties,
    party_accounts,
)
from reconcile.db.tables_payments import deferrals, disbursements, payment_batch_items
from reconcile.errors import Conflict
from reconcile.ledger import BUCKETS, Balance

dc = disbursements.c
AWAITING_PAYMENT = ("approved", "marked_paid")


def insert_disbursement(conn: Connection, **values) -> dict:
    """Insert a requested disbursement; return its row as stored.

    A returned payment is asked for again once: a second resubmission is a Conflict."""
    try:
        row = conn.execute(
            insert(disbursements).values(status="requested", **values).returning(disbursements)
        ).one()
    except IntegrityError as e:
        if values.get("resubmission_of") is None:
            raise
        raise Conflict("this returned payment has been resubmitted already") from e
    deadline_marks.cases_changed(conn, [row.case_id])
    disbursement_counts.moved(conn, row._mapping, None, row.status)
    return dict(row._mapping)


def _query(*, of_one_case: bool = False):
    batch = payment_batch_items.c
    # `+ 0` for one case's: the court's index in id order (ix_disbursements_court_id) would
    # read every payment of the court for the case's few; ix_disbursements_case_id finds them
    court_id = dc.court_id + 0 if of_one_case else dc.court_id
    return (
        select(
            disbursements,
            courts.c.code.label("court"),
            cases.c.case_number,
            batch.batch_id.label("payment_batch_id"),
        )
        .join(courts, courts.c.id == court_id)
        .outerjoin(cases, cases.c.id == dc.case_id)
        .outerjoin(payment_batch_items, batch.disbursement_id == dc.id)
    )


#: Disbursements as requests approved in layers: a refund has no case, so its court is its own.
DISBURSEMENTS = RequestStore(disbursements, _query)


def disbursement_by_id(conn: Connection, disbursement_id: int) -> dict | None:
    row = conn.execute(_query().where(dc.id == disbursement_id)).one_or_none()
    return dict(row._mapping) if row else None


def list_disbursements(
    conn: Connection,
    *,
    courts_seen: frozenset[str] | None,
    status: str | None = None,
    case_id: int | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict]:
    """Return a page of disbursements, oldest first; `courts_seen` None means every court."""
    query = _query(of_one_case=case_id is not None)
    query = query.where(dc.id > after_id).order_by(dc.id).limit(limit)
    if courts_seen is not None:
        query = query.where(courts.c.code.in_(sorted(courts_seen)))
    if status is not None:
        query = query.where(dc.status == status)
    if case_id is not None:
        query = query.where(dc.case_id == case_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def named_payees(conn: Connection, case_id: int) -> set[str]:
    """Return the payee accounts the case's court documents name (its applicants')."""
    pa = party_accounts.c
    rows = conn.execute(select(pa.account_number).where(pa.case_id == case_id, pa.kind == "payee"))
    return {r.account_number for r in rows}


def payee_accounts_of_court(conn: Connection, court_id: int) -> set[str]:
    """Return every payee account any court document of the court names (all its cases)."""
    pa = party_accounts.c
    rows = conn.execute(
        select(pa.account_number)
        .join(cases, cases.c.id == pa.case_id)
        .where(cases.c.court_id == court_id, pa.kind == "payee")
        .distinct()
    )
    return {r.account_number for r in rows}


def approved_awaiting_payment(conn: Connection, collection_account_id: int) -> list[dict]:
    """Return the disbursements a statement debit of this collection account may settle."""
    rows = conn.execute(
        select(
            dc.id,
            dc.kind,
            dc.case_id,
            dc.ledger_account_id,
            dc.amount,
            dc.payee_account_number,
            dc.bank_reference,
            dc.status,
            dc.paid_on,
        )
        .where(dc.collection_account_id == collection_account_id)
        .where(dc.status.in_(AWAITING_PAYMENT))
        .order_by(dc.id)
    )
    return [dict(r._mapping) for r in rows]


def notices_of_case(conn: Connection, case_id: int) -> list[dict]:
    """Return the case's payment notices that were not rejected or returned, oldest first."""
    rows = conn.execute(
        select(dc.id, dc.amount, dc.requested_at, dc.paid_on)
        .where(dc.case_id == case_id, dc.status.not_in(("rejected", "returned")))
        .order_by(dc.id)
    )
    return [dict(r._mapping) for r in rows]


def locked(conn: Connection, disbursement_id: int) -> dict | None:
    """Return a disbursement with its court code, locked until the transaction ends."""
    query = _query().where(dc.id == disbursement_id).with_for_update(of=disbursements)
    row = conn.execute(query).one_or_none()
    return dict(row._mapping) if row else None


def locked_balance(conn: Connection, ledger_account_id: int) -> Balance:
    """Return a ledger's balance, locking its row against concurrent postings."""
    la = ledger_accounts.c
    row = conn.execute(
        select(*[la[b] for b in BUCKETS]).where(la.id == ledger_account_id).with_for_update()
    ).one()
    return Balance(**row._mapping)


# ---- what a case's disbursement of each kind may go to, and what its applicants got ----

#: a payment whose money has left for its applicant (marked paid or confirmed)
PAID_OUT = ("marked_paid", "paid")
#: a payment whose money is reserved for its applicant, not paid yet
RESERVING = ("requested", "in_review", "approved")


def payee_parties(conn: Connection, case_id: int) -> dict[str, int]:
    """Return each payee account the case names with its applicant (the first named)."""
    pa = party_accounts.c
    rows = conn.execute(
        select(pa.account_number, pa.party_id)
        .where(pa.case_id == case_id, pa.kind == "payee")
        .order_by(pa.id)
    )
    found: dict[str, int] = {}
    for row in rows:
        found.setdefault(row.account_number, row.party_id)
    return found


def respondent_accounts(conn: Connection, case_id: int) -> dict[str, str]:
    """Return the respondents' known accounts on the case, with the respondent's name."""
    pa = party_accounts.c
    rows = conn.execute(
        select(pa.account_number, parties.c.name)
        .join(parties, parties.c.id == pa.party_id)
        .where(pa.case_id == case_id, pa.kind == "known", parties.c.role == "respondent")
        .order_by(pa.id)
    )
    return {row.account_number: row.name for row in rows}


def fee_accounts(conn: Connection, court_id: int) -> set[str]:
    """Return the court's registered own accounts (fees): its collection accounts' list."""
    rows = conn.execute(
        select(collection_accounts.c.court_accounts).where(
            collection_accounts.c.court_id == court_id
        )
    )
    return {number for row in rows for number in row.court_accounts or ()}


def other_courts_accounts(conn: Connection, court_id: int) -> dict[str, str]:
    """Return the collection accounts of every other registered court, with its code."""
    ca = collection_accounts.c
    rows = conn.execute(
        select(ca.account_number, courts.c.code)
        .join(courts, courts.c.id == ca.court_id)
        .where(ca.court_id != court_id)
        .order_by(courts.c.code, ca.id)
    )
    return {row.account_number: row.code for row in rows}


def approved_escrows(conn: Connection, case_id: int) -> int:
    """Return how many escrow deferrals (提存) are approved on the case."""
    d = deferrals.c
    return conn.execute(
        select(func.count())
        .select_from(deferrals)
        .where(d.case_id == case_id, d.kind == "escrow", d.status == "approved")
    ).scalar_one()


def payouts_by_party(conn: Connection, case_id: int) -> dict[int, tuple[int, int]]:
    """Return (paid, reserved) fen of the case's payments, by applicant (party id)."""
    return payouts_of_cases(conn, [case_id]).get(case_id, {})


def payouts_of_cases(
    conn: Connection, case_ids: list[int]
) -> dict[int, dict[int, tuple[int, int]]]:
    """Return per case (paid, reserved) fen of its payments, by applicant (party id)."""
    if not case_ids:
        return {}
    paid = func.sum(case((dc.status.in_(PAID_OUT), dc.amount), else_=0))
    reserved = func.sum(case((dc.status.in_(RESERVING), dc.amount), else_=0))
    rows = conn.execute(
        select(dc.case_id, dc.party_id, paid.label("paid"), reserved.label("reserved"))
        .where(dc.case_id.in_(case_ids), dc.kind == "payment", dc.party_id.is_not(None))
        .group_by(dc.case_id, dc.party_id)
    )
    found: dict[int, dict[int, tuple[int, int]]] = {}
    for row in rows:
        found.setdefault(row.case_id, {})[row.party_id] = (
            int(row.paid or 0),
            int(row.reserved or 0),
        )
    return found


def fees_paid(conn: Connection, case_id: int) -> int:
    """Return the fen of the case's fee payments that left (marked paid or confirmed)."""
    return fees_paid_of_cases(conn, [case_id]).get(case_id, 0)


def fees_paid_of_cases(conn: Connection, case_ids: list[int]) -> dict[int, int]:
    """Return per case the fen of its fee payments that left (marked paid or confirmed)."""
    if not case_ids:
        return {}
    rows = conn.execute(
        select(dc.case_id, func.sum(dc.amount))
        .where(dc.case_id.in_(case_ids), dc.kind == "fee", dc.status.in_(PAID_OUT))
        .group_by(dc.case_id)
    )
    return {case_id: int(total) for case_id, total in rows}
