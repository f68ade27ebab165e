"""Issue #18: manual assignments teach suggestions, never placements. A payer account
staff assigned to the same case twice is offered first for that payer's next orphan, on
the API and on the orphan card; the credit stays an orphan."""

from __future__ import annotations

from tests.integration.payments import balance
from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]

PAYER = "6217000099991234"  #: an account no case names


def orphans(client, court) -> list[dict]:
    return client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]


def assign(client, court, line_id: int, case_id: int) -> None:
    response = client.post(
        f"/api/v1/transactions/{line_id}/assign",
        json={"case_id": case_id, "reason": "付款人电话确认"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 200, response.get_json()


def arrives(client, court, reference: str, name: str = "王芳", day: str = "2026-03-02") -> dict:
    rows = [Row(day, "300.00", name, PAYER, "货款", reference=reference)]
    upload(client, court, csv_statement(rows))
    [line] = [o for o in orphans(client, court) if o["amount"] == "300.00"]
    return line


def test_a_payer_assigned_twice_to_a_case_is_suggested_first_next_time(
    client, court, register_case
):
    taught = register_case()
    # a case whose respondent bears the payer's name: ranked after what staff taught
    namesake = register_case(respondents=[{"name": "王芳", "accounts": []}])
    first = arrives(client, court, "L1")
    assert [s["case_id"] for s in first["suggestions"]] == [namesake["id"]]
    assign(client, court, first["id"], taught["id"])
    once = arrives(client, court, "L2", day="2026-03-03")
    assert [s["case_id"] for s in once["suggestions"]] == [namesake["id"]]  # once teaches nothing
    assign(client, court, once["id"], taught["id"])
    nxt = arrives(client, court, "L3", day="2026-03-04")
    assert nxt["status"] == "orphan" and nxt["case_id"] is None  # never placed automatically
    assert [s["case_id"] for s in nxt["suggestions"]] == [taught["id"], namesake["id"]]
    assert nxt["suggestions"][0]["reason"] == "assigned to this case by staff before"
    assert balance(client, court, taught["id"])["received"] == "600.00"


def test_a_taken_back_assignment_teaches_nothing(client, court, register_case):
    case = register_case()
    for n, day in ((1, "2026-03-02"), (2, "2026-03-03")):
        line = arrives(client, court, f"U{n}", day=day)
        assign(client, court, line["id"], case["id"])
    taken = client.post(
        f"/api/v1/transactions/{line['id']}/unassign",
        json={"reason": "分错了"},
        headers=court.headers("finance"),
    )
    assert taken.status_code == 200, taken.get_json()
    rows = [Row("2026-03-04", "77.00", "王芳", PAYER, "货款", reference="U3")]
    upload(client, court, csv_statement(rows))
    [fresh] = [o for o in orphans(client, court) if o["amount"] == "77.00"]
    assert not fresh["suggestions"]


def test_the_orphan_card_shows_the_learned_suggestion_first(
    client,
    court,
    register_case,
    staff,
):
    case = register_case()
    for n, day in ((1, "2026-03-02"), (2, "2026-03-03")):
        assign(client, court, arrives(client, court, f"C{n}", day=day)["id"], case["id"])
    arrives(client, court, "C3", day="2026-03-04")
    staff("finance", "王会计")
    sign_in(client, "王会计")
    html = client.get("/orphans").get_data(as_text=True)
    assert "该付款账号的来款曾多次人工分配到本案" in html
    first_choice = html.index('type="radio" name="case_id"')
    assert f'value="{case["id"]}" checked' in html[first_choice : first_choice + 80]
