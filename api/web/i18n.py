"""The pages' languages: Simplified Chinese by default ([web] language), English on request.

Each message is a pair (zh, en) under a key; `translate` picks the session's language
and fills in `{named}` values. A missing key shows as itself, so it is seen and fixed.
"""

from __future__ import annotations

import re

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


#: the matcher's suggestion reasons, as patterns with the position in group 1
_REASONS = (
    (re.compile(r"digits at positions (\d+) and \d+ swapped"), "suggest.swapped"),
    (re.compile(r"one digit differs at position (\d+)"), "suggest.differs"),
    (re.compile(r"one digit missing at position (\d+)"), "suggest.missing"),
)


def suggestion_reason(reason: str) -> str:
    """Return why a case is suggested for an orphan, in the request's language."""
    for pattern, key in _REASONS:
        found = pattern.search(reason or "")
        if found:
            return translate(key, position=found.group(1))
    return label("suggest", reason)


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
