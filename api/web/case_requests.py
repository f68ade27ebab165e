"""The case page's actions that were API-only: resubmit a returned payment, end a deferral,
register an expected receipt, take a whole credit off the case, ask for a payee-account
change, request a disbursement of another kind (fee, refund to the respondent, escrow,
transfer to another court). A refused action shows the case page again with the refusal
at its form."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.case_actions import amount_field, refused_at_form
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError, ValidationFailed
from reconcile.permissions import Verb
from reconcile.services import (
    deferrals,
    disbursements,
    expected_receipts,
    payee_accounts,
    payment_reviews,
    transactions,
)

bp = Blueprint("case_requests", __name__)


@bp.post("/cases/<int:case_id>/payments/<int:disbursement_id>/resubmit")
@staff_required(Verb.REQUEST)
def resubmit(actor: Actor, case_id: int, disbursement_id: int):
    """Ask again for a payment finance returned: the same amount and account, every level."""
    _payment_of(actor, case_id, disbursement_id)
    try:
        made = payment_reviews.resubmit_disbursement(
            services().uow(),
            actor,
            disbursement_id,
            note=(request.form.get("note") or "").strip() or None,
            settings=services().settings,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"resubmit-{disbursement_id}", refusal)
    flash(
        translate(
            "more.resubmitted",
            id=made["id"],
            amount=yuan(made["amount"]),
            account=made["payee_account_number"],
        ),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#payments")


@bp.post("/cases/<int:case_id>/deferrals/<int:deferral_id>/end")
@staff_required(Verb.END_DEFERRAL)
def end_deferral(actor: Actor, case_id: int, deferral_id: int):
    """End an approved deferral or escrow: the case's clocks run again."""
    if not any(
        f["id"] == deferral_id
        for f in deferrals.deferrals_of_case(services().uow(read_only=True), actor, case_id)
    ):
        abort(404)
    try:
        ended = deferrals.end_deferral(services().uow(), actor, deferral_id)
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"end-{deferral_id}", refusal)
    flash(translate("more.deferral_ended", id=ended["id"]), "success")
    return redirect(url_for("web.cases.view", case_id=case_id) + "#deferrals")


@bp.post("/cases/<int:case_id>/deferrals/<int:deferral_id>/review")
@staff_required(Verb.END_DEFERRAL)
def review_deferral(actor: Actor, case_id: int, deferral_id: int):
    """Keep a deferral after its review, to a new review day, saying why."""
    if not any(
        f["id"] == deferral_id
        for f in deferrals.deferrals_of_case(services().uow(read_only=True), actor, case_id)
    ):
        abort(404)
    form = request.form
    try:
        text = (form.get("review_on") or "").strip()
        try:
            review_on = date.fromisoformat(text)
        except ValueError as wrong:
            raise ValidationFailed("not a date", field="review_on") from wrong
        kept = deferrals.review_deferral(
            services().uow(), actor, deferral_id, review_on=review_on, note=form.get("note", "")
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"review-{deferral_id}", refusal)
    flash(
        translate("case_actions.deferral_kept", id=kept["id"], review_on=kept["review_on"]),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#deferrals")


@bp.post("/cases/<int:case_id>/expected-receipts")
@staff_required(Verb.REGISTER_CASE)
def register_expected(actor: Actor, case_id: int):
    """Register money the case waits for (a deduction, auction proceeds, another court's)."""
    form = request.form
    try:
        receipt = expected_receipts.register_expected_receipt(
            services().uow(),
            actor,
            case_id,
            source=form.get("source", ""),
            amount=amount_field(form.get("amount")),
            expected_by=_day(form.get("expected_by")),
            reference=form.get("reference"),
            payer_account=form.get("payer_account"),
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "expected", refusal)
    source = translate(f"more.source.{receipt['source']}", default=receipt["source"])
    flash(
        translate("more.expected_registered", amount=yuan(receipt["amount"]), source=source),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#expected")


@bp.post("/cases/<int:case_id>/credits/<int:line_id>/unassign")
@staff_required(Verb.RESOLVE_ORPHAN)
def unassign(actor: Actor, case_id: int, line_id: int):
    """Take a credit placed whole on this case off it again: back to the unidentified funds."""
    uow = services().uow
    line = transactions.get_transaction(uow(read_only=True), actor, line_id)
    if line["case_id"] != case_id:
        abort(404)
    try:
        transactions.unassign(uow(), actor, line_id, request.form.get("reason", ""))
    except DomainError as refusal:
        return refused_at_form(actor, case_id, f"unassign-{line_id}", refusal)
    flash(translate("more.unassigned", amount=yuan(line["amount"])), "success")
    return redirect(url_for("web.cases.view", case_id=case_id) + "#credits")


@bp.post("/cases/<int:case_id>/payee-accounts")
@staff_required(Verb.REQUEST)
def request_payee_account(actor: Actor, case_id: int):
    """Ask to name another payee account for an applicant, by the document that names it."""
    form = request.form
    try:
        made = payee_accounts.request_payee_account(
            services().uow(),
            actor,
            case_id,
            applicant_name=form.get("applicant_name", ""),
            account_number=form.get("account_number", ""),
            document_reference=form.get("document_reference", ""),
            account_name=(form.get("account_name") or "").strip() or None,
            bank_name=(form.get("bank_name") or "").strip() or None,
            agent=_agent(form),
            settings=services().settings,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "payee", refusal)
    flash(
        translate("more.payee_requested", id=made["id"], account=made["account_number"]),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#payee-change")


@bp.post("/cases/<int:case_id>/disbursements")
@staff_required(Verb.REQUEST)
def request_of_kind(actor: Actor, case_id: int):
    """Request a fee, a refund to the respondent, escrow (提存) or a transfer to another
    court, to one of the kind's lawful destinations."""
    form = request.form
    try:
        made = disbursements.request_disbursement(
            services().uow(),
            actor,
            case_id,
            kind=form.get("kind", ""),
            amount=amount_field(form.get("amount")),
            payee_account_number=form.get("payee_account_number", ""),
            document_reference=(form.get("document_reference") or "").strip() or None,
            document_overrides_entitlements=form.get("document_overrides_entitlements") == "on",
            note=(form.get("note") or "").strip() or None,
            settings=services().settings,
        )
    except DomainError as refusal:
        return refused_at_form(actor, case_id, "kinds", refusal)
    flash(
        translate(
            "kinds.requested",
            id=made["id"],
            kind=translate(f"kinds.kind.{made['kind']}"),
            amount=yuan(made["amount"]),
            account=made["payee_account_number"],
        ),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case_id) + "#payments")


def _agent(form) -> dict | None:
    """The agent (代理人) the payee form names with its 特别授权, if either is filled in."""
    agent = {k: (form.get(f"agent_{k}") or "").strip() for k in ("name", "authorisation_document")}
    return agent if any(agent.values()) else None


def _payment_of(actor: Actor, case_id: int, disbursement_id: int) -> dict:
    found = disbursements.get_disbursement(services().uow(read_only=True), actor, disbursement_id)
    if found["case_id"] != case_id:
        abort(404)
    return found


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError as wrong:
        raise ValidationFailed("not a date", field="expected_by") from wrong
