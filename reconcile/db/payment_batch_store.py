"""Payment batches (付款文件): which payments a file holds, and the file's bytes as issued.

A payment is in one batch at most: payment_batch_items' unique disbursement_id refuses a
second, so two exports at once can never both take it.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.db.tables import cases, collection_accounts, courts, party_accounts
from reconcile.db.tables_payments import disbursements, payment_batch_items, payment_batches
from reconcile.errors import Conflict

d, pb, pbi = disbursements.c, payment_batches.c, payment_batch_items.c
FILE_COLUMNS = {"csv": pb.csv, "xlsx": pb.xlsx, "pain.001": pb.pain001}


def exportable(conn: Connection, court_id: int) -> list[dict]:
    """Return the court's approved payments in no batch yet, oldest first, locked (PostgreSQL).

    With what a payment file says of each: the payee's name and bank as the case's
    documents name the account, and the collection account it leaves from."""
    pa, ca = party_accounts.c, collection_accounts.c
    in_a_batch = select(pbi.disbursement_id)
    query = (
        select(
            d.id,
            d.amount,
            d.payee_account_number,
            cases.c.case_number,
            pa.account_name.label("payee_name"),
            pa.bank_name.label("payee_bank"),
            ca.account_number.label("debtor_account"),
            ca.bank_name.label("debtor_bank"),
            ca.currency,
        )
        .join(cases, cases.c.id == d.case_id)
        .join(collection_accounts, ca.id == d.collection_account_id)
        .outerjoin(
            party_accounts,
            and_(
                pa.case_id == d.case_id,
                pa.kind == "payee",
                pa.account_number == d.payee_account_number,
            ),
        )
        .where(
            d.court_id == court_id,
            d.kind == "payment",
            d.status == "approved",
            d.id.not_in(in_a_batch),
        )
        .order_by(d.id)
        .with_for_update(of=disbursements)
    )
    rows, seen = [], set()
    for row in conn.execute(query):
        if row.id not in seen:  # one line per payment, if its account is named twice
            seen.add(row.id)
            rows.append(dict(row._mapping))
    return rows


def insert_batch(conn: Connection, disbursement_ids: list[int], **values) -> int:
    """Store a batch and its payments; Conflict if another batch took one of them."""
    try:
        with conn.begin_nested():
            batch_id = conn.execute(
                insert(payment_batches).values(csv=b"", xlsx=b"", pain001=b"", digests={}, **values)
            ).inserted_primary_key[0]
            conn.execute(
                insert(payment_batch_items),
                [
                    {"batch_id": batch_id, "disbursement_id": i, "line": n}
                    for n, i in enumerate(disbursement_ids, 1)
                ],
            )
    except IntegrityError as e:
        raise Conflict("another payment file took these payments meanwhile; reload") from e
    return batch_id


def store_files(conn: Connection, batch_id: int, files: dict[str, bytes], digests: dict) -> None:
    """Keep the files of a batch as first rendered."""
    values = {column.key: files[name] for name, column in FILE_COLUMNS.items()}
    conn.execute(update(payment_batches).where(pb.id == batch_id).values(digests=digests, **values))


def _summary():
    return select(
        pb.id,
        courts.c.code.label("court"),
        pb.created_by,
        pb.created_at,
        pb.payment_count,
        pb.total,
        pb.digests,
    ).join(courts, courts.c.id == pb.court_id)


def batch_by_id(conn: Connection, batch_id: int) -> dict | None:
    """Return a batch (without its files) with its court code, or None."""
    row = conn.execute(_summary().where(pb.id == batch_id)).one_or_none()
    return dict(row._mapping) if row else None


def file_of(conn: Connection, batch_id: int, format_name: str) -> bytes:
    """Return a batch's file in one format, as issued."""
    column = FILE_COLUMNS[format_name]
    return conn.execute(select(column).where(pb.id == batch_id)).scalar_one()


def list_batches(
    conn: Connection, *, courts_seen: frozenset[str] | None, after_id: int = 0, limit: int = 50
) -> list[dict]:
    """Return a page of batches, oldest first; `courts_seen` None means every court."""
    query = _summary().where(pb.id > after_id).order_by(pb.id).limit(limit)
    if courts_seen is not None:
        query = query.where(courts.c.code.in_(sorted(courts_seen)))
    return [dict(r._mapping) for r in conn.execute(query)]


def payments_of(conn: Connection, batch_id: int) -> list[dict]:
    """Return the payments of a batch, in file order, with their status now."""
    rows = conn.execute(
        select(
            pbi.line,
            d.id.label("disbursement_id"),
            d.amount,
            d.payee_account_number,
            d.status,
            cases.c.case_number,
        )
        .join(disbursements, d.id == pbi.disbursement_id)
        .outerjoin(cases, cases.c.id == d.case_id)
        .where(pbi.batch_id == batch_id)
        .order_by(pbi.line)
    )
    return [dict(r._mapping) for r in rows]


def batch_of_payment(conn: Connection, disbursement_id: int) -> int | None:
    """Return the batch holding a payment, or None."""
    return conn.execute(
        select(func.min(pbi.batch_id)).where(pbi.disbursement_id == disbursement_id)
    ).scalar_one()
