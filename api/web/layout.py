"""What every page's template gets: the signed-in user, the language, the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, request

from api.message_catalogue import say_alert, say_note
from api.web import i18n, listing
from api.web.auth import current_actor
from reconcile.permissions import Verb, may


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    key: str
    verb: Verb  #: shown to the roles that may do it
    section: str  #: the endpoint prefix that marks the item active


NAV = (
    NavItem("web.home.index", "nav.home", Verb.READ, "web.home."),
    NavItem("web.statements.upload_form", "nav.upload", Verb.IMPORT_STATEMENT, "web.statements."),
    NavItem("web.orphans.index", "nav.orphans", Verb.RESOLVE_ORPHAN, "web.orphans."),
    NavItem("web.approvals.index", "nav.approvals", Verb.APPROVE, "web.approvals."),
    NavItem("web.payments.review_queue", "nav.review", Verb.REVIEW_PAYMENT, "web.payments.review"),
    NavItem("web.payments.files", "nav.payment_files", Verb.PAY, "web.payments.files"),
    NavItem("web.payments.index", "nav.payments_list", Verb.PAY, "web.payments.index"),
    NavItem("web.alerts.index", "nav.alerts", Verb.READ, "web.alerts."),
    NavItem("web.cases.search", "nav.cases", Verb.READ, "web.cases."),
    NavItem("web.verify.check", "nav.verify", Verb.VERIFY_ACCOUNT, "web.verify."),
    NavItem("web.checks.check_page", "nav.checks", Verb.READ, "web.checks."),
    NavItem(
        "web.reports.reconciliation_page",
        "nav.reconciliation",
        Verb.READ_RECONCILIATION,
        "web.reports.",
    ),
    NavItem("web.charts.index", "nav.charts", Verb.READ_RECONCILIATION, "web.charts."),
)


def alert_summary(alert: dict) -> str:
    """Return an alert's text in the page's language, from its kind's template and facts."""
    return say_alert(alert, i18n.language()) or ""


def alert_note(alert: dict, name: str) -> str | None:
    """Return an alert's note in the page's language (a person's note as typed)."""
    return say_note(alert, name, i18n.language())


def page_context() -> dict:
    """Return the names every template may use."""
    staff = current_actor()
    endpoint = request.endpoint or ""
    nav = [
        {"endpoint": n.endpoint, "key": n.key, "active": endpoint.startswith(n.section)}
        for n in NAV
        if staff is not None and may(staff.role, n.verb)
    ]
    return {
        "staff": staff,
        "may": lambda verb: staff is not None and may(staff.role, Verb(verb)),
        "lang": i18n.language(),
        "nav": nav,
        "t": i18n.translate,
        "label": i18n.label,
        "suggestion_reason": i18n.suggestion_reason,
        "alert_summary": alert_summary,
        "alert_note": alert_note,
        "export_links": listing.export_links,
    }


def register(bp: Blueprint) -> None:
    """Give the pages' templates their context."""
    bp.context_processor(page_context)
