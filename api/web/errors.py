"""Error pages for the staff pages, instead of the API's problem+json."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from api.message_catalogue import say_error
from api.web.i18n import language, translate
from reconcile.errors import DomainError

log = logging.getLogger(__name__)

#: domain error code -> the HTTP status of its page
PAGE_STATUS = {"not_found": 404, "forbidden": 403}


def register(bp: Blueprint) -> None:
    """Render the pages' errors as pages."""
    bp.register_error_handler(CSRFError, _csrf_refused)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(Exception, _unexpected)


def error_text(error: DomainError) -> str:
    """Return a domain error for people: its kind, then its detail, in the page's language."""
    return f"{translate(f'error.{error.code}')}：{say_error(error, language())}"


def back_with_error(error: DomainError, fallback: str):
    """Flash a refused action and go back to the page it came from."""
    flash(error_text(error), "error")
    return redirect(same_site_referrer() or fallback)


def same_site_referrer() -> str | None:
    """Return the page the request came from, if it is on this site."""
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else None


def _csrf_refused(error: CSRFError):
    return _page(400, translate("error.csrf"))


def _http_error(error: HTTPException):
    return _page(error.code or 500, translate(f"error.http_{error.code}", default=error.name))


def _domain_error(error: DomainError):
    return _page(PAGE_STATUS.get(error.code, 422), error_text(error))


def _unexpected(error: Exception):
    log.exception("unhandled error on a staff page")
    return _page(500, translate("error.http_500"))


def _page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status
