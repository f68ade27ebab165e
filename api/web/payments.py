"""Finance's pages of payments: the review queue (财务复核) after the last approval level,
and the payment files (付款文件) for online banking, each downloadable again as issued."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import print_documents, queues
from api.web.auth import staff_required
from api.web.errors import back_with_error
from api.web.format import yuan
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.errors import DomainError
from reconcile.payment_files import EXTENSIONS, FORMATS, MEDIA_TYPES
from reconcile.permissions import Verb
from reconcile.services import disbursements, payment_files, payment_reviews

bp = Blueprint("payments", __name__, url_prefix="/payments")


@bp.get("/review")
@staff_required(Verb.REVIEW_PAYMENT)
def review_queue(actor: Actor):
    """List the payments every level approved, oldest first, for finance's review."""
    waiting = queues.every(disbursements.list_disbursements, actor, status="in_review")
    return render_template("payments/review.html", payments=waiting)


@bp.post("/<int:disbursement_id>/review")
@staff_required(Verb.REVIEW_PAYMENT)
def review(actor: Actor, disbursement_id: int):
    """Approve a payment after its levels, or return it to the requester with the reason."""
    decision = request.form.get("decision", "")
    try:
        reviewed = payment_reviews.review_disbursement(
            services().uow(),
            actor,
            disbursement_id,
            decision=decision if decision in ("approve", "return") else "approve",
            note=request.form.get("note"),
        )
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.payments.review_queue"))
    key = "review.approved" if reviewed["status"] == "approved" else "review.returned"
    flash(
        translate(key, amount=yuan(reviewed["amount"]), reference=reviewed["reference"]), "success"
    )
    return redirect(url_for("web.payments.review_queue"))


@bp.get("/files")
@staff_required(Verb.PAY)
def files(actor: Actor):
    """List the payment files, newest first, and the approved payments the next one takes."""
    approved = queues.every(disbursements.list_disbursements, actor, status="approved")
    pending = [d for d in approved if d["kind"] == "payment" and d["payment_batch_id"] is None]
    batches = queues.every(payment_files.list_payment_files, actor)
    return render_template(
        "payments/files.html", batches=list(reversed(batches)), pending=pending, formats=FORMATS
    )


@bp.post("/files")
@staff_required(Verb.PAY)
def export(actor: Actor):
    """Put the approved payments no file holds yet into a new payment file."""
    court = request.form.get("court") or None
    try:
        batch = payment_files.export_payment_file(services().uow(), actor, court=court)
    except DomainError as refusal:
        return back_with_error(refusal, url_for("web.payments.files"))
    flash(
        translate(
            "files.exported",
            id=batch["id"],
            count=batch["payment_count"],
            total=yuan(batch["total"]),
        ),
        "success",
    )
    return redirect(url_for("web.payments.files"))


@bp.get("/files/<int:batch_id>/download")
@staff_required(Verb.PAY)
def download(actor: Actor, batch_id: int):
    """Download a payment file again, as first issued, in csv, xlsx or pain.001."""
    format_name = request.args.get("format", "csv")
    if format_name not in FORMATS:
        format_name = "csv"
    batch, data = payment_files.download_payment_file(
        services().uow(), actor, batch_id, format_name
    )
    name = f"payment-file-{batch['id']}.{EXTENSIONS[format_name]}"
    return Response(
        data,
        content_type=MEDIA_TYPES[format_name],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/<int:disbursement_id>/approval-form")
@staff_required(Verb.READ)
def approval_form(actor: Actor, disbursement_id: int):
    """The printable 案款发放审批表: each level with its position, who decided it and when,
    and finance's review."""
    payment = disbursements.get_disbursement(services().uow(read_only=True), actor, disbursement_id)
    return print_documents.approval_form_page(actor, payment)
