"""Registering courts and their collection accounts (执行款专户)."""

from __future__ import annotations

import re

from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.db import ledger_store, registry
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Conflict, NotFound, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require

_COURT_CODE = re.compile(r"^(最高法|[\u4e00-\u9fff]\d{0,4})$")


def add_court(uow: UnitOfWork, actor: Actor, code: str, name: str) -> dict:
    """Register a court by its code, e.g. 京0105."""
    require(actor, Verb.ADMINISTER)
    if not _COURT_CODE.match(code):
        raise ValidationFailed(
            "'{court_code}' is not a court code such as 京0105", court_code=code, field="code"
        )
    with uow:
        if registry.court_by_code(uow.conn, code):
            raise Conflict("court {court} exists already", court=code)
        court_id = registry.insert_court(uow.conn, code, name)
        court = {"id": court_id, "code": code, "name": name}
        uow.audit(actor, "court.added", "court", court_id, court=code, after=court)
        uow.commit()
    return court


def add_collection_account(
    uow: UnitOfWork,
    actor: Actor,
    *,
    court: str,
    number: str,
    bank: str,
    sub_account_prefix: str,
    sub_account_width: int = 8,
    check_digits: bool = True,
    currency: str = "CNY",
    court_accounts: list[str] | None = None,
    account_name: str | None = None,
) -> dict:
    """Register the court's execution-fund account and open its suspense ledger.

    `account_name` is the holder's name as the bank registered it (收款户名); without it the
    notices print the court's name followed by 执行款专户."""
    require(actor, Verb.ADMINISTER)
    if not sub_account_prefix.isdigit():
        raise ValidationFailed("the sub-account prefix must be digits", field="sub_account_prefix")
    values = {
        "account_number": normalise_account_number(number),
        "bank_name": bank,
        "account_name": (account_name or "").strip() or None,
        "currency": currency.upper(),
        "sub_account_prefix": sub_account_prefix,
        "sub_account_width": sub_account_width,
        "sub_account_check_digits": check_digits,
        "court_accounts": [normalise_account_number(a) for a in court_accounts or []],
    }
    with uow:
        court_row = registry.court_by_code(uow.conn, court)
        if court_row is None:
            raise NotFound("court {court} not found", court=court)
        try:
            account_id = registry.insert_collection_account(
                uow.conn, court_id=court_row["id"], **values
            )
        except registry.AlreadyExists as e:
            raise Conflict(
                "collection account {account} exists already", account=values["account_number"]
            ) from e
        ledger_store.open_suspense_ledger(uow.conn, account_id)
        uow.audit(
            actor,
            "collection_account.added",
            "collection_account",
            account_id,
            court=court,
            after=values,
        )
        uow.commit()
    return {"id": account_id, "court": court, **values}
