"""Approvals: the requests waiting for an approver — payments and refunds, and voids of
wrong statement imports — each with what to check it against."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import approval_requests, queues
from api.web.auth import staff_required
from api.web.errors import back_with_error
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError
from reconcile.permissions import Verb
from reconcile.services import (
    cases,
    deferrals,
    disbursements,
    holds,
    payee_accounts,
    statement_voids,
    transactions,
)

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.get("")
@staff_required(Verb.APPROVE)
def index(actor: Actor):
    """List the requests waiting at a level the approver's position decides, oldest first,
    each with its case or orphan beside it."""
    requested = queues.every(disbursements.list_disbursements, actor, status="requested")
    levels = queues.decisions(actor, disbursements.DISBURSEMENT, requested)
    voids = statement_voids.requested_voids(services().uow(read_only=True), actor)
    void_levels = queues.decisions(actor, statement_voids.STATEMENT_VOID, voids)
    return render_template(
        "approvals.html",
        requests=[
            _with_context(actor, d, levels[d["id"]]) for d in requested if levels[d["id"]]["yours"]
        ],
        voids=[{"void": v, **void_levels[v["id"]]} for v in voids if void_levels[v["id"]]["yours"]],
        case_requests=approval_requests.waiting(actor),
    )


def _decide(use_case, actor: Actor, subject_id: int, said: Callable[[dict], str]):
    """Decide a request of any kind through its use case; flash what happened."""
    note = request.form.get("note", "").strip() or None
    try:
        decided = use_case(services().uow(), actor, subject_id, note=note)
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.approvals.index"))
    flash(said(decided), "success")
    return redirect(url_for("web.approvals.index"))


def _payment_said(message: str) -> Callable[[dict], str]:
    def said(decided: dict) -> str:
        status = translate(f"status.{decided['status']}")
        return translate(message, amount=yuan(decided["amount"]), status=status)

    return said


def _void_said(message: str) -> Callable[[dict], str]:
    return lambda decided: translate(message, id=decided["statement_id"])


#: (endpoint, rule, use case, what to flash, what it does): one view shape for every kind
DECISIONS = (
    ("approve", "/<int:disbursement_id>/approve", disbursements.approve_disbursement,
     _payment_said("approvals.done"), "Approve a payment at the next level."),
    ("reject", "/<int:disbursement_id>/reject", disbursements.reject_disbursement,
     _payment_said("approvals.rejected"), "Reject a payment; its money is available again."),
    ("approve_void", "/statement-voids/<int:void_id>/approve", statement_voids.approve_void,
     _void_said("void.approved"),
     "Approve a statement void at the next level; the last level reverses the import."),
    ("reject_void", "/statement-voids/<int:void_id>/reject", statement_voids.reject_void,
     _void_said("void.rejected"), "Reject a statement void: the import stays as it is."),
    ("approve_deferral", "/deferrals/<int:deferral_id>/approve", deferrals.approve_deferral,
     approval_requests.said("deferral"), "Approve a deferral or escrow at the next level."),
    ("reject_deferral", "/deferrals/<int:deferral_id>/reject", deferrals.reject_deferral,
     approval_requests.said("deferral"), "Reject a deferral or escrow request."),
    ("approve_payee_change", "/payee-changes/<int:change_id>/approve",
     payee_accounts.approve_payee_change, approval_requests.said("payee_change"),
     "Approve a payee-account change at the next level; the last names the account."),
    ("reject_payee_change", "/payee-changes/<int:change_id>/reject",
     payee_accounts.reject_payee_change, approval_requests.said("payee_change"),
     "Reject a payee-account change."),
)  # fmt: skip


def _decision_view(use_case, said, doc: str) -> Callable:
    def view(actor: Actor, **subject):
        (subject_id,) = subject.values()
        return _decide(use_case, actor, subject_id, said)

    view.__doc__ = doc
    return staff_required(Verb.APPROVE)(view)


for _endpoint, _rule, _use_case, _said, _doc in DECISIONS:
    bp.add_url_rule(_rule, _endpoint, _decision_view(_use_case, _said, _doc), methods=["POST"])


def _with_context(actor: Actor, request_: dict, level: dict) -> dict:
    """Add what an approver checks: the case's balance, holds and named payee accounts,
    or for a refund, the orphan credit and the payer's account it came from."""
    uow = services().uow
    view = {"request": request_, **level}
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
