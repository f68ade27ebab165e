"""Issue #14 in a real browser: a layout no profile knows is mapped once by the clerk, the
statement imports, the next file of that layout imports with no question asked, and the
profile shows in the list with who made it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

HEADER = "Fecha;Concepto;Importe;Saldo;Ordenante\n"


def spanish(rows: list[str]) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8")


def choose(page, path) -> None:
    page.goto("/statements/upload")
    page.set_input_files("input[name=file]", str(path))
    page.click("form.form button[type=submit]")


def test_a_clerk_teaches_an_unknown_layout_once(new_page, staff, court, tmp_path):
    staff("finance", "李会计")
    first = tmp_path / "extracto-11.csv"
    first.write_bytes(
        spanish(
            ["02/11/2026;Pago执行款;1.000,00;1.000,00;张伟", "15/11/2026;Comisión;-20,00;980,00;"]
        )
    )
    second = tmp_path / "extracto-12.csv"
    second.write_bytes(spanish(["03/12/2026;Pago;2.500,50;3.480,50;李强"]))
    page = new_page()
    sign_in(page, "李会计")

    choose(page, first)
    page.wait_for_url("**/statements/previews/*/layout")
    assert "extracto-11.csv" in page.get_by_test_id("layout-notice").inner_text()
    rows = page.get_by_test_id("layout-rows")
    assert "Ordenante" in rows.inner_text() and "1.000,00" in rows.inner_text()
    assert page.get_by_test_id("header-1").is_checked()  # the row holding no number
    assert page.get_by_test_id("column-3").input_value() == "balance"  # Saldo is known
    screenshot(page, "layout-unknown")
    for column, field in ((0, "booked_on"), (1, "remark"), (2, "amount"), (4, "counterparty_name")):
        page.get_by_test_id(f"column-{column}").select_option(field)
    page.get_by_test_id("date-order").select_option("dmy")
    page.get_by_test_id("decimal-mark").select_option(",")
    page.get_by_test_id("profile-name").fill("西班牙某银行")
    page.get_by_test_id("save-profile").click()

    page.wait_for_url(re.compile(r".*/statements/previews/[0-9a-f]+$"))
    assert court.account in page.get_by_test_id("preview-account").inner_text()
    screenshot(page, "layout-taught-preview")
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r".*/statements/\d+$"))

    choose(page, second)  # the same layout: straight to the preview, nothing asked
    page.wait_for_url(re.compile(r".*/statements/previews/[0-9a-f]+$"))
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url(re.compile(r".*/statements/\d+$"))

    page.goto("/statements/profiles")  # the first address leads to /statement-profiles
    page.wait_for_url("**/statement-profiles")
    assert page.get_by_test_id("profile-name").inner_text() == "西班牙某银行"
    assert page.get_by_test_id("profile-created-by").inner_text() == "李会计"
    screenshot(page, "statement-profiles")
    page.get_by_role("button", name="English").click()
    page.locator("h1", has_text="Statement profiles").wait_for()
    assert page.locator("h1").inner_text() == "Statement profiles"


def test_finance_corrects_a_saved_profile_on_its_page(new_page, staff, court, tmp_path):
    staff("finance", "王会计")
    page = new_page()
    sign_in(page, "王会计")
    first = tmp_path / "extracto.csv"
    first.write_bytes(spanish(["02/11/2026;Pago执行款;1.000,00;1.000,00;张伟"]))
    choose(page, first)
    page.wait_for_url("**/statements/previews/*/layout")
    for column, field in ((0, "booked_on"), (2, "amount")):
        page.get_by_test_id(f"column-{column}").select_option(field)
    page.get_by_test_id("date-order").select_option("dmy")
    page.get_by_test_id("decimal-mark").select_option(",")
    page.get_by_test_id("profile-name").fill("西语流水")
    page.get_by_test_id("save-profile").click()
    page.wait_for_url(re.compile(r".*/statements/previews/[0-9a-f]+$"))

    page.get_by_test_id("nav-profiles").click()  # the navigation leads to the profiles
    page.wait_for_url("**/statement-profiles")
    page.get_by_test_id("profile-edit").click()
    page.wait_for_url(re.compile(r".*/statement-profiles/\d+$"))
    assert page.get_by_test_id("edit-field-amount").input_value() == "Importe"
    page.get_by_test_id("edit-name").fill("西班牙银行网银")
    page.get_by_test_id("edit-field-remark").fill("Concepto")
    page.get_by_test_id("edit-field-counterparty_name").fill("Ordenante")
    screenshot(page, "statement-profile-edit")
    page.get_by_test_id("save-profile-edit").click()

    page.wait_for_url("**/statement-profiles")
    assert page.get_by_test_id("profile-name").inner_text() == "西班牙银行网银"
    row = page.get_by_test_id("profiles").inner_text()
    assert "Ordenante" in row and "Concepto" in row and "王会计" in row
