"""Staff pages of #15: the import history, a statement's page, a void asked and approved."""

from __future__ import annotations

from tests.integration import staff_pages
from tests.integration.staff_pages import post_form, sign_in
from tests.integration.statement_files import Row, csv_statement, upload

staff = staff_pages.staff


def test_finance_voids_an_import_and_another_approver_approves_it(
    app, client, court, register_case, staff
):
    case = register_case()
    rows = [
        Row("2026-11-02", "800.00", "王五", "622277", "", case["sub_account_number"], "T1"),
        Row("2026-11-02", "200.00", "某某公司", "123456", "货款", reference="T2"),
    ]
    report = upload(client, court, csv_statement(rows), name="wrong.csv").get_json()
    staff("finance", "cashier")
    staff("approver", "boss")
    sign_in(client, "cashier")
    history = client.get("/statements").get_data(as_text=True)
    assert "wrong.csv" in history and "导入记录" in history
    page = f"/statements/{report['id']}"
    shown = client.get(page).get_data(as_text=True)
    assert case["case_number"] in shown and 'data-outcome="orphan"' in shown
    asked = post_form(client, page, f"{page}/void", reason="误选专户")
    assert asked.status_code == 302
    assert "撤销申请已提交" in client.get(page).get_data(as_text=True)
    other = app.test_client()
    sign_in(other, "boss")
    approvals = other.get("/approvals").get_data(as_text=True)
    assert 'data-testid="void-approval"' in approvals and "误选专户" in approvals
    void_id = approvals.split('id="void-approval-')[1].split('"')[0]
    decided = post_form(other, "/approvals", f"/approvals/statement-voids/{void_id}/approve")
    assert decided.status_code == 302
    after = other.get(page).get_data(as_text=True)
    assert 'data-testid="voided"' in after and 'data-outcome="void"' in after
    assert 'data-outcome="matched"' not in after


def test_the_statement_page_is_in_english_on_request(client, court, register_case, staff):
    register_case()
    report = upload(client, court, csv_statement([Row("2026-11-02", "5.00", reference="A")]))
    staff("finance", "cashier")
    sign_in(client, "cashier")
    post_form(client, "/", "/language", language="en", next="/")
    page = client.get(f"/statements/{report.get_json()['id']}").get_data(as_text=True)
    assert "Request a void" in page and "Imported by" in page
