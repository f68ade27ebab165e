"""Payee identity at registration (art. 20): the applicant's own accounts, or its agent's
through the approval queue of payee-account changes (reconcile/payee_identity.py)."""

from __future__ import annotations

from dataclasses import replace

from reconcile import clock
from reconcile.account_numbers import normalise_account_number
from reconcile.actors import Actor
from reconcile.cases import AccountRef, NewCase
from reconcile.db.request_store import PAYEE_CHANGES
from reconcile.db.uow import UnitOfWork
from reconcile.payee_identity import check_payee_identity
from reconcile.services.payee_accounts import PAYEE_CHANGE, check_payee


def check_applicants(spec: NewCase) -> None:
    """Refuse a payee account in a name neither the applicant's nor its authorised agent's."""
    for applicant in spec.applicants:
        for account in applicant.accounts:
            check_payee_identity(applicant.name, account.account_name, account.agent)


def without_agents(spec: NewCase) -> tuple[NewCase, list[tuple[str, AccountRef]]]:
    """Return the registration without its agents' accounts, and those accounts by applicant:
    they are named only once approved."""
    agents = [
        (applicant.name.strip(), account)
        for applicant in spec.applicants
        for account in applicant.accounts
        if account.agent is not None
    ]
    if not agents:
        return spec, []
    applicants = tuple(
        replace(a, accounts=tuple(acc for acc in a.accounts if acc.agent is None))
        for a in spec.applicants
    )
    return replace(spec, applicants=applicants), agents


def open_agent_requests(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    court: str,
    agents: list[tuple[str, AccountRef]],
    *,
    levels: int,
) -> list[int]:
    """Open a payee-account change for each agent's account, in the caller's unit of work."""
    opened = []
    for applicant_name, account in agents:
        check_payee(uow.conn, case_id, account.account_number)
        request_id = PAYEE_CHANGES.insert(
            uow.conn,
            case_id=case_id,
            levels_required=levels,
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
            applicant_name=applicant_name,
            account_number=normalise_account_number(account.account_number),
            account_name=account.account_name,
            bank_name=account.bank_name,
            document_reference=account.agent.authorisation_document,
            agent_name=account.agent.name,
            authorisation_document=account.agent.authorisation_document,
        )
        view = PAYEE_CHANGE.view(uow.conn, request_id)
        uow.audit(
            actor, "payee_change.requested", "payee_change", request_id, court=court, after=view
        )
        opened.append(request_id)
    return opened
