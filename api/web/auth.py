"""Signing staff in and out, and the guard every page stands behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from api.context import services
from api.web.i18n import translate
from reconcile.actors import Actor
from reconcile.clock import COURT_TZ
from reconcile.permissions import Verb, may
from reconcile.services import users

bp = Blueprint("auth", __name__)


def current_actor() -> Actor | None:
    """Return the signed-in user as an Actor, or None (also once the account is disabled)."""
    if "staff" not in g:
        user_id = session.get("user_id")
        g.staff = user_id and users.staff_actor(services().uow(read_only=True), user_id)
    return g.staff


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
        actor = users.authenticate(
            services().uow(), username, request.form.get("password", ""), services().settings
        )
    except users.SignInRefused as refusal:
        return render_template(
            "login.html", next=_safe_next(), error=_refusal_text(refusal), username=username
        )
    _start_session(actor)
    return redirect(_safe_next() or url_for("web.home.index"))


@bp.post("/logout")
def logout():
    """End the session."""
    session.clear()
    return redirect(url_for("web.auth.login"))


def _start_session(actor: Actor) -> None:
    language = session.get("language")
    session.clear()  # a fresh session: nothing from before sign-in carries over
    session.permanent = True
    session["user_id"] = int(actor.id.removeprefix("user:"))
    if language:
        session["language"] = language


def _refusal_text(refusal: users.SignInRefused) -> str:
    if refusal.locked_until is None:
        return translate("login.wrong")
    until = refusal.locked_until.astimezone(COURT_TZ).strftime("%H:%M")
    return translate("login.locked", until=until)


def _safe_next() -> str | None:
    """Return the page to go to after sign-in, only if it is a path on this site."""
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None
