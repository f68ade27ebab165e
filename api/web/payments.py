"""Finance's pages of payments: the list of every payment (付款记录, #20), the review
queue (财务复核) after the last approval level, and the payment files (付款文件) for online
banking, each downloadable again as issued."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import disbursement_filters as filters
from api.web import exports, listing, print_documents, queues
from api.web.auth import staff_required
from api.web.errors import back_with_error
from api.web.format import yuan
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.clock import local_day
from reconcile.disbursement_lists import DisbursementSort
from reconcile.disbursements import DisbursementStatus
from reconcile.errors import DomainError
from reconcile.payment_files import EXTENSIONS, FORMATS, MEDIA_TYPES
from reconcile.permissions import Verb
from reconcile.services import (
    disbursement_lists,
    disbursements,
    payment_files,
    payment_reviews,
)

bp = Blueprint("payments", __name__, url_prefix="/payments")


PAGE = 50
STATUSES = tuple(DisbursementStatus)
EXPORT_COLUMNS = (
    "id",
    "reference",
    "kind",
    "status",
    "court",
    "case",
    "amount",
    "payee",
    "requested_by",
    "requested_on",
    "paid_on",
    "bank_reference",
    "note",
)


@bp.get("")
@staff_required(Verb.READ)
def index(actor: Actor):
    """List every payment and refund the filters show (付款记录): a status tab with the
    count of each, sorted, paged by key, with the 合计 of them all; exported as shown."""
    courts = filters.courts_of(actor)
    shown_filters, typed, refused = _filters(courts)
    status = shown_filters["status"]
    use = _use(actor, shown_filters)
    sort = filters.sort_of(DisbursementSort.NEWEST)
    if kind := listing.export_format():
        return _export(actor, use, sort, shown_filters, courts, kind)
    after = filters.cursor(request.args.get("after", ""), sort)
    uow = services().uow
    found = disbursement_lists.list_page(
        uow(read_only=True), actor, use, sort=sort, after=after, limit=PAGE + 1
    )
    page = found[:PAGE]
    counts = disbursement_lists.status_counts(uow(read_only=True), actor, use)
    shown = max(request.args.get("shown", 0, type=int), 0)
    return render_template(
        "payments/list.html",
        payments=page,
        totals=disbursement_lists.totals(uow(read_only=True), actor, use),
        counts={"": sum(counts.values()), **counts},
        status=status,
        statuses=STATUSES,
        chosen=shown_filters,
        typed=typed,
        refused=refused,
        sort=sort,
        sorts=filters.SORTS,
        kinds=filters.KINDS,
        courts=courts,
        more=filters.next_cursor(page[-1], sort) if len(found) > PAGE else None,
        shown=shown,
        first=shown + 1,
        query=listing.filter_args(),
    )


def _filters(courts: list[str]) -> tuple[dict, dict, list[str]]:
    shown, typed, refused = filters.chosen(courts)
    return {"status": listing.choice_arg("status", STATUSES, ""), **shown}, typed, refused


def _use(actor: Actor, chosen: dict):
    status = chosen["status"]
    rest = {k: v for k, v in chosen.items() if k != "status"}
    return disbursement_lists.filters(actor, statuses=(status,) if status else None, **rest)


def _export(actor: Actor, use, sort, chosen: dict, courts: list[str], kind: str):
    header = [translate(f"approvals.col.{c}") for c in EXPORT_COLUMNS]
    court = listing.court_label(chosen["court"], courts, translate("list.all_courts"))
    found = listing.listed(
        lambda after, limit: disbursement_lists.list_page(
            services().uow(read_only=True), actor, use, sort=sort, after=after, limit=limit
        ),
        here=filters.cursor(request.args.get("after", ""), sort),
        start=(None, 0),
        after_of=lambda d: disbursement_lists.next_cursor(d, sort),
        page=PAGE,
    )
    rows = (_export_row(d) for d in found)
    title, cut = translate("payments_list.export_title"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _export_row(d: dict) -> list:
    return [
        d["id"],
        d["reference"],
        label("disbursement", d["kind"]),
        label("status", d["status"]),
        d["court"],
        d["case_number"],
        exports.yuan(d["amount"]),
        d["payee_account_number"],
        d["requested_by"],
        local_day(d["requested_at"]),
        d["paid_on"],
        d["bank_reference"],
        d["note"],
    ]


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
