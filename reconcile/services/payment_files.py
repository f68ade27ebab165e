"""Exporting reviewed payments as a payment file (付款文件), and downloading one again.

`export_payment_file` takes every approved (reviewed) payment of a court that no batch
holds yet into a new batch, renders it in every format and keeps the bytes: a batch is
downloaded again as the same file, and never grows. Payments approved later go into the
next batch. Every export and every download is in the audit trail.
"""

from __future__ import annotations

import hashlib

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db import payment_batch_store, registry
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import reference_of
from reconcile.errors import DomainError, NotFound, ValidationFailed
from reconcile.payment_files import FORMATS, PaymentFile, PaymentLine, render
from reconcile.permissions import Verb
from reconcile.services.access import require


class NoPaymentsToExport(DomainError):
    """Every approved payment of the court is in a payment file already."""

    code = "no_payments_to_export"


def export_payment_file(uow: UnitOfWork, actor: Actor, *, court: str | None = None) -> dict:
    """Put the court's approved payments that no file holds into a new batch; return it."""
    require(actor, Verb.PAY)
    court = _court_of(actor, court)
    with uow:
        court_row = registry.court_by_code(uow.conn, court)
        if court_row is None or not actor.may_see(court):
            raise NotFound("court not found")
        rows = payment_batch_store.exportable(uow.conn, court_row["id"])
        if not rows:
            raise NoPaymentsToExport(
                "no approved payment of this court awaits a payment file: each is in one "
                "already (download it again from the list)",
                court=court,
            )
        now = clock.utc_now()
        batch_id = payment_batch_store.insert_batch(
            uow.conn,
            [r["id"] for r in rows],
            court_id=court_row["id"],
            created_by=actor.name,
            created_by_id=actor.id,
            created_at=now,
            payment_count=len(rows),
            total=sum(r["amount"] for r in rows),
        )
        payment_file = PaymentFile(
            batch_id=batch_id,
            court_name=court_row["name"],
            created_at=clock.as_utc(now).astimezone(clock.COURT_TZ),
            lines=tuple(_line(n, r) for n, r in enumerate(rows, 1)),
        )
        files = render(payment_file)
        digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        payment_batch_store.store_files(uow.conn, batch_id, files, digests)
        view = _view(uow, batch_id)
        uow.audit(
            actor, "payment_file.exported", "payment_batch", batch_id, court=court, after=view
        )
        uow.commit()
    return view


def _court_of(actor: Actor, court: str | None) -> str:
    if court:
        return court
    if not actor.all_courts and len(actor.courts) == 1:
        return next(iter(actor.courts))
    raise ValidationFailed("say which court's payments to export", field="court")


def _line(number: int, row: dict) -> PaymentLine:
    return PaymentLine(
        line=number,
        disbursement_id=row["id"],
        reference=reference_of(row["id"]),
        case_number=row["case_number"],
        payee_name=row["payee_name"],
        payee_account=row["payee_account_number"],
        payee_bank=row["payee_bank"],
        cnaps=None,  # no court document names it yet
        amount=row["amount"],
        debtor_account=row["debtor_account"],
        debtor_bank=row["debtor_bank"],
        currency=row["currency"],
    )


def _view(uow: UnitOfWork, batch_id: int) -> dict:
    batch = payment_batch_store.batch_by_id(uow.conn, batch_id)
    payments = payment_batch_store.payments_of(uow.conn, batch_id)
    for p in payments:
        p["reference"] = reference_of(p["disbursement_id"])
    return {**batch, "payments": payments}


def get_payment_file(uow: UnitOfWork, actor: Actor, batch_id: int) -> dict:
    """Return a batch with its payments (and the status of each now)."""
    require(actor, Verb.PAY)
    with uow:
        _visible(uow, actor, batch_id)
        return _view(uow, batch_id)


def download_payment_file(
    uow: UnitOfWork, actor: Actor, batch_id: int, format_name: str
) -> tuple[dict, bytes]:
    """Return a batch and its file in `format_name`, the same bytes every time; audit it."""
    require(actor, Verb.PAY)
    if format_name not in FORMATS:
        raise ValidationFailed(
            "format is one of {formats}", formats=", ".join(FORMATS), field="format"
        )
    with uow:
        batch = _visible(uow, actor, batch_id)
        data = payment_batch_store.file_of(uow.conn, batch_id, format_name)
        uow.audit(
            actor,
            "payment_file.downloaded",
            "payment_batch",
            batch_id,
            court=batch["court"],
            after={"format": format_name, "sha256": batch["digests"][format_name]},
        )
        uow.commit()
    return batch, data


def list_payment_files(
    uow: UnitOfWork, actor: Actor, *, after_id: int = 0, limit: int = 50
) -> list[dict]:
    """Return a page of the payment files of the actor's courts, oldest first."""
    require(actor, Verb.PAY)
    with uow:
        return payment_batch_store.list_batches(
            uow.conn,
            courts_seen=None if actor.all_courts else actor.courts,
            after_id=after_id,
            limit=limit,
        )


def _visible(uow: UnitOfWork, actor: Actor, batch_id: int) -> dict:
    batch = payment_batch_store.batch_by_id(uow.conn, batch_id)
    if batch is None or not actor.may_see(batch["court"]):
        raise NotFound("payment file not found")
    return batch
