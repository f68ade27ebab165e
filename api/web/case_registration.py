"""Register a case in the pages (登记案件, /cases/new): what `POST /api/v1/cases` does, through
the same use case (reconcile.services.cases.register_case), for a case the enforcement
system did not send. Fixed rows of applicants and respondents, the empty ones ignored; a
refusal is shown at the form with the input kept."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from api.context import services
from api.errors import STATUS_OF
from api.web.auth import staff_required
from api.web.case_actions import date_field, refusal_text
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.cases import AccountRef, NewCase, PartySpec
from reconcile.errors import DomainError, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import cases, lookups

bp = Blueprint("case_registration", __name__)

#: the form's rows of applicants and of respondents; empty rows are ignored
APPLICANT_ROWS = 3
RESPONDENT_ROWS = 3
APPLICANT_FIELDS = ("name", "id_number", "amount_due", "order", "account_number",
                    "account_name", "bank_name")  # fmt: skip
RESPONDENT_FIELDS = ("name", "id_number", "account_number")
#: the longest text of a field (by the end of its name), as the API's schema and the tables
LONGEST = {"case_number": 200, "name": 200, "account_name": 200, "bank_name": 200,
           "id_number": 64, "account_number": 64, "sub_account_number": 64}  # fmt: skip


@bp.get("/cases/new")
@staff_required(Verb.REGISTER_CASE)
def new_form(actor: Actor):
    """Show the registration form."""
    return _form(actor)


@bp.post("/cases/new")
@staff_required(Verb.REGISTER_CASE)
def register(actor: Actor):
    """Register the case with its parties and payee accounts; go to its page."""
    form = request.form
    try:
        settings = services().settings
        case = cases.register_case(
            services().uow(),
            actor,
            new_case_from_form(form),
            collection_account=_text(form.get("collection_account")),
            payee_change_levels=settings["approvals"]["payee_change_levels"],
        )
    except DomainError as refusal:
        message = refusal_text(refusal, "register")
        return _form(actor, message=message), STATUS_OF.get(refusal.code, 422)
    flash(
        translate(
            "register.done",
            case_number=case["case_number"],
            sub_account=case["sub_account_number"],
        ),
        "success",
    )
    return redirect(url_for("web.cases.view", case_id=case["id"]))


def new_case_from_form(form) -> NewCase:
    """Return the domain's NewCase for the posted form: its non-empty rows only."""
    _check_lengths(form)
    applicants = []
    for row in _rows(form, "a", APPLICANT_ROWS, APPLICANT_FIELDS):
        account = None
        if row["account_number"] or row["account_name"] or row["bank_name"]:
            account = AccountRef(row["account_number"], row["account_name"], row["bank_name"])
        applicants.append(
            PartySpec(
                row["name"],
                (account,) if account else (),
                id_number=row["id_number"],
                amount_due=_amount(row["amount_due"], "applicant_amount")
                if row["amount_due"]
                else None,
                order=_order(row["order"]),
            )
        )
    respondents = tuple(
        PartySpec(
            row["name"],
            (AccountRef(row["account_number"]),) if row["account_number"] else (),
            id_number=row["id_number"],
        )
        for row in _rows(form, "r", RESPONDENT_ROWS, RESPONDENT_FIELDS)
    )
    return NewCase(
        case_number=(form.get("case_number") or "").strip(),
        court=(form.get("court") or "").strip(),
        amount_due=_amount(form.get("amount_due") or "", "amount_due"),
        applicants=tuple(applicants),
        respondents=respondents,
        filed_on=date_field(form.get("filed_on"), field="filed_on"),
        sub_account_number=_text(form.get("sub_account_number")),
    )


def _form(actor: Actor, message: str | None = None) -> str:
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    courts = sorted(actor.courts)
    return render_template(
        "cases/new.html",
        courts=courts,
        # a choice only where a court has several collection accounts
        accounts=accounts if len(accounts) > len({a["court"] for a in accounts}) else [],
        applicant_rows=range(1, APPLICANT_ROWS + 1),
        respondent_rows=range(1, RESPONDENT_ROWS + 1),
        refusal={"message": message} if message else None,
        values=request.form.to_dict() if message else {},
    )


def _rows(form, prefix: str, count: int, fields: tuple[str, ...]) -> list[dict]:
    """Return the rows of the form that hold anything, each {field: text or None}."""
    rows = []
    for n in range(1, count + 1):
        row = {name: _text(form.get(f"{prefix}{n}_{name}")) for name in fields}
        if any(row.values()):
            rows.append(row)
    return rows


def _check_lengths(form) -> None:
    for key, value in form.items():
        field = key.split("_", 1)[1] if key[:1] in "ar" and key[1:2].isdigit() else key
        most = LONGEST.get(field)
        if most is not None and len(value.strip()) > most:
            respondent = key[:1] == "r" and field == "account_number"
            member = translate("register.respondent_account" if respondent else f"register.{field}")
            raise ValidationFailed(
                "{member} is at most {most} characters",
                field="too_long",
                member=member,
                most=str(most),
            )


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _amount(text: str, field: str) -> int:
    try:
        fen = parse_yuan(text.strip())
    except InvalidAmount as wrong:
        raise ValidationFailed("the amount is not a sum of yuan", field=field) from wrong
    if fen <= 0:
        raise ValidationFailed("the amount is not a sum of yuan", field=field)
    return fen


def _order(text: str | None) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 10_000:
        raise ValidationFailed("not a number", field="order")
    return int(text)
