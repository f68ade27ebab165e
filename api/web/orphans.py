"""The orphan queue (不明款): oldest booking first, filtered, paged, totalled and exported,
with suggestions; assign (one, many at once, or a credit split across cases) or refund,
with a reason; take a placed part off again."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from api.context import services
from api.web import exports, listing, queues
from api.web.auth import staff_required
from api.web.case_actions import date_field
from api.web.cases import find_case
from api.web.errors import error_text, same_site_referrer
from api.web.format import days_since, yuan
from api.web.i18n import label, translate
from reconcile.actors import Actor
from reconcile.clock import local_today
from reconcile.disbursements import DisbursementKind
from reconcile.errors import DomainError, NotFound, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import cases, disbursements, refund_reads, splits, transactions

bp = Blueprint("orphans", __name__, url_prefix="/orphans")


PAGE = 50


@bp.get("")
@staff_required(Verb.RESOLVE_ORPHAN)
def index(actor: Actor):
    """List the orphan credits the filters show, oldest booking first, a page at a time,
    with their suggested cases and the 合计 of them all."""
    chosen, typed, refused = _filters()
    if kind := listing.export_format():
        return _export(actor, chosen, kind)
    found = queues.orphans(
        actor, after=_cursor(request.args.get("after", "")), limit=PAGE + 1, **chosen
    )
    lines = found[:PAGE]
    shown = max(request.args.get("shown", 0, type=int), 0)
    return render_template(
        "orphans.html",
        lines=lines,
        card_refusal=session.pop(CARD_REFUSAL, None),
        rejected_refunds=refund_reads.rejected_refunds(
            services().uow(read_only=True), actor, lines
        ),
        open_refunds=refund_reads.open_refunds(services().uow(read_only=True), actor),
        today=local_today().isoformat(),
        totals=queues.orphan_totals(actor, **chosen),
        more=_next_cursor(lines[-1]) if len(found) > PAGE else None,
        shown=shown,
        first=shown + 1,
        chosen=chosen,
        typed=typed,
        refused=refused,
        query=listing.filter_args(),
    )


def _filters() -> tuple[dict, dict, list[str]]:
    """Return the filters of the query, the amounts as typed, and the amounts refused."""
    chosen = {"booked_from": listing.day_arg("from"), "booked_to": listing.day_arg("to")}
    typed, refused = {}, []
    for arg, name in (("min", "amount_min"), ("max", "amount_max")):
        typed[arg] = request.args.get(arg, "").strip()
        text = typed[arg].replace(",", "").replace("，", "")
        try:
            chosen[name] = parse_yuan(text) if text else None
        except InvalidAmount:
            chosen[name] = None
            refused.append(typed[arg])
    return {k: v for k, v in chosen.items() if v is not None}, typed, refused


def _cursor(text: str) -> tuple[date | None, int]:
    """Read the `after` of a page link, `day.id`; anything else is the first page."""
    day, _, line_id = text.partition(".")
    try:
        return (date.fromisoformat(day), int(line_id)) if line_id.isdigit() else (None, 0)
    except ValueError:
        return (None, 0)


def _next_cursor(last: dict) -> str:
    return f"{last['booked_on'].isoformat()}.{last['id']}"


EXPORT_COLUMNS = (
    "id",
    "booked_on",
    "age",
    "amount",
    "unplaced",
    "payer",
    "payer_account",
    "remark",
    "sub_account",
    "why",
    "court",
)


def _export(actor: Actor, chosen: dict, kind: str):
    header = [translate(f"orphans.col.{c}") for c in EXPORT_COLUMNS]
    court = listing.court_label(None, sorted(actor.courts), translate("list.all_courts"))
    lines = listing.listed(
        lambda after, limit: queues.orphans(actor, after=after, limit=limit, **chosen),
        here=_cursor(request.args.get("after", "")),
        start=(None, 0),
        after_of=lambda line: (line["booked_on"], line["id"]),
        page=PAGE,
    )
    rows = (_export_row(line) for line in lines)
    title, cut = translate("orphans.export_title"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _export_row(line: dict) -> list:
    return [
        line["id"],
        line["booked_on"],
        days_since(line["booked_on"]),
        exports.yuan(line["amount"]),
        exports.yuan(line["unplaced_amount"]),
        line["counterparty_name"],
        line["counterparty_account"],
        line["remark"],
        line["sub_account"],
        label("orphan", line["orphan_reason"] or "unidentified"),
        line["court"],
    ]


@bp.post("/<int:line_id>/assign")
@staff_required(Verb.RESOLVE_ORPHAN)
def assign(actor: Actor, line_id: int):
    """Place an orphan on the case chosen or typed in, with a reason."""
    try:
        case = _chosen_case(actor)
        line = transactions.assign_orphan(
            services().uow(), actor, line_id, case["id"], request.form.get("reason", "")
        )
    except DomainError as refusal:
        return _refused_at_card(line_id, "assign", refusal)
    flash(
        translate("orphans.assigned", amount=yuan(line["amount"]), case=case["case_number"]),
        "success",
    )
    return redirect(_back())


@bp.post("/<int:line_id>/refund")
@staff_required(Verb.RESOLVE_ORPHAN)
def refund(actor: Actor, line_id: int):
    """Request the refund of an orphan to the payer's account, with a reason."""
    try:
        line = transactions.refund_orphan(
            services().uow(),
            actor,
            line_id,
            request.form.get("reason", ""),
            settings=services().settings,
        )
    except DomainError as refusal:
        return _refused_at_card(line_id, "refund", refusal)
    flash(translate("orphans.refunding", amount=yuan(line["amount"])), "success")
    return redirect(_back())


@bp.post("/refunds/<int:disbursement_id>/paid")
@staff_required(Verb.PAY)
def refund_paid(actor: Actor, disbursement_id: int):
    """Record that finance paid an approved refund back to the payer at the bank."""
    refund = disbursements.get_disbursement(services().uow(read_only=True), actor, disbursement_id)
    if refund["kind"] != DisbursementKind.REFUND:
        abort(404)
    try:
        reference = (request.form.get("bank_reference") or "").strip()
        if not reference:
            raise ValidationFailed("the bank reference is missing", field="bank_reference")
        paid = disbursements.mark_paid(
            services().uow(),
            actor,
            disbursement_id,
            bank_reference=reference,
            paid_on=date_field(request.form.get("paid_on")),
        )
    except DomainError as refusal:
        flash(card_refusal_text(refusal), "error")
        return redirect(url_for("web.orphans.index") + "#refunds")
    flash(
        translate("orphans.refund_marked_paid", id=paid["id"], amount=yuan(paid["amount"])),
        "success",
    )
    return redirect(url_for("web.orphans.index") + "#refunds")


@bp.post("/<int:line_id>/split")
@staff_required(Verb.RESOLVE_ORPHAN)
def split(actor: Actor, line_id: int):
    """Place parts of one credit on several cases (case typed in, amount), with a reason."""
    try:
        parts = _parts(actor)
        line = splits.split_credit(
            services().uow(), actor, line_id, parts, request.form.get("reason", "")
        )
    except DomainError as refusal:
        return _refused_at_card(line_id, "split", refusal)
    placed = sum(amount for _, amount in parts)
    flash(
        translate(
            "orphans.split_done",
            amount=yuan(placed),
            count=len(parts),
            left=yuan(line["unplaced_amount"]),
        ),
        "success",
    )
    return redirect(_back())


@bp.post("/assign-bulk")
@staff_required(Verb.RESOLVE_ORPHAN)
def assign_bulk(actor: Actor):
    """Assign every ticked orphan to the case chosen beside it: all of them, or none."""
    picked = [value for value in request.form.getlist("line") if value.isdigit()]
    items = []
    for line_id in picked:
        case_id = request.form.get(f"case_{line_id}", "")
        if case_id.isdigit():
            items.append((int(line_id), int(case_id)))
    try:
        if not items:
            raise ValidationFailed("tick at least one credit", field="items")
        done = splits.assign_bulk(services().uow(), actor, items, request.form.get("reason", ""))
    except DomainError as refusal:
        flash(card_refusal_text(refusal), "error")
        return redirect(_back())
    flash(translate("orphans.bulk_done", count=done["assigned"]), "success")
    return redirect(_back())


@bp.post("/<int:line_id>/parts/<int:part_id>/unassign")
@staff_required(Verb.RESOLVE_ORPHAN)
def unassign_part(actor: Actor, line_id: int, part_id: int):
    """Take one placed part of a credit off its case again, with a reason."""
    try:
        transactions.unassign(
            services().uow(), actor, line_id, request.form.get("reason", ""), part_id=part_id
        )
    except DomainError as refusal:
        return _refused_at_card(line_id, f"part-{part_id}", refusal)
    flash(translate("orphans.part_taken_off"), "success")
    return redirect(_back())


#: the session key of a refused card form, shown at its card once, with what was typed
CARD_REFUSAL = "orphan_card_refusal"


def _refused_at_card(line_id: int, form: str, error: DomainError):
    """Go back to the queue's page the form came from, to its card, where the refusal shows
    in the page's language with the card's input kept."""
    values = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
    session[CARD_REFUSAL] = {
        "line": line_id,
        "form": form,
        "message": card_refusal_text(error),
        "values": values,
    }
    return redirect(_back().split("#")[0] + f"#orphan-{line_id}")


def card_refusal_text(error: DomainError) -> str:
    """Say a refusal at an orphan's card from its code and facts, never its English."""
    kind = translate(f"error.{error.code}", default=translate("error.domain_error"))
    if isinstance(error, NotFound) and "case" in error.facts:
        return translate("orphans.refused.no_case", case=error.facts["case"])
    field = getattr(error, "field", None)
    words = translate(f"orphans.refused.{error.code}.{field}", default="") if field else ""
    words = words or translate(f"orphans.refused.{error.code}", default="", **error.facts)
    return f"{kind}：{words}" if words else error_text(error)


def _back() -> str:
    """The page of the queue the form was sent from, with its filters; else the first."""
    return same_site_referrer() or url_for("web.orphans.index")


def _parts(actor: Actor) -> list[tuple[int, int]]:
    """Return the (case id, fen) of each filled row of the split form."""
    refs = request.form.getlist("part_case")
    amounts = request.form.getlist("part_amount")
    parts = []
    for ref, amount in zip(refs, amounts, strict=False):
        ref, amount = ref.strip(), amount.strip()
        if not ref and not amount:
            continue
        case = find_case(actor, ref) if ref else None
        if case is None:
            raise NotFound("no case {case} in your courts", case=ref)
        try:
            parts.append((case["id"], parse_yuan(amount)))
        except InvalidAmount as e:
            raise ValidationFailed("{reason}", reason=e, field="amount") from e
    return parts


def _chosen_case(actor: Actor) -> dict:
    typed = request.form.get("case_ref", "").strip()
    chosen = request.form.get("case_id", "")
    if not typed and not chosen.isdigit():
        raise ValidationFailed("choose a suggested case or type a case number", field="case")
    case = find_case(actor, typed) if typed else None
    if typed and case is None:
        raise NotFound("no case {case} in your courts", case=typed)
    return case or cases.get_case(services().uow(read_only=True), actor, int(chosen))
