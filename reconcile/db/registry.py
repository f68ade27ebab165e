"""Reading and writing courts, collection accounts, cases, parties and their accounts.

The case reads are built once, with bind parameters: composing a statement costs more
than running it, and the API reads a case on almost every request.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.account_numbers import normalise_account_number
from reconcile.cases import NewCase, PartySpec
from reconcile.clock import utc_now
from reconcile.db import deadline_marks
from reconcile.db.tables import (
    cases,
    collection_accounts,
    courts,
    ledger_accounts,
    parties,
    party_accounts,
)
from reconcile.ledger import BUCKETS, Balance

ca = collection_accounts.c
cs = cases.c
la = ledger_accounts.c
pa = party_accounts.c


class AlreadyExists(Exception):
    """A row with the same unique key exists (or a concurrent transaction just wrote it)."""


def insert_court(conn: Connection, code: str, name: str) -> int:
    result = conn.execute(insert(courts).values(code=code, name=name, created_at=utc_now()))
    return result.inserted_primary_key[0]


def court_by_code(conn: Connection, code: str) -> dict | None:
    row = conn.execute(select(courts).where(courts.c.code == code)).one_or_none()
    return dict(row._mapping) if row else None


def court_ids(conn: Connection, codes: list[str]) -> dict[str, int]:
    rows = conn.execute(select(courts.c.code, courts.c.id).where(courts.c.code.in_(codes)))
    return {r.code: r.id for r in rows}


def insert_collection_account(conn: Connection, **values) -> int:
    try:
        result = conn.execute(insert(collection_accounts).values(created_at=utc_now(), **values))
    except IntegrityError as e:
        raise AlreadyExists(values.get("account_number")) from e
    return result.inserted_primary_key[0]


def account_by_number(conn: Connection, number: str) -> dict | None:
    return _account_where(conn, ca.account_number == number)


def account_by_id(conn: Connection, account_id: int) -> dict | None:
    return _account_where(conn, ca.id == account_id)


def _account_where(conn: Connection, condition) -> dict | None:
    row = conn.execute(
        select(collection_accounts, courts.c.code.label("court"))
        .join(courts, courts.c.id == ca.court_id)
        .where(condition)
    ).one_or_none()
    return dict(row._mapping) if row else None


def accounts_of_court(conn: Connection, court_id: int) -> list[dict]:
    rows = conn.execute(select(collection_accounts).where(ca.court_id == court_id).order_by(ca.id))
    return [dict(r._mapping) for r in rows]


def accounts_of_courts(conn: Connection, court_codes: list[str] | None) -> list[dict]:
    """Collection accounts (with their court's code) of these courts; of all when None."""
    query = select(collection_accounts, courts.c.code.label("court")).join(
        courts, courts.c.id == ca.court_id
    )
    if court_codes is not None:
        query = query.where(courts.c.code.in_(court_codes))
    return [dict(r._mapping) for r in conn.execute(query.order_by(ca.id))]


def take_next_sequence(conn: Connection, account_id: int) -> int:
    """Reserve the next sub-account sequence; the row lock makes it unique across writers."""
    return conn.execute(
        update(collection_accounts)
        .where(ca.id == account_id)
        .values(last_sequence=ca.last_sequence + 1)
        .returning(ca.last_sequence)
    ).scalar_one()


def insert_case(conn: Connection, spec: NewCase, **values) -> int:
    now = utc_now()
    try:
        case_id = conn.execute(insert(cases).values(created_at=now, **values))
    except IntegrityError as e:
        raise AlreadyExists(values.get("case_number")) from e
    case_id = case_id.inserted_primary_key[0]
    deadline_marks.case_registered(conn, case_id)
    for party in spec.applicants:
        _insert_party(conn, case_id, "applicant", "payee", party)
    for party in spec.respondents:
        _insert_party(conn, case_id, "respondent", "known", party)
    return case_id


def _insert_party(conn: Connection, case_id: int, role: str, kind: str, party: PartySpec) -> None:
    party_id = conn.execute(
        insert(parties).values(
            case_id=case_id,
            role=role,
            name=party.name.strip(),
            id_number=party.id_number,
            amount_due=party.amount_due,
            claim_order=party.order,
        )
    ).inserted_primary_key[0]
    now = utc_now()
    for account in party.accounts:
        conn.execute(
            insert(party_accounts).values(
                party_id=party_id,
                case_id=case_id,
                kind=kind,
                added_at=now,
                account_number=normalise_account_number(account.account_number),
                account_name=account.account_name,
                bank_name=account.bank_name,
            )
        )


#: a case with its court's code, its collection account's number, and its ledger: the
#: ledger account's id and balance (opened with the case, in the same transaction)
_CASE = (
    select(
        cases,
        courts.c.code.label("court"),
        ca.account_number.label("collection_account"),
        la.id.label("ledger_account_id"),
        *[la[b] for b in BUCKETS],
    )
    .join(courts, courts.c.id == cs.court_id)
    .join(collection_accounts, ca.id == cs.collection_account_id)
    .outerjoin(ledger_accounts, la.case_id == cs.id)
)
_CASE_BY_ID = _CASE.where(cs.id == bindparam("case_id"))
_CASE_BY_NUMBER = _CASE.where(cs.case_number == bindparam("case_number"))
_CASE_BY_SUB_ACCOUNT = _CASE.where(
    cs.collection_account_id == bindparam("account_id"),
    cs.sub_account_number == bindparam("sub_account"),
)


def case_by_id(conn: Connection, case_id: int) -> dict | None:
    """Return the case with its ledger (`ledger_account_id`, `balance`), or None."""
    return _case_row(conn.execute(_CASE_BY_ID, {"case_id": case_id}).one_or_none())


def case_by_number(conn: Connection, canonical: str) -> dict | None:
    return _case_row(conn.execute(_CASE_BY_NUMBER, {"case_number": canonical}).one_or_none())


def case_by_sub_account(conn: Connection, account_id: int, sub_account: str) -> dict | None:
    params = {"account_id": account_id, "sub_account": sub_account}
    return _case_row(conn.execute(_CASE_BY_SUB_ACCOUNT, params).one_or_none())


def _case_row(row) -> dict | None:
    if row is None:
        return None
    case = dict(row._mapping)
    buckets = {b: case.pop(b) for b in BUCKETS}
    case["balance"] = Balance(**buckets) if case["ledger_account_id"] is not None else None
    return case


def set_case_status(
    conn: Connection, case_id: int, status: str, *, closure_type: str | None = None
) -> None:
    closed_at = utc_now() if status == "closed" else None
    conn.execute(
        update(cases)
        .where(cs.id == case_id)
        .values(status=status, closed_at=closed_at, closure_type=closure_type)
    )
    deadline_marks.cases_changed(conn, [case_id])


_PARTIES_OF_CASE = (
    select(
        parties,
        pa.account_number,
        pa.account_name,
        pa.bank_name,
        pa.kind,
        pa.id.label("account_id"),
    )
    .outerjoin(party_accounts, pa.party_id == parties.c.id)
    .where(parties.c.case_id == bindparam("case_id"))
    .order_by(parties.c.id, pa.id)
)


def parties_of(conn: Connection, case_id: int) -> list[dict]:
    """Return the case's parties, each with its accounts, in filing order (one query)."""
    rows = conn.execute(_PARTIES_OF_CASE, {"case_id": case_id})
    found: dict[int, dict] = {}
    for row in rows:
        party = found.setdefault(
            row.id, {**{c.name: row._mapping[c.name] for c in parties.c}, "accounts": []}
        )
        if row.account_id is not None:
            party["accounts"].append(
                {
                    "account_number": row.account_number,
                    "account_name": row.account_name,
                    "bank_name": row.bank_name,
                    "kind": row.kind,
                }
            )
    return list(found.values())
