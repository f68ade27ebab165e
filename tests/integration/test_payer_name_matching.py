"""A payer's name alone never places money; the payer's known account does (art. 19).

张伟 is a common name: a credit from a 张伟 whose account no case knows stays an orphan,
with the case whose respondent bears that name offered first, on the API and the page.
"""

from tests.integration.payments import balance
from tests.integration.staff_pages import sign_in, staff  # noqa: F401
from tests.integration.statement_files import Row, csv_statement, upload

RESPONDENT_ACCOUNT = "6222020200112233445"  #: 张伟's account in case_body


def orphans(client, court) -> list[dict]:
    return client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]


def test_a_credit_from_a_respondents_name_alone_is_an_orphan_suggesting_the_case(
    client, court, register_case
):
    case = register_case()
    rows = [Row("2026-03-02", "880.00", "张伟", "6217000099998888", "还款", reference="N1")]
    report = upload(client, court, csv_statement(rows)).get_json()
    assert (report["credits_matched"], report["orphans"]) == (0, 1)
    [orphan] = orphans(client, court)
    assert (orphan["orphan_reason"], orphan["case_id"], orphan["match_rule"]) == (
        "payer_name_only",
        None,
        None,
    )
    assert orphan["suggestions"][0]["case_id"] == case["id"]
    assert orphan["suggestions"][0]["reason"] == "the payer's name is a respondent's"
    assert balance(client, court, case["id"])["received"] == "0.00"


def test_the_respondents_known_account_still_places_the_credit(client, court, register_case):
    case = register_case()
    rows = [Row("2026-03-02", "880.00", "张伟", RESPONDENT_ACCOUNT, "还款", reference="N2")]
    assert upload(client, court, csv_statement(rows)).get_json()["credits_matched"] == 1
    assert balance(client, court, case["id"])["received"] == "880.00"
    [line] = client.get(
        "/api/v1/transactions",
        query_string={"case_id": case["id"]},
        headers=court.headers("finance"),
    ).get_json()["items"]
    assert (line["match_rule"], line["match_evidence"]) == (
        "payer",
        {"payer_account": RESPONDENT_ACCOUNT},
    )


def test_the_orphan_page_shows_the_name_match_as_the_first_suggestion(
    client,
    court,
    register_case,
    staff,  # noqa: F811
):
    case = register_case()
    rows = [Row("2026-03-02", "880.00", "张伟", "", "还款", reference="N3")]
    upload(client, court, csv_statement(rows))
    staff("finance", "王会计")
    sign_in(client, "王会计")
    html = client.get("/orphans").get_data(as_text=True)
    assert "仅付款人姓名相符" in html
    first_choice = html.index('type="radio" name="case_id"')
    assert f'value="{case["id"]}" checked' in html[first_choice : first_choice + 80]
    assert "付款人与本案被执行人同名" in html
