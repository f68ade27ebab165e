"""The case list's filter "has orphans suggested to it" (有不明款推荐), in the API and the page
(#20): the cases an orphan credit's ranked suggestions name, of the actor's courts only."""

from __future__ import annotations

from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_case_search import _numbers, _search, three
from tests.integration.test_matching_flow import typo

__all__ = ["staff", "three"]  # the fixtures


def test_the_cases_an_orphan_suggests_are_the_ones_the_filter_shows(
    app, client, court, other_court, three, staff
):
    zhang = three["zhang"]
    rows = [
        Row("2026-11-03", "300.00", "丙", "6222000000000003", "", typo(zhang["sub_account_number"]))
    ]
    report = upload(client, court, csv_statement(rows)).get_json()
    assert report["orphans"] == 1
    assert _numbers(_search(client, court, suggested="true")) == [zhang["case_number"]]
    others = _numbers(_search(client, court, suggested="false"))
    assert zhang["case_number"] not in others and len(others) == 2
    assert _search(client, other_court, suggested="true")["items"] == []
    both = _search(client, court, suggested="true", q="张伟")
    assert _numbers(both) == [zhang["case_number"]]
    refused = client.get(
        "/api/v1/cases", query_string={"suggested": "maybe"}, headers=court.headers("finance")
    )
    assert refused.status_code == 422

    staff("finance", "会计")
    browser = app.test_client()
    sign_in(browser, "会计")
    page = browser.get("/cases?suggested=yes").get_data(as_text=True)
    assert page.count('data-testid="case-row"') == 1
    assert f'href="/cases/{zhang["id"]}" data-testid="case-link"' in page
    assert browser.get("/cases?suggested=no").get_data(as_text=True).count("case-row") == 2
    assert 'name="suggested"' in page
