"""Helpers of the staff-page tests: staff users, signing in, CSRF tokens from forms."""

from __future__ import annotations

import re

import pytest

from reconcile.services import users

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def staff(uow, admin, court):
    """Return a factory of staff users of the court: staff(role, username) -> username."""

    def make(role: str, username: str | None = None, courts: tuple[str, ...] = ()) -> str:
        name = username or role
        users.create_user(
            uow(), admin, username=name, password=PASSWORD, role=role, courts=[*courts, court.code]
        )
        return name

    return make


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    return _TOKEN.search(html).group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    """Sign in through the form, as a browser would; return the response."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def post_form(client, page: str, action: str, **fields):
    """Post a form with the CSRF token of `page`, as a browser would."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={**fields, "csrf_token": token})
