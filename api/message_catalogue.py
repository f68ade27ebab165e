"""The domain's messages in the reader's language: one gettext catalogue per language.

The domain says what happened as an English template and named facts (reconcile/errors.py);
`api/translations/<locale>/LC_MESSAGES/domain.po` holds each template's translation, and
`make messages` keeps the catalogue in step with the code (`pybabel extract` with
babel.cfg, then `pybabel update`). English is the templates themselves. The pages ask in the
session's language (api/web/i18n.py), the API in the one `Accept-Language` asks for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask import request

from reconcile.alert_texts import said_by
from reconcile.errors import render

LANGUAGES = ("zh", "en")
#: our language code -> the catalogue's locale
LOCALES = {"zh": "zh_Hans", "en": "en"}
TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "domain"
#: how a list of messages is said one after the other
SEPARATORS = {"zh": "，", "en": ", "}


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return template -> translation for `language` (empty for English)."""
    path = TRANSLATIONS / LOCALES.get(language, language) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        po = read_po(file)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def say(template: str, facts: dict, language: str) -> str:
    """Return the message `template` with `facts` in `language`; a template the catalogue
    lacks is said in English (tests/unit/test_messages.py fails on any)."""
    known = catalogue(language)
    return render(template, facts, lambda t: known.get(t, t), SEPARATORS.get(language, ", "))


def say_error(error, language: str) -> str:
    """Return a domain error's (or a parse error's) message in `language`."""
    return say(error.template, error.facts, language)


def requested_language(default: str) -> str:
    """Return the API request's language: the first of `Accept-Language`'s choices (by
    their weights) whose primary tag we speak (`zh-TW` is Chinese), else `default`."""
    for tag, _quality in request.accept_languages:  # werkzeug sorts them by weight
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return default


def say_alert(alert: dict, language: str) -> str | None:
    """Return an alert's text in `language`, from its kind's template and its facts; an
    alert whose facts do not fill the template keeps the English it was stored with."""
    facts = alert.get("facts") or {}
    template = said_by(alert["kind"], facts)
    if template is None:
        return alert.get("detail")
    return say(template, facts, language)


def say_note(alert: dict, name: str, language: str) -> str | None:
    """Return an alert's `acknowledge_note` or `resolve_note` in `language`: a note the
    service wrote is said from its template; a person's note is as they typed it."""
    said = alert.get(f"{name}_said")
    if said:
        return say(said["template"], said.get("facts") or {}, language)
    return alert.get(name)
