"""The complaint desk checks, in a real browser, the account a caller was told to pay into."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

#: three or more Latin words in a row: an English sentence in a Chinese page
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}\b")


def test_the_desk_tells_a_caller_which_account_is_the_cases(new_page, staff, register_case):
    case = register_case()
    staff("desk", "投诉专员")
    page = new_page()
    sign_in(page, "投诉专员")
    page.get_by_role("link", name="核验账户").click()
    page.wait_for_url("**/verify-account")

    page.fill("input[name=case_number]", case["case_number"].replace("（", "(").replace("）", ")"))
    page.fill("input[name=account_number]", "6222020200112233445")
    page.get_by_role("button", name="核验").click()
    refused = page.get_by_test_id("verify-not-designated")
    assert case["sub_account_number"] in refused.inner_text()
    screenshot(page, "verify-account-refused")
    # the typed input stays for the next try
    assert page.input_value("input[name=case_number]").startswith("(")

    page.fill("input[name=account_number]", case["sub_account_number"])
    page.get_by_role("button", name="核验").click()
    assert "可以向其交款" in page.get_by_test_id("verify-designated").inner_text()
    screenshot(page, "verify-account-designated")
    assert not ENGLISH_SENTENCE.search(page.locator("main").inner_text())
