"""The pages' language is kept per user: chosen once, it holds at the next sign-in."""

from __future__ import annotations

from tests.integration.staff_pages import csrf_token, sign_in, staff

__all__ = ["staff"]


def choose(client, language: str):
    token = csrf_token(client.get("/").get_data(as_text=True))
    return client.post("/language", data={"language": language, "csrf_token": token, "next": "/"})


def test_a_users_choice_holds_at_the_next_sign_in_and_not_for_others(app, staff):
    staff("finance")
    staff("desk", "投诉专员")
    first = app.test_client()
    sign_in(first, "finance")
    choose(first, "en")
    assert "Sign out" in first.get("/").get_data(as_text=True)

    later = app.test_client()  # another browser, another day
    sign_in(later, "finance")
    assert "Sign out" in later.get("/").get_data(as_text=True)

    other = app.test_client()
    sign_in(other, "投诉专员")
    assert "退出" in other.get("/").get_data(as_text=True)

    choose(later, "zh")
    again = app.test_client()
    sign_in(again, "finance")
    assert "退出" in again.get("/").get_data(as_text=True)
