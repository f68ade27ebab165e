"""Changing a case's payee accounts after filing: a document, an approval, the desk told."""

from __future__ import annotations

from reconcile import clock
from reconcile.account_numbers import mask_account_number, normalise_account_number
from reconcile.actors import Actor
from reconcile.approvals import Decision
from reconcile.db import alert_store, request_store
from reconcile.db.tables_payments import payee_account_changes
from reconcile.db.uow import UnitOfWork
from reconcile.errors import ValidationFailed
from reconcile.payee_changes import ChangeStatus, check_applicant, next_status
from reconcile.services.access import require_role
from reconcile.services.approving import (
    APPROVERS,
    READERS,
    decide,
    request_view,
    visible_case,
    visible_request,
)

REQUESTERS = ("enforcement", "admin")
SUBJECT = ("payee_change", payee_account_changes)


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
    settings: dict,
) -> dict:
    """Ask to name another payee account for an applicant; it counts only once approved."""
    require_role(actor, *REQUESTERS)
    if not document_reference.strip():
        raise ValidationFailed("name the court document", field="document_reference")
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        applicant = check_applicant(
            applicant_name, list(request_store.applicants_of(uow.conn, case_id))
        )
        change_id = request_store.insert_request(
            uow.conn,
            payee_account_changes,
            case_id=case_id,
            applicant_name=applicant,
            account_number=normalise_account_number(account_number),
            account_name=account_name,
            bank_name=bank_name,
            document_reference=document_reference.strip(),
            levels_required=settings["approvals"]["payee_change_levels"],
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
        )
        view = _view(uow, change_id)
        uow.audit(
            actor,
            "payee_change.requested",
            "payee_change",
            change_id,
            court=case["court"],
            after=view,
        )
        uow.commit()
    return view


def approve_payee_change(uow: UnitOfWork, actor: Actor, change_id: int, *, note=None) -> dict:
    """Approve at the next level; the last level names the account and tells the desk."""
    return _decide(uow, actor, change_id, Decision.APPROVE, note)


def reject_payee_change(uow: UnitOfWork, actor: Actor, change_id: int, *, note=None) -> dict:
    """Reject a payee-account change."""
    return _decide(uow, actor, change_id, Decision.REJECT, note)


def _decide(uow: UnitOfWork, actor: Actor, change_id: int, decision: Decision, note) -> dict:
    require_role(actor, *APPROVERS)
    with uow:
        row = _visible(uow, actor, change_id, lock=True)
        new = decide(uow.conn, actor, SUBJECT, row, decision, next_status, note)
        if new == ChangeStatus.APPROVED:
            _name_account(uow, actor, row)
        view = _view(uow, change_id)
        uow.audit(
            actor,
            f"payee_change.{new}",
            "payee_change",
            change_id,
            court=row["court"],
            before={"status": row["status"]},
            after=view,
        )
        uow.commit()
    return view


def _name_account(uow: UnitOfWork, actor: Actor, change: dict) -> None:
    party_id = request_store.applicants_of(uow.conn, change["case_id"])[change["applicant_name"]]
    account_id = request_store.add_payee_account(uow.conn, change, party_id, clock.utc_now())
    request_store.set_values(
        uow.conn, payee_account_changes, change["id"], party_account_id=account_id
    )
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
        detail=f"case {change['case_number']}: payee account "
        f"{mask_account_number(change['account_number'])} added for {change['applicant_name']} "
        f"by {change['document_reference']}",
    )


def get_payee_change(uow: UnitOfWork, actor: Actor, change_id: int) -> dict:
    """Return a payee-account change request with its approvals."""
    require_role(actor, *READERS)
    with uow:
        _visible(uow, actor, change_id)
        return _view(uow, change_id)


def payee_changes_of_case(uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
    """Return a case's payee-account change requests, oldest first."""
    require_role(actor, *READERS)
    with uow:
        visible_case(uow.conn, actor, case_id)
        rows = request_store.requests_of_case(uow.conn, payee_account_changes, case_id)
        return [_view(uow, row["id"]) for row in rows]


def _visible(uow: UnitOfWork, actor: Actor, change_id: int, *, lock: bool = False) -> dict:
    return visible_request(
        uow.conn, actor, payee_account_changes, change_id, what="payee account change", lock=lock
    )


def _view(uow: UnitOfWork, change_id: int) -> dict:
    return request_view(uow.conn, payee_account_changes, "payee_change", change_id)
