"""Staff pages: server-rendered, Simplified Chinese by default, one module per page group.

`register(app)` is called at the end of `create_app`. The pages sign staff in with a
session cookie and protect every form with a CSRF token; the JSON API under /api/v1
keeps its bearer tokens and is not touched by either.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import Blueprint, Flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from api import API_PREFIX
from api.web import (
    alerts,
    approvals,
    audit,
    auth,
    case_actions,
    case_closing,
    case_plans,
    case_registration,
    case_requests,
    cases,
    charts_page,
    errors,
    execution_checks,
    execution_fees,
    format,
    home,
    i18n,
    layout,
    line_rules,
    orphans,
    payments,
    print_documents,
    reports,
    statements,
    verify,
)

log = logging.getLogger(__name__)

csrf = CSRFProtect()

PAGE_GROUPS = (
    auth,
    home,
    statements,
    line_rules,
    orphans,
    approvals,
    payments,
    alerts,
    cases,
    case_registration,
    case_closing,
    case_actions,
    case_requests,
    case_plans,
    audit,
    reports,
    charts_page,
    execution_checks,
    execution_fees,
    verify,
    print_documents,
    i18n,
)


def register(app: Flask) -> None:
    """Attach the staff pages, their session settings and CSRF protection to the app."""
    web = app.extensions["reconcile"].settings["web"]
    _configure_session(app, web)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in the pages' blueprint only
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    csrf.init_app(app)
    pages = Blueprint("web", __name__)
    pages.before_request(csrf.protect)
    errors.register(pages)
    format.register(pages)
    layout.register(pages)
    for group in PAGE_GROUPS:
        pages.register_blueprint(group.bp)
    app.register_blueprint(pages)


class PagesSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions for the pages; none for the JSON API, which authenticates
    every request by its bearer token (no cookie read, verified or set there)."""

    def open_session(self, app, request):
        if request.path.startswith(API_PREFIX + "/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _configure_session(app: Flask, web: dict) -> None:
    app.session_interface = PagesSessionInterface()
    key = web["secret_key"]
    if not key:
        key = secrets.token_urlsafe(32)
        log.warning(
            "[web] secret_key is not set: using a random key for this process; staff "
            "sessions end when it restarts. Set RECONCILE_WEB_SECRET_KEY in production."
        )
    app.config.update(
        SECRET_KEY=key,
        SESSION_COOKIE_NAME="reconcile_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(web["cookie_secure"]),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=web["session_hours"]),
    )
