"""The case list (search, filters, sort, pages, totals, export) and one case's page."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from api.context import services
from api.web import exports, listing
from api.web.auth import staff_required
from api.web.case_returns import return_sections
from api.web.case_sections import more_sections
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.case_search import MAX_QUERY, CaseFilters, CaseSort, MatchKind, read_query
from reconcile.clock import local_today
from reconcile.errors import ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan
from reconcile.permissions import Verb
from reconcile.services import (
    case_search,
    cases,
    deadlines,
    deferrals,
    disbursements,
    holds,
    lookups,
)

bp = Blueprint("cases", __name__, url_prefix="/cases")

PAGE = 50
LEDGER_PAGE = 100
#: the list's query arguments that a page link keeps
FILTER_ARGS = (
    "q", "status", "court", "overdue", "held", "suggested", "available_gt", "sort", "order"
)  # fmt: skip
_CURSOR = re.compile(r"([0-9]{1,12})\.([0-9]{1,18})")
#: the export's columns: (message key, value of a case view)
EXPORT_COLUMNS = (
    ("case.number", lambda c: c["case_number"]),
    ("case.court", lambda c: c["court"]),
    ("caselist.status", lambda c: translate(f"case_status.{c['status']}", default=c["status"])),
    ("case.filed_on", lambda c: c["filed_on"]),
    ("case.applicant", lambda c: "、".join(p["name"] for p in c["applicants"])),
    ("case.respondent", lambda c: "、".join(p["name"] for p in c["respondents"])),
    ("case.sub_account", lambda c: c["sub_account_number"]),
    ("caselist.amount_due", lambda c: exports.yuan(c["amount_due"])),
    *(
        (f"balance.{b}", lambda c, b=b: exports.yuan(c["balance"][b]))
        for b in ("received", "held", "pending", "approved_unpaid", "paid", "available")
    ),
)


@bp.get("")
@staff_required(Verb.READ)
def search(actor: Actor):
    """List the actor's cases: one search box, filters, sort, pages, totals, export."""
    filters, chosen = _filters(actor)
    uow = services().uow
    if kind := listing.export_format():
        return _export(actor, filters, kind)
    found = case_search.search_cases(
        uow(read_only=True), actor, filters, after=_after(), limit=PAGE
    )
    exact = _exact_hit(filters, found["items"])
    if exact is not None:
        return redirect(url_for("web.cases.view", case_id=exact["id"]))
    near_miss = any(
        (i.get("match") or {}).get("kind") == MatchKind.SUB_ACCOUNT_NEAR_MISS
        for i in found["items"]
    )
    # offered cases are not what the filters show: no 合计, nothing to export
    totals = None if near_miss else case_list_totals(actor, filters, found["items"])
    missing = bool(filters.query) and not found["items"]
    page = render_template(
        "cases/search.html",
        query=chosen.get("q", ""),
        chosen=chosen,
        items=found["items"],
        totals=totals,
        near_miss=near_miss,
        missing=missing,
        courts=sorted(actor.courts),
        sorts=[s.value for s in CaseSort],
        next_url=_page_url(chosen, found["next"]) if found["next"] else None,
    )
    return page, 404 if missing else 200


def case_list_totals(actor: Actor, filters: CaseFilters, items: list[dict]) -> dict | None:
    """The 合计 row: every case the filters show (not only this page)."""
    if not items:
        return None
    return case_search.case_list_totals(services().uow(read_only=True), actor, filters)


@bp.get("/<int:case_id>")
@staff_required(Verb.READ)
def view(actor: Actor, case_id: int):
    """Show a case with its ledger (paged), holds, disbursements and deadlines."""
    return case_page(actor, case_id)


def case_page(actor: Actor, case_id: int, refusal: dict | None = None) -> str:
    """Render a case's page; `refusal` puts a refused action's words and input at its form."""
    uow, settings = services().uow, services().settings
    case = cases.get_case(uow(read_only=True), actor, case_id)
    after = _int_arg("after")
    ledger = cases.ledger_page(
        uow(read_only=True), actor, case_id, after_id=after, limit=LEDGER_PAGE
    )
    return render_template(
        "cases/view.html",
        case=case,
        ledger=ledger,
        ledger_first=after == 0,
        holds=holds.holds_of_case(uow(read_only=True), actor, case_id),
        payments=disbursements.list_disbursements(uow(read_only=True), actor, case_id=case_id),
        deadlines=deadlines.case_deadlines(uow(read_only=True), actor, case_id, settings),
        deferrals=deferrals.deferrals_of_case(uow(read_only=True), actor, case_id),
        refusal=refusal,
        payees=[(p["name"], a) for p in case["applicants"] for a in p["payee_accounts"]],
        today=local_today().isoformat(),
        **more_sections(actor, case_id),
        **return_sections(actor, case_id),
    )


def find_case(actor: Actor, text: str) -> dict | None:
    """Return the case with this number (any bracket style) or sub-account number, or None."""
    uow = services().uow
    try:
        found = cases.find_case(uow(read_only=True), actor, text)
    except ValidationFailed:  # not a case number: perhaps a sub-account number
        found = None
    return found or lookups.find_case_by_sub_account(uow(read_only=True), actor, text)


def _filters(actor: Actor) -> tuple[CaseFilters, dict]:
    """Return the filters of the query string, and the arguments as chosen (for links)."""
    args, chosen = request.args, {}
    for name in FILTER_ARGS:
        if args.get(name, "").strip():
            chosen[name] = args[name].strip()[:MAX_QUERY]
    sort = chosen.get("sort") if chosen.get("sort") in {s.value for s in CaseSort} else "registered"
    filters = CaseFilters(
        query=read_query(chosen["q"]) if chosen.get("q") else None,
        status=chosen.get("status") if chosen.get("status") in ("open", "closed") else None,
        court=chosen.get("court") if chosen.get("court") in actor.courts else None,
        overdue=_yes_no(chosen.get("overdue")),
        held=_yes_no(chosen.get("held")),
        suggested=_yes_no(chosen.get("suggested")),
        available_gt=_fen(chosen.get("available_gt")),
        sort=CaseSort(sort),
        descending=chosen.get("order") != "asc",
    )
    return filters, chosen


def _exact_hit(filters: CaseFilters, items: list[dict]) -> dict | None:
    """The one case a whole case number or sub-account names: opened, not listed."""
    query = filters.query
    if query is None or len(items) != 1:
        return None
    item = items[0]
    whole_sub_account = query.digits == item["sub_account_number"]
    return item if query.case_number is not None or whole_sub_account else None


def _export(actor: Actor, filters: CaseFilters, kind: str) -> Response:
    """Download the page of cases shown (`scope=page`) or every case the filters show (at
    most MAX_EXPORT_ROWS), with the 合计 row of them all, as the page shows it."""
    uow = services().uow
    try:
        if listing.this_page_only():
            found = case_search.search_cases(
                uow(read_only=True), actor, filters, after=_after(), limit=PAGE
            )["items"]
        else:
            found = case_search.export_cases(uow(read_only=True), actor, filters)
    except ValidationFailed:
        flash(translate("caselist.too_many", count=case_search.MAX_EXPORT_ROWS), "error")
        return redirect(_page_url(_filters(actor)[1], None))
    header = [translate(key) for key, _ in EXPORT_COLUMNS]
    rows = [[value(c) for _, value in EXPORT_COLUMNS] for c in found]
    rows.append(_totals_row(case_search.case_list_totals(uow(read_only=True), actor, filters)))
    court = listing.court_label(filters.court, sorted(actor.courts), translate("list.all_courts"))
    title, cut = translate("caselist.file_name"), translate("list.export_cut")
    return listing.download(kind, title, header, rows, court, cut=cut)


def _totals_row(totals: dict) -> list:
    row: list = [translate("caselist.total"), translate("caselist.count", count=totals["count"])]
    row += [None] * 6  # no sum of amounts due: the ledgers alone answer the totals
    buckets = ("received", "held", "pending", "approved_unpaid", "paid", "available")
    return row + [exports.yuan(totals[b]) for b in buckets]


def _page_url(chosen: dict, next_key: tuple[int, int] | None, **extra) -> str:
    args = {k: v for k, v in chosen.items() if k in FILTER_ARGS}
    if next_key is not None:
        args["cursor"] = base64.urlsafe_b64encode(f"{next_key[0]}.{next_key[1]}".encode()).decode()
    args.update(extra)
    base = url_for("web.cases.search")
    return f"{base}?{urlencode(args)}" if args else base


def _after() -> tuple[int, int] | None:
    """The key of the page's cursor; a cursor that is not one shows the first page."""
    cursor = request.args.get("cursor", "")
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (ValueError, binascii.Error):
        return None
    match = _CURSOR.fullmatch(decoded)
    return (int(match[1]), int(match[2])) if match else None


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _fen(value: str | None) -> int | None:
    try:
        return parse_yuan(value) if value else None
    except InvalidAmount:
        return None


def _int_arg(name: str) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0
