"""GET /cases/{id}/execution-fee: the fee on a basis, or on what the case received."""

from __future__ import annotations

from tests.integration import payments
from tests.integration.staff_pages import staff

funded_case = payments.funded_case
__all__ = ["staff"]


def fee(client, court, case_id, role="enforcement", **query):
    return client.get(
        f"/api/v1/cases/{case_id}/execution-fee", query_string=query, headers=court.headers(role)
    )


def test_the_fee_on_a_given_basis_band_by_band(client, court, funded_case):
    case = funded_case(100_00)
    body = fee(client, court, case["id"], basis="1000000.00").get_json()
    assert body["fee"] == "12400.00"
    assert body["basis_source"] == "given"
    assert [(b["base"], b["fee"]) for b in body["bands"]] == [
        ("10000.00", "50.00"),
        ("490000.00", "7350.00"),
        ("500000.00", "5000.00"),
    ]
    assert fee(client, court, case["id"], basis="8000.00").get_json()["fee"] == "50.00"


def test_by_default_the_fee_is_on_what_the_case_received(client, court, funded_case):
    case = funded_case(30_000_00)
    body = fee(client, court, case["id"], role="finance").get_json()
    assert (body["basis"], body["basis_source"], body["fee"]) == ("30000.00", "received", "350.00")


def test_a_bad_basis_and_another_courts_case_are_refused(client, court, other_court, funded_case):
    case = funded_case(100_00)
    assert fee(client, court, case["id"], basis="-1.00").status_code == 422
    assert fee(client, court, case["id"], basis="12.345").status_code == 422
    other = client.get(
        f"/api/v1/cases/{case['id']}/execution-fee", headers=other_court.headers("desk")
    )
    assert other.status_code == 404


def test_the_calculator_page_shows_the_fee_in_figures_and_capitals(
    app, client, court, funded_case, staff
):
    from tests.integration.staff_pages import sign_in

    case = funded_case(100_00)
    page = app.test_client()
    sign_in(page, staff("enforcement", "执行法官"))
    html = page.get(f"/cases/{case['id']}/execution-fee?basis=1,000,000.00").get_data(as_text=True)
    assert "12,400.00" in html and "壹万贰仟肆佰元整" in html
    assert html.count('data-testid="fee-band"') == 3
    bad = page.get(f"/cases/{case['id']}/execution-fee?basis=abc")
    assert bad.status_code == 422 and "不是金额" in bad.get_data(as_text=True)
