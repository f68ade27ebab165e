"""Signing staff in and out, and the guard every page stands behind.

The session cookie (signed by Flask) carries only a random session id; whether it is
still good (not signed out, not expired) is the database's answer (staff_sessions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from api.context import services
from api.web.i18n import translate
from api.web.redirects import same_site_path
from reconcile.actors import Actor
from reconcile.permissions import Verb, may
from reconcile.services import staff_sessions, users

bp = Blueprint("auth", __name__)

#: the session key of the session id
SESSION_ID = "sid"


def current_actor() -> Actor | None:
    """Return the signed-in user as an Actor, or None (signed out, expired, or disabled)."""
    if "staff" not in g:
        g.staff = _session_actor()
    return g.staff


def _session_actor() -> Actor | None:
    token = session.get(SESSION_ID)
    if not token:
        return None
    web = services().settings["web"]
    live = staff_sessions.live_session(services().uow(read_only=True), token, web)
    if live is None:
        session.pop(SESSION_ID, None)
        return None
    if live.stale:
        staff_sessions.record_activity(services().uow(), live)
    return users.staff_actor(services().uow(read_only=True), live.user_id)


def staff_required(verb: Verb) -> Callable:
    """Let in only signed-in users whose role may do `verb`; others sign in first or get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return redirect(url_for("web.auth.login", next=request.full_path.rstrip("?")))
            if not may(actor.role, verb):
                abort(403)
            return view(actor, *args, **kwargs)

        guarded.verb = verb
        return guarded

    return decorate


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in with a name and password."""
    if request.method == "GET":
        return render_template("login.html", next=_safe_next(), error=None)
    username = request.form.get("username", "").strip()
    try:
        signed_in = users.authenticate(
            services().uow(),
            username,
            request.form.get("password", ""),
            services().settings,
            source=source_address(),
        )
    except users.SignInRefused:
        # one answer for every refusal: it must not tell a wrong password from an
        # unknown name, a disabled account or too many attempts
        return render_template(
            "login.html", next=_safe_next(), error=translate("login.wrong"), username=username
        )
    _start_session(signed_in.session_token, signed_in.language)
    return redirect(_safe_next() or url_for("web.home.index"))


@bp.post("/logout")
def logout():
    """End the session, on the server too: a copy of the cookie no longer works."""
    token = session.get(SESSION_ID)
    if token:
        staff_sessions.end_session(services().uow(), token)
    session.clear()
    return redirect(url_for("web.auth.login"))


def source_address() -> str:
    """Return the address a sign-in came from: the peer's, or the one the trusted
    reverse proxies ([web] proxy_hops) put in X-Forwarded-For."""
    hops = services().settings["web"]["proxy_hops"]
    forwarded = request.headers.getlist("X-Forwarded-For")
    route = [a.strip() for value in forwarded for a in value.split(",") if a.strip()]
    if hops > 0 and len(route) >= hops:
        return route[-hops]
    return request.remote_addr or ""


def _start_session(token: str, kept_language: str | None) -> None:
    language = kept_language or session.get("language")
    session.clear()  # a fresh session: nothing from before sign-in carries over
    session.permanent = True
    session[SESSION_ID] = token
    if language:
        session["language"] = language


def _safe_next() -> str | None:
    """Return the page to go to after sign-in, only if it is a path on this site."""
    return same_site_path(request.values.get("next"))
