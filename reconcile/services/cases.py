"""Registering cases, reading them, closing them, and what the execution notice prints."""

from __future__ import annotations

from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.case_closing import check_closable, closure_type
from reconcile.cases import NewCase, canonical_case_number, check_new_case, check_status_move
from reconcile.clock import local_today
from reconcile.db import (
    case_closing_store,
    case_ledger_store,
    case_search_store,
    disbursement_store,
    ledger_store,
    registry,
)
from reconcile.db.handles import Connection
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, Conflict, NotFound, ValidationFailed
from reconcile.ledger import BUCKETS, Balance, EntryKind
from reconcile.payee_identity import mask_identity_number
from reconcile.permissions import Verb
from reconcile.services import payee_identity
from reconcile.services.access import require, require_court
from reconcile.services.entitlement_reads import entitlements_of
from reconcile.services.payee_accounts import check_payee
from reconcile.sub_accounts import InvalidSubAccount, issue_sub_account, validate_sub_account

#: the entries that record money leaving: their day is the payment's
PAID_KINDS = (EntryKind.DISBURSEMENT_MARKED_PAID, EntryKind.DISBURSEMENT_PAID)
LEDGER_ENTRY_KEYS = (
    "id",
    "kind",
    "bucket",
    "amount",
    "transaction_id",
    "hold_id",
    "disbursement_id",
    "reverses_entry_id",
    "note",
    "created_at",
)


def register_case(
    uow: UnitOfWork,
    actor: Actor,
    spec: NewCase,
    *,
    collection_account: str | None = None,
    payee_change_levels: int = 1,
) -> dict:
    """Register a case with its parties and accounts, and give it its sub-account number.

    An agent's payee account is not named yet: it opens a payee-account change that
    `payee_change_levels` approve (services/payee_identity.py)."""
    require(actor, Verb.REGISTER_CASE)
    require_court(actor, spec.court, N_("court"))
    number = check_new_case(spec)
    payee_identity.check_applicants(spec)
    spec, agents = payee_identity.without_agents(spec)
    with uow:
        account = _collection_account_for(uow.conn, spec.court, collection_account)
        if registry.case_by_number(uow.conn, str(number)):
            raise Conflict("case {case_number} is registered already", case_number=str(number))
        sub_account, source = _sub_account_for(uow.conn, account, spec.sub_account_number)
        try:
            case_id = registry.insert_case(
                uow.conn,
                spec,
                court_id=account["court_id"],
                collection_account_id=account["id"],
                case_number=str(number),
                case_number_raw=spec.case_number,
                sub_account_number=sub_account,
                sub_account_source=source,
                status="open",
                amount_due=spec.amount_due,
                filed_on=spec.filed_on or local_today(),
            )
        except registry.AlreadyExists as e:  # a concurrent registration of the same case won
            raise Conflict(
                "case {case_number} is registered already", case_number=str(number)
            ) from e
        for applicant in spec.applicants:
            for payee in applicant.accounts:  # never the respondent's, nor a court's (art. 20)
                check_payee(uow.conn, case_id, payee.account_number)
        ledger_store.open_case_ledger(uow.conn, account["id"], case_id)
        case_search_store.index_case(uow.conn, case_id)
        payee_identity.open_agent_requests(
            uow, actor, case_id, spec.court, agents, levels=payee_change_levels
        )
        case = case_view(uow.conn, registry.case_by_id(uow.conn, case_id))
        uow.audit(actor, "case.registered", "case", case_id, court=spec.court, after=case)
        uow.commit()
    return case


def get_case(uow: UnitOfWork, actor: Actor, case_id: int) -> dict:
    """Return a case with its parties and balance."""
    require(actor, Verb.READ)
    with uow:
        return case_view(uow.conn, _visible_case(uow.conn, actor, case_id))


def find_case(uow: UnitOfWork, actor: Actor, case_number: str) -> dict | None:
    """Return the case with this number written in any usual way, or None."""
    require(actor, Verb.READ)
    canonical = str(canonical_case_number(case_number))
    with uow:
        row = registry.case_by_number(uow.conn, canonical)
        if row is None or not actor.may_see(row["court"]):
            return None
        return case_view(uow.conn, row)


def set_case_status(
    uow: UnitOfWork, actor: Actor, case_id: int, status: str, closure: str | None = None
) -> dict:
    """Close a case with its closure type, once nothing is left on it; or reopen it (执恢)."""
    require(actor, Verb.REGISTER_CASE)
    with uow:
        case_closing_store.lock_case_ledger(uow.conn, case_id)
        row = _visible_case(uow.conn, actor, case_id)
        if row["status"] != status:
            check_status_move(row["status"], status)
            kind = None
            if status == "closed":
                kind = closure_type(closure)
                open_now = case_closing_store.open_business(uow.conn, case_id)
                check_closable(row["balance"] or Balance(), open_now)
            registry.set_case_status(uow.conn, case_id, status, closure_type=kind)
            uow.audit(
                actor,
                f"case.{'closed' if status == 'closed' else 'reopened'}",
                "case",
                case_id,
                court=row["court"],
                before={"status": row["status"], "closure_type": row["closure_type"]},
                after={"status": status, "closure_type": kind},
            )
        case = case_view(uow.conn, registry.case_by_id(uow.conn, case_id))
        uow.commit()
    return case


def case_ledger(
    uow: UnitOfWork, actor: Actor, case_id: int, *, after_id: int = 0, limit: int = 100
) -> list[dict]:
    """Return a page of the case's ledger entries, oldest first."""
    require(actor, Verb.READ)
    with uow:
        ledger_id = _visible_case(uow.conn, actor, case_id)["ledger_account_id"]
        return ledger_store.entries(uow.conn, ledger_id, after_id=after_id, limit=limit)


def ledger_page(
    uow: UnitOfWork, actor: Actor, case_id: int, *, after_id: int = 0, limit: int = 100
) -> dict:
    """Return a page of the case's ledger as people read it, and the ledger's totals.

    Each entry has the bank's booking and value dates, the payer or payee, the bank's
    reference and the statement it came from, and the running balances after it.
    `next` is the last entry's id when more may follow.
    """
    require(actor, Verb.READ)
    with uow:
        case = _visible_case(uow.conn, actor, case_id)
        ledger_id = case["ledger_account_id"]
        rows = case_ledger_store.entries_with_sources(
            uow.conn, ledger_id, after_id=after_id, limit=limit
        )
        running = case_ledger_store.bucket_sums_through(uow.conn, ledger_id, after_id)
    items = []
    for row in rows:
        running[row["bucket"]] += row["amount"]
        items.append(_ledger_line(row, Balance(**running)))
    balance = case["balance"] or Balance()
    totals = {b: getattr(balance, b) for b in BUCKETS} | {"available": balance.available}
    return {
        "items": items,
        "totals": totals,
        "next": rows[-1]["id"] if len(rows) == limit else None,
    }


def _ledger_line(row: dict, after: Balance) -> dict:
    paid = row["kind"] in PAID_KINDS
    from_line = row["statement_id"] is not None
    return {
        **{key: row[key] for key in LEDGER_ENTRY_KEYS},
        "booked_on": row["booked_on"] if from_line else (row["paid_on"] if paid else None),
        "value_date": row["value_date"],
        "counterparty_name": row["counterparty_name"] if from_line else row["payee_account_name"],
        "counterparty_account": (
            row["counterparty_account"] if from_line else row["payee_account_number"]
        ),
        "bank_reference": row["line_reference"]
        if from_line
        else (row["payment_reference"] if paid else None),
        "statement_id": row["statement_id"],
        "bucket_balance": getattr(after, row["bucket"]),
        "available_after": after.available,
        "on_account_after": after.on_account,
    }


def payment_instructions(uow: UnitOfWork, actor: Actor, case_id: int, hotline: str) -> dict:
    """Return the account block the execution notice must print (art. 20)."""
    require(actor, Verb.READ)
    with uow:
        case = _visible_case(uow.conn, actor, case_id)
        account = registry.account_by_number(uow.conn, case["collection_account"])
        court = registry.court_by_code(uow.conn, case["court"])
    return {
        "case_number": case["case_number"],
        "account_name": _registered_name(account, court["name"]),
        "sub_account_number": case["sub_account_number"],
        "bank_name": account["bank_name"],
        "collection_account": account["account_number"],
        "hotline": hotline,
        "text": _instruction_text(
            case, _registered_name(account, court["name"]), account["bank_name"], hotline
        ),
    }


def verify_account(uow: UnitOfWork, actor: Actor, case_number: str, account_number: str) -> dict:
    """Tell the complaint desk whether an account is the one designated for the case."""
    require(actor, Verb.VERIFY_ACCOUNT)
    canonical = str(canonical_case_number(case_number))
    with uow:
        case = registry.case_by_number(uow.conn, canonical)
    if case is None or not actor.may_see(case["court"]):
        raise NotFound("case {case_number} not found", case_number=canonical)
    asked = normalise_account_number(account_number)
    return {
        "case_number": case["case_number"],
        "designated": asked == case["sub_account_number"],
        "sub_account_number": case["sub_account_number"],
        "court_collection_account": asked == case["collection_account"],
    }


def case_view(
    conn: Connection,
    row: dict,
    parties: list[dict] | None = None,
    *,
    payouts: dict[int, tuple[int, int]] | None = None,
    fees_paid: int | None = None,
) -> dict:
    """Return the case as the API and pages show it: parties, accounts, balance.

    `row` is a case as registry reads it, balance included: read it after any posting.
    `parties`, `payouts` (by party) and `fees_paid` when read already (a list reads them
    for a page at once).
    """
    if parties is None:
        parties = registry.parties_of(conn, row["id"])
    balance = row["balance"] or Balance()
    owed = {e.party_id: e for e in entitlements_of(conn, row, parties, payouts)}
    if fees_paid is None:
        fees_paid = disbursement_store.fees_paid(conn, row["id"])
    return {
        "id": row["id"],
        "case_number": row["case_number"],
        "case_number_raw": row["case_number_raw"],
        "court": row["court"],
        "collection_account": row["collection_account"],
        "sub_account_number": row["sub_account_number"],
        "sub_account_source": row["sub_account_source"],
        "status": row["status"],
        "closure_type": row["closure_type"],
        "amount_due": row["amount_due"],
        "filed_on": row["filed_on"],
        "applicants": [
            {
                "party_id": p["id"],
                **_party_view(p, "payee_accounts"),
                **_entitlement_view(p, owed[p["id"]]),
            }
            for p in parties
            if p["role"] == "applicant"
        ],
        "respondents": [_party_view(p, "accounts") for p in parties if p["role"] == "respondent"],
        "balance": {
            **balance.figures(),
            # the part of `paid` that went to the court's fee account (its own bucket)
            "fees_paid": fees_paid,
        },
    }


def _entitlement_view(party: dict, owed) -> dict:
    """An applicant's own amount and order as registered, and its entitled, paid and due."""
    return {
        "amount_due": party.get("amount_due"),
        "order": party.get("claim_order"),
        "entitled": owed.entitled,
        "paid": owed.paid,
        "due": owed.due,
    }


def _party_view(party: dict, accounts_key: str) -> dict:
    return {
        "name": party["name"],
        "id_number": mask_identity_number(party.get("id_number")),  # never shown whole
        accounts_key: [
            {
                "account_number": a["account_number"],
                "account_name": a["account_name"],
                "bank_name": a["bank_name"],
            }
            for a in party["accounts"]
        ],
    }


def _visible_case(conn: Connection, actor: Actor, case_id: int) -> dict:
    row = registry.case_by_id(conn, case_id)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("case not found")
    return row


def _collection_account_for(conn: Connection, court: str, number: str | None) -> dict:
    court_row = registry.court_by_code(conn, court)
    if court_row is None:
        raise ValidationFailed("court {court} is not registered", court=court, field="court")
    accounts = registry.accounts_of_court(conn, court_row["id"])
    if number is not None:
        wanted = normalise_account_number(number)
        accounts = [a for a in accounts if a["account_number"] == wanted]
    if not accounts:
        raise ValidationFailed(
            "court {court} has no such collection account",
            court=court,
            field="collection_account",
        )
    return accounts[0]


def _sub_account_for(conn: Connection, account: dict, given: str | None) -> tuple[str, str]:
    if given is not None:
        try:
            number = validate_sub_account(
                given,
                prefix=account["sub_account_prefix"],
                check_digits=account["sub_account_check_digits"],
            )
        except InvalidSubAccount as e:
            raise ValidationFailed("{reason}", reason=e, field="sub_account_number") from e
        if registry.case_by_sub_account(conn, account["id"], number):
            raise Conflict("sub-account {sub_account} belongs to another case", sub_account=number)
        return number, "bank"
    while True:
        sequence = registry.take_next_sequence(conn, account["id"])
        number = issue_sub_account(
            account["sub_account_prefix"], sequence, account["sub_account_width"]
        )
        if not registry.case_by_sub_account(conn, account["id"], number):
            return number, "service"


def _registered_name(account: dict, court_name: str) -> str:
    """The collection account's name as the bank registered it, else the usual form."""
    return account.get("account_name") or f"{court_name}执行款专户"


def _instruction_text(case: dict, account_name: str, bank_name: str, hotline: str) -> str:
    return (
        f"案号：{case['case_number']}\n"
        f"收款户名：{account_name}\n"
        f"收款账号（本案专属案款子账号）：{case['sub_account_number']}\n"
        f"开户行：{bank_name}\n"
        "请将执行款汇入上述本案专属账号，并在附言中注明案号。\n"
        "被执行人有权拒绝向本通知书指定账户以外的任何账户付款；"
        f"如发现执行人员指定其他案款交付途径的，可拨打{hotline}举报。"
    )
