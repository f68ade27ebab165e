"""The documents a court files, to print (`@media print`) and, where one is sent out, as PDF:
支付案款通知 (to finance), 退款审批表, the case's 分户账 and the execution notice's account
block. Each names the court, the case, the amount in figures and in capitals, who asked
and who approved at which level and when, the print time, and has signature lines.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from api.context import services
from api.web.auth import staff_required
from api.web.errors import same_site_referrer
from api.web.format import local_time, yuan
from api.web.i18n import label, translate
from api.web.print_pdf import Document, render_pdf
from reconcile import clock
from reconcile.actors import Actor
from reconcile.amount_in_words import in_capitals
from reconcile.disbursements import DisbursementKind
from reconcile.permissions import Verb
from reconcile.services import cases, court_documents, disbursements, transactions

bp = Blueprint("print", __name__)

#: entries read per query while the whole statement is gathered for print
LEDGER_BATCH = 500


def decision_rows(d: dict) -> list[dict]:
    """Return one row per approval level (decided or waiting), then finance's review."""
    rows = []
    positions = d.get("level_positions") or []
    for level in range(1, d["levels_required"] + 1):
        a = next((x for x in d["approvals"] if x["level"] == level), None)
        position = (positions[level - 1] if level <= len(positions) else None) or (
            a["approver_position"] if a else None
        )
        who = "—"
        if a:
            who = a["approver_name"] + (
                f"（{a['approver_position']}）" if a["approver_position"] else ""
            )
        rows.append(
            {
                "level": translate("approvals.decided", level=level),
                "position": position or "—",
                "who": who,
                "decision": label("decision", a["decision"]) if a else translate("form.waiting"),
                "when": local_time(a["decided_at"]) if a else "—",
                "note": (a["note"] or "") if a else "",
                "review": False,
            }
        )
    if d.get("review_required"):
        reviewed = d.get("reviewed_at") is not None
        rows.append(
            {
                "level": translate("review.title"),
                "position": translate("form.finance"),
                "who": d.get("reviewed_by") or "—",
                "decision": label("status", d["status"]) if reviewed else translate("form.waiting"),
                "when": local_time(d["reviewed_at"]) if reviewed else "—",
                "note": d.get("review_note") or "",
                "review": True,
            }
        )
    return rows


def _base(actor: Actor, court: str, title_key: str, **extra) -> dict:
    uow = services().uow
    return {
        "court_name": court_documents.court_name(uow(read_only=True), actor, court),
        "title": translate(title_key),
        "printed_at": local_time(clock.utc_now()),
        "printed_by": actor.name,
        **extra,
    }


def approval_form_page(actor: Actor, payment: dict) -> str:
    """Render the 案款发放审批表 in the shared print layout."""
    return render_template(
        "payments/approval_form.html",
        d=payment,
        in_words=in_capitals(payment["amount"]),
        rows=decision_rows(payment),
        doc=_base(actor, payment["court"], "form.title", case_number=payment["case_number"])
        | {"number": payment["reference"], "signatures": _form_signatures()},
        back_url=same_site_referrer(),
    )


def _form_signatures() -> list[str]:
    return [translate("print.sign.handler"), translate("print.sign.approver")]


@bp.get("/payments/<int:disbursement_id>/notice")
@staff_required(Verb.READ)
def payment_notice(actor: Actor, disbursement_id: int):
    """The 支付案款通知 to finance: page to print, or `?format=pdf` to send."""
    d = disbursements.get_disbursement(services().uow(read_only=True), actor, disbursement_id)
    if d["kind"] == DisbursementKind.REFUND:
        abort(404)
    case = cases.get_case(services().uow(read_only=True), actor, d["case_id"])
    doc = _base(actor, d["court"], "print.notice.title", case_number=d["case_number"])
    payee_name, bank = _payee_of(case, d["payee_account_number"])
    fields = [
        (translate("print.notice.payee_name"), d.get("payee_account_name") or payee_name),
        (translate("print.notice.payee_account"), d["payee_account_number"]),
        (translate("print.notice.payee_bank"), bank or "—"),
        (translate("print.amount"), translate("print.yuan_sign", amount=yuan(d["amount"]))),
        (translate("print.amount_words"), in_capitals(d["amount"])),
        (translate("print.notice.reference"), d["reference"]),
        (translate("print.notice.note"), d["note"] or "—"),
        (translate("print.notice.requested"), d["requested_by"]),
        (translate("print.notice.requested_at"), local_time(d["requested_at"])),
        (translate("print.notice.status"), label("status", d["status"])),
    ]
    document = Document(
        court_name=doc["court_name"],
        title=doc["title"],
        number=d["reference"],
        case_number=d["case_number"],
        lead=[
            translate("print.notice.to"),
            translate("print.notice.body", case_number=d["case_number"]),
        ],
        fields=fields,
        decisions=decision_rows(d),
        signatures=[
            translate("print.sign.handler"),
            translate("print.sign.approver"),
            translate("print.sign.finance"),
        ],
        printed_at=doc["printed_at"],
        printed_by=doc["printed_by"],
    )
    if request.args.get("format") == "pdf":
        return _pdf(document, f"payment-notice-{d['reference']}.pdf")
    return render_template(
        "print/document.html",
        doc=document,
        testid="notice",
        pdf_url=url_for("web.print.payment_notice", disbursement_id=d["id"], format="pdf"),
        back_url=url_for("web.cases.view", case_id=d["case_id"]) + "#payments",
    )


@bp.get("/payments/<int:disbursement_id>/refund-form")
@staff_required(Verb.READ)
def refund_form(actor: Actor, disbursement_id: int):
    """The 退款审批表 of a refund of unidentified funds to the payer's own account."""
    uow = services().uow
    d = disbursements.get_disbursement(uow(read_only=True), actor, disbursement_id)
    if d["kind"] != DisbursementKind.REFUND or d["refund_of_transaction_id"] is None:
        abort(404)
    line = transactions.get_transaction(uow(read_only=True), actor, d["refund_of_transaction_id"])
    doc = _base(actor, d["court"], "print.refund.title")
    fields = [
        (translate("print.refund.booked_on"), str(line["booked_on"])),
        (translate("print.refund.bank_reference"), line.get("bank_reference") or "—"),
        (translate("print.refund.payer"), line["counterparty_name"] or "—"),
        (translate("print.refund.payer_account"), d["payee_account_number"]),
        (translate("print.refund.remark"), line["remark"] or "—"),
        (translate("print.amount"), translate("print.yuan_sign", amount=yuan(d["amount"]))),
        (translate("print.amount_words"), in_capitals(d["amount"])),
        (translate("print.refund.reason"), d["note"] or "—"),
        (translate("print.notice.requested"), d["requested_by"]),
        (translate("print.notice.requested_at"), local_time(d["requested_at"])),
        (translate("print.notice.status"), label("status", d["status"])),
    ]
    document = Document(
        court_name=doc["court_name"],
        title=doc["title"],
        number=d["reference"],
        case_number=None,
        lead=[],
        fields=fields,
        decisions=decision_rows(d),
        signatures=[translate("print.sign.clerk"), translate("print.sign.approver")],
        printed_at=doc["printed_at"],
        printed_by=doc["printed_by"],
    )
    return render_template(
        "print/document.html", doc=document, testid="refund", back_url=same_site_referrer()
    )


@bp.get("/cases/<int:case_id>/account-statement")
@staff_required(Verb.READ)
def account_statement(actor: Actor, case_id: int):
    """The case's 分户账: every ledger entry with its running balances, and the totals."""
    uow = services().uow
    case = cases.get_case(uow(read_only=True), actor, case_id)
    entries, totals, after = [], None, 0
    while True:
        page = cases.ledger_page(
            uow(read_only=True), actor, case_id, after_id=after, limit=LEDGER_BATCH
        )
        entries += page["items"]
        totals = page["totals"]
        if page["next"] is None:
            break
        after = page["next"]
    doc = _base(actor, case["court"], "print.statement.title", case_number=case["case_number"])
    doc["signatures"] = [translate("print.sign.maker"), translate("print.sign.checker")]
    return render_template(
        "print/statement.html",
        case=case,
        entries=entries,
        totals=totals,
        doc=doc,
        back_url=url_for("web.cases.view", case_id=case_id),
    )


@bp.get("/cases/<int:case_id>/notice-account")
@staff_required(Verb.READ)
def notice_account(actor: Actor, case_id: int):
    """The execution notice's account block (payment-instructions): to print, or as PDF."""
    hotline = services().settings["desk"]["hotline"]
    block = cases.payment_instructions(services().uow(read_only=True), actor, case_id, hotline)
    case = cases.get_case(services().uow(read_only=True), actor, case_id)
    doc = _base(actor, case["court"], "print.instructions.title")
    document = Document(
        court_name=doc["court_name"],
        title=doc["title"],
        number=None,
        case_number=block["case_number"],
        lead=[],
        fields=[
            (translate("print.instructions.account_name"), block["account_name"]),
            (translate("print.instructions.sub_account"), block["sub_account_number"]),
            (translate("print.instructions.bank"), block["bank_name"]),
            (translate("print.instructions.hotline"), block["hotline"]),
        ],
        decisions=None,
        text=block["text"].splitlines(),
        signatures=[],
        seal=True,
        printed_at=doc["printed_at"],
        printed_by=doc["printed_by"],
    )
    if request.args.get("format") == "pdf":
        return _pdf(document, f"notice-account-{case_id}.pdf")
    return render_template(
        "print/document.html",
        doc=document,
        testid="instructions",
        pdf_url=url_for("web.print.notice_account", case_id=case_id, format="pdf"),
        back_url=url_for("web.cases.view", case_id=case_id),
    )


def _payee_of(case: dict, account_number: str) -> tuple[str, str | None]:
    for applicant in case["applicants"]:
        for account in applicant["payee_accounts"]:
            if account["account_number"] == account_number:
                return account["account_name"] or applicant["name"], account["bank_name"]
    return "—", None


def _pdf(document: Document, name: str) -> Response:
    body = render_pdf(document, labels=_pdf_labels())
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


def _pdf_labels() -> dict:
    keys = ("case_number", "number", "printed_at", "printed_by", "date", "seal", "approvals")
    labels = {k: translate(f"print.{k}") for k in keys}
    labels["columns"] = [
        translate("form.level"),
        translate("form.position"),
        translate("form.decided_by"),
        translate("form.decision"),
        translate("form.when"),
        translate("approvals.note"),
    ]
    labels["signature"] = lambda role: translate("print.signature", role=role)
    return labels
