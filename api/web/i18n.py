"""The pages' languages: Simplified Chinese by default ([web] language), English on request.

Each message is a pair (zh, en) under a key; `translate` picks the session's language
and fills in `{named}` values. A missing key shows as itself, so it is seen and fixed.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from api.context import services
from api.web import auth  # the module: auth imports this one
from api.web.messages import MESSAGES
from api.web.redirects import same_site_path
from reconcile.services import users

LANGUAGES = ("zh", "en")

bp = Blueprint("i18n", __name__)


def language() -> str:
    """Return the language of this request: the session's choice, else the configured one."""
    chosen = session.get("language") or services().settings["web"]["language"]
    return chosen if chosen in LANGUAGES else "zh"


def translate(key: str, default: str | None = None, **values) -> str:
    """Return the message `key` in the request's language, with `values` filled in."""
    pair = MESSAGES.get(key)
    if pair is None:
        return default if default is not None else key
    text = pair[LANGUAGES.index(language())]
    if text is None:
        return default if default is not None else key
    return text.format(**values) if values else text


def label(group: str, value: object) -> str:
    """Return the name of a code (a status, a kind, a role) in the request's language."""
    return translate(f"{group}.{value}", default=str(value))


def suggestion_reason(suggestion: dict) -> str:
    """Return why a case is suggested (an orphan's suggestion, a search's near miss), in the
    request's language: a typing error from its kind and position, else by its reason."""
    typo = suggestion.get("typo")
    if typo:
        return translate(f"suggest.{typo['kind']}", position=typo["position"])
    return label("suggest", suggestion.get("reason"))


@bp.post("/language")
def switch():
    """Switch the session's language and go back."""
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES:
        session["language"] = chosen
        staff = auth.current_actor()
        if staff is not None and staff.id.startswith("user:"):
            users.keep_language(services().uow(), staff, chosen)
    target = same_site_path(request.form.get("next")) or url_for("web.home.index")
    return redirect(target)
