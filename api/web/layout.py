"""What every page's template gets: the signed-in user, the language, the navigation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import Blueprint, request

from api.web import i18n
from api.web.auth import current_actor
from api.web.messages import MESSAGES
from reconcile.actors import ROLES


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    key: str
    roles: tuple[str, ...]
    section: str  #: the endpoint prefix that marks the item active


NAV = (
    NavItem("web.home.index", "nav.home", ROLES, "web.home."),
    NavItem("web.statements.upload_form", "nav.upload", ("finance", "admin"), "web.statements."),
    NavItem("web.orphans.index", "nav.orphans", ("finance", "admin"), "web.orphans."),
    NavItem("web.approvals.index", "nav.approvals", ("approver", "admin"), "web.approvals."),
    NavItem("web.alerts.index", "nav.alerts", ROLES, "web.alerts."),
    NavItem("web.cases.search", "nav.cases", ROLES, "web.cases."),
    NavItem(
        "web.reports.reconciliation_page",
        "nav.reconciliation",
        ("finance", "approver", "desk", "admin"),
        "web.reports.",
    ),
)


def alert_summary(alert: dict) -> str:
    """Return an alert's detail in the page's language, from its facts where we can."""
    pair = MESSAGES.get(f"summary.{alert['kind']}")
    if i18n.language() != "zh" or pair is None:
        return alert["detail"]
    facts = defaultdict(lambda: "—", {k: v for k, v in (alert["facts"] or {}).items() if v})
    return pair[0].format_map(facts)


def page_context() -> dict:
    """Return the names every template may use."""
    staff = current_actor()
    endpoint = request.endpoint or ""
    nav = [
        {"endpoint": n.endpoint, "key": n.key, "active": endpoint.startswith(n.section)}
        for n in NAV
        if staff is not None and staff.role in n.roles
    ]
    return {
        "staff": staff,
        "lang": i18n.language(),
        "nav": nav,
        "t": i18n.translate,
        "label": i18n.label,
        "suggestion_reason": i18n.suggestion_reason,
        "alert_summary": alert_summary,
    }


def register(bp: Blueprint) -> None:
    """Give the pages' templates their context."""
    bp.context_processor(page_context)
