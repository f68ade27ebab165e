"""Approvals: the requests waiting for an approver — payments and refunds, and voids of
wrong statement imports — each with what to check it against."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import queues
from api.web.auth import staff_required
from api.web.errors import back_with_error
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError
from reconcile.permissions import Verb
from reconcile.services import cases, disbursements, holds, statement_voids, transactions

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.get("")
@staff_required(Verb.APPROVE)
def index(actor: Actor):
    """List the requests waiting for approval, each with its case or orphan beside it."""
    requested = queues.every(disbursements.list_disbursements, actor, status="requested")
    voids = statement_voids.requested_voids(services().uow(read_only=True), actor)
    return render_template(
        "approvals.html",
        requests=[_with_context(actor, d) for d in requested],
        voids=[{"void": v, "may_decide": queues.may_decide(actor, v)} for v in voids],
    )


@bp.post("/statement-voids/<int:void_id>/approve")
@staff_required(Verb.APPROVE)
def approve_void(actor: Actor, void_id: int):
    """Approve a statement void at the next level; the last level reverses the import."""
    return _decide_void(statement_voids.approve_void, actor, void_id, "void.approved")


@bp.post("/statement-voids/<int:void_id>/reject")
@staff_required(Verb.APPROVE)
def reject_void(actor: Actor, void_id: int):
    """Reject a statement void: the import stays as it is."""
    return _decide_void(statement_voids.reject_void, actor, void_id, "void.rejected")


def _decide_void(use_case, actor: Actor, void_id: int, done: str):
    note = request.form.get("note", "").strip() or None
    try:
        decided = use_case(services().uow(), actor, void_id, note=note)
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.approvals.index"))
    flash(translate(done, id=decided["statement_id"]), "success")
    return redirect(url_for("web.approvals.index"))


@bp.post("/<int:disbursement_id>/approve")
@staff_required(Verb.APPROVE)
def approve(actor: Actor, disbursement_id: int):
    """Approve at the next level."""
    return _decide(disbursements.approve_disbursement, actor, disbursement_id, "approvals.done")


@bp.post("/<int:disbursement_id>/reject")
@staff_required(Verb.APPROVE)
def reject(actor: Actor, disbursement_id: int):
    """Reject the request; its money is available again."""
    return _decide(disbursements.reject_disbursement, actor, disbursement_id, "approvals.rejected")


def _decide(use_case, actor: Actor, disbursement_id: int, done: str):
    note = request.form.get("note", "").strip() or None
    try:
        decided = use_case(services().uow(), actor, disbursement_id, note=note)
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.approvals.index"))
    status = translate(f"status.{decided['status']}")
    flash(translate(done, amount=yuan(decided["amount"]), status=status), "success")
    return redirect(url_for("web.approvals.index"))


def _with_context(actor: Actor, request_: dict) -> dict:
    """Add what an approver checks: the case's balance, holds and named payee accounts,
    or for a refund, the orphan credit and the payer's account it came from."""
    uow = services().uow
    view = {"request": request_, "may_decide": queues.may_decide(actor, request_)}
    if request_["case_id"] is not None:
        case = cases.get_case(uow(read_only=True), actor, request_["case_id"])
        named = {a["account_number"] for p in case["applicants"] for a in p["payee_accounts"]}
        view |= {
            "case": case,
            "holds": holds.holds_of_case(uow(read_only=True), actor, case["id"]),
            "payee_named": request_["payee_account_number"] in named,
        }
    else:
        line_id = request_["refund_of_transaction_id"]
        line = transactions.get_transaction(uow(read_only=True), actor, line_id)
        view |= {
            "orphan": line,
            "payee_named": request_["payee_account_number"] == line["counterparty_account"],
        }
    return view
