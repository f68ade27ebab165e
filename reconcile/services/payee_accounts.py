"""Changing a case's payee accounts after filing: a document, an approval, the desk told."""

from __future__ import annotations

from reconcile import clock
from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.db import alert_store, registry, request_store
from reconcile.db.handles import Connection
from reconcile.db.request_store import PAYEE_CHANGES
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, ValidationFailed
from reconcile.payee_changes import CHANGE_LIFECYCLE, check_applicant, check_lawful_payee
from reconcile.payee_identity import agent_from, check_payee_identity
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import RequestKind, open_case_request


def check_payee(conn: Connection, case_id: int, account_number: str) -> None:
    """Refuse a payee account of the respondent or of a court (UnlawfulPayee)."""
    number = normalise_account_number(account_number)
    owners = dict.fromkeys(_respondent_accounts(conn, case_id), "respondent")
    court = registry.case_by_id(conn, case_id)["court"]
    for account in registry.accounts_of_courts(conn, [court]):
        owners.update(dict.fromkeys(account["court_accounts"] or (), "court_account"))
        if registry.case_by_sub_account(conn, account["id"], number) is not None:
            owners[number] = "sub_account"
    if registry.account_by_number(conn, number) is not None:
        owners[number] = "collection_account"
    check_lawful_payee(number, owners)


def _respondent_accounts(conn: Connection, case_id: int) -> list[str]:
    return [
        normalise_account_number(account["account_number"])
        for party in registry.parties_of(conn, case_id)
        if party["role"] == "respondent"
        for account in party["accounts"]
    ]


def _name_account(uow: UnitOfWork, actor: Actor, change: dict) -> None:
    """Name the approved account on the case, and tell the desk (art. 20)."""
    check_payee(uow.conn, change["case_id"], change["account_number"])
    party_id = request_store.applicants_of(uow.conn, change["case_id"])[change["applicant_name"]]
    account_id = request_store.add_payee_account(uow.conn, change, party_id, clock.utc_now())
    PAYEE_CHANGES.set_values(uow.conn, change["id"], party_account_id=account_id)
    alert_store.raise_alert(
        uow,
        actor,
        kind="payee_accounts_changed",
        court=change["court"],
        subject=f"payee_change:{change['id']}",
        case_id=change["case_id"],
        facts={
            "case_number": change["case_number"],
            "applicant_name": change["applicant_name"],
            "account_number": change["account_number"],
            "document_reference": change["document_reference"],
            "requested_by": change["requested_by"],
            "approved_by": actor.name,
        },
    )


PAYEE_CHANGE = RequestKind(
    "payee_change",
    PAYEE_CHANGES,
    CHANGE_LIFECYCLE,
    what=N_("payee account change"),
    on_approved=_name_account,
)


def request_payee_account(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    applicant_name: str,
    account_number: str,
    document_reference: str,
    account_name: str | None = None,
    bank_name: str | None = None,
    agent: dict | None = None,
    settings: dict,
) -> dict:
    """Ask to name another payee account for an applicant; it counts only once approved.

    In a name other than the applicant's it is refused (`payee_name_mismatch`) unless it is
    the account of the applicant's `agent` (`name`, `authorisation_document`: 特别授权)."""
    require(actor, Verb.REQUEST)
    if not document_reference.strip():
        raise ValidationFailed("name the court document", field="document_reference")

    def values(conn) -> dict:
        applicants = list(request_store.applicants_of(conn, case_id))
        check_payee(conn, case_id, account_number)
        applicant = check_applicant(applicant_name, applicants)
        agent_ = agent_from(agent)
        check_payee_identity(applicant, account_name, agent_)  # reconcile/payee_identity.py
        return {
            "applicant_name": applicant,
            "account_number": normalise_account_number(account_number),
            "account_name": account_name,
            "bank_name": bank_name,
            "document_reference": document_reference.strip(),
            "agent_name": agent_.name if agent_ else None,
            "authorisation_document": agent_.authorisation_document if agent_ else None,
        }

    levels = settings["approvals"]["payee_change_levels"]
    return open_case_request(uow, actor, PAYEE_CHANGE, case_id, levels=levels, values=values)


#: Approve at the next level; the last level names the account and tells the desk.
approve_payee_change = PAYEE_CHANGE.approve
#: Reject a payee-account change.
reject_payee_change = PAYEE_CHANGE.reject
#: Return a payee-account change request with its approvals.
get_payee_change = PAYEE_CHANGE.get
#: Return a case's payee-account change requests, oldest first.
payee_changes_of_case = PAYEE_CHANGE.of_case
