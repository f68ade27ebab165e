"""Approvals: the requests waiting for an approver — payments and refunds, and voids of
wrong statement imports — each with what to check it against."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import approval_requests, exports, listing, queues
from api.web import disbursement_filters as filters
from api.web.auth import staff_required
from api.web.errors import back_with_error, error_text, same_site_referrer
from api.web.format import yuan
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.clock import local_day
from reconcile.disbursement_lists import DisbursementSort
from reconcile.errors import DomainError
from reconcile.permissions import Verb
from reconcile.services import (
    approval_context,
    approval_queue,
    deferrals,
    disbursement_lists,
    disbursements,
    payee_accounts,
    statement_voids,
)

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


PAGE = 50
#: the most requests an export of the queue holds
MOST_EXPORTED = 2000
EXPORT_COLUMNS = (
    "id",
    "reference",
    "kind",
    "court",
    "case",
    "amount",
    "payee",
    "requested_by",
    "requested_on",
    "level",
    "position",
    "note",
)


@bp.get("")
@staff_required(Verb.APPROVE)
def index(actor: Actor):
    """List the requests waiting at a level the approver's position decides — the payments
    and refunds filtered, sorted, paged by key and totalled — each with its case or orphan
    beside it; then the statement voids and the other case requests."""
    courts = filters.courts_of(actor)
    chosen, typed, refused = _filters(actor, courts)
    sort = filters.sort_of(DisbursementSort.OLDEST)
    if kind := listing.export_format():
        waiting = listing.listed(
            lambda after, limit: _waiting(actor, chosen["filters"], sort, after=after, limit=limit),
            here=filters.cursor(request.args.get("after", ""), sort),
            start=(None, 0),
            after_of=lambda item: disbursement_lists.next_cursor(item[0], sort),
            page=PAGE,
            most=MOST_EXPORTED,
        )
        return _export(actor, waiting, chosen, courts, kind)
    after = filters.cursor(request.args.get("after", ""), sort)
    rest = _waiting(actor, chosen["filters"], sort, after=after, limit=PAGE + 1)
    shown = max(request.args.get("shown", 0, type=int), 0)
    page = rest[:PAGE]
    more = filters.next_cursor(page[-1][0], sort) if len(rest) > PAGE else None
    uow, settings = services().uow, services().settings
    voids = statement_voids.requested_voids(uow(read_only=True), actor)
    void_levels = queues.decisions(actor, statement_voids.STATEMENT_VOID, voids)
    return render_template(
        "approvals.html",
        requests=approval_context.with_context(uow(read_only=True), actor, settings, page),
        voids=[{"void": v, **void_levels[v["id"]]} for v in voids if void_levels[v["id"]]["yours"]],
        case_requests=approval_requests.waiting(actor),
        totals=approval_queue.waiting_totals(uow(read_only=True), actor, chosen["filters"]),
        chosen=chosen,
        typed=typed,
        refused=refused,
        sort=sort,
        sorts=filters.SORTS,
        kinds=filters.KINDS,
        courts=courts,
        more=more,
        shown=shown,
        first=shown + 1,
        query=listing.filter_args(),
        may_bulk=any(level["may_decide"] for _, level in page),
    )


@bp.post("/bulk-approve")
@staff_required(Verb.APPROVE)
def bulk_approve(actor: Actor):
    """Approve the ticked payment requests, each at its next level, with one note: all of
    them or none; a refusal names the request refused."""
    back = same_site_referrer() or url_for("web.approvals.index")
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    try:
        done = disbursement_lists.approve_many(
            services().uow(), actor, ids, request.form.get("note", "")
        )
    except DomainError as refusal:
        flash(_bulk_refusal_text(refusal), "error")
        return redirect(back)
    flash(
        translate("approvals.bulk_done", count=done["count"], amount=yuan(done["amount"])),
        "success",
    )
    return redirect(back)


def _bulk_refusal_text(refusal: DomainError) -> str:
    if "disbursement_id" not in refusal.facts:
        return error_text(refusal)
    why = refusal.facts.get("refusal") or refusal.code
    return translate(
        "approvals.bulk_refused",
        id=refusal.facts["disbursement_id"],
        why=translate(f"error.{why}", default=translate("error.domain_error")),
    )


def _filters(actor: Actor, courts: list[str]) -> tuple[dict, dict, list[str]]:
    """Return the filters chosen (as shown, and as the use case takes them), the amounts
    as typed and the amounts refused."""
    shown, typed, refused = filters.chosen(courts)
    use = disbursement_lists.filters(actor, statuses=("requested",), **shown)
    return {**shown, "filters": use}, typed, refused


def _waiting(
    actor: Actor,
    chosen,
    sort: DisbursementSort,
    *,
    after: tuple[int | None, int] = (None, 0),
    limit: int,
) -> list[tuple[dict, dict]]:
    """Return the requests the filters show at a level the actor's position decides,
    after the key `after` in `sort` order, at most `limit`, each with its level."""
    return approval_queue.waiting_page(
        services().uow(read_only=True), actor, chosen, sort=sort, after=after, limit=limit
    )


def _export(actor: Actor, waiting: list, chosen: dict, courts: list[str], kind: str):
    header = [translate(f"approvals.col.{c}") for c in EXPORT_COLUMNS]
    court = listing.court_label(chosen["court"], courts, translate("list.all_courts"))
    rows = (_export_row(d, level) for d, level in waiting)
    title, cut = translate("approvals.export_title"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _export_row(d: dict, level: dict) -> list:
    return [
        d["id"],
        d["reference"],
        label("disbursement", d["kind"]),
        d["court"],
        d["case_number"],
        exports.yuan(d["amount"]),
        d["payee_account_number"],
        d["requested_by"],
        local_day(d["requested_at"]),
        f"{d['approvals_count'] + 1}/{d['levels_required']}",
        level["position"],
        d["note"],
    ]


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
