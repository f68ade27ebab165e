"""The Case endpoints of the contract, through HTTP against the real database."""

from reconcile.sub_accounts import has_valid_check_digits
from tests.integration.conftest import case_body


def test_registering_a_case_issues_a_sub_account_with_check_digits(register_case):
    case = register_case()
    assert case["status"] == "open"
    assert case["sub_account_number"].startswith("8801")
    assert has_valid_check_digits(case["sub_account_number"])
    assert case["sub_account_source"] == "service"
    assert case["balance"] == {
        "received": "0.00",
        "held": "0.00",
        "pending": "0.00",
        "approved_unpaid": "0.00",
        "paid": "0.00",
        "available": "0.00",
        "fees_paid": "0.00",
    }
    assert case["amount_due"] == "500000.00"


def test_each_case_gets_its_own_sub_account(register_case):
    numbers = {register_case()["sub_account_number"] for _ in range(5)}
    assert len(numbers) == 5


def test_a_bank_issued_sub_account_is_kept(register_case):
    case = register_case(sub_account_number="8801 1234 5678 " + _check("880112345678"))
    assert case["sub_account_number"] == "880112345678" + _check("880112345678")
    assert case["sub_account_source"] == "bank"


def test_a_mistyped_bank_sub_account_is_refused_with_the_field_named(client, court):
    good = "880112345678" + _check("880112345678")
    typo = good[:-3] + str((int(good[-3]) + 1) % 10) + good[-2:]
    response = client.post(
        "/api/v1/cases",
        json=case_body(sub_account_number=typo),
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 422
    assert "sub_account_number" in response.get_json()["errors"]


def test_a_sub_account_already_in_use_is_a_conflict(client, court, register_case):
    taken = register_case()["sub_account_number"]
    response = client.post(
        "/api/v1/cases",
        json=case_body(sub_account_number=taken),
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 409


def test_the_same_case_number_cannot_be_registered_twice(client, court, register_case):
    case = register_case()
    variant = case["case_number"].replace("（", "(").replace("）", ")")
    response = client.post(
        "/api/v1/cases", json=case_body(case_number=variant), headers=court.headers("enforcement")
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "conflict"


def test_a_case_is_found_by_its_number_in_any_bracket_style(client, court, register_case):
    case = register_case()
    seq = case["case_number"].split("执")[1].rstrip("号")
    for written in (
        f"(2026)京0105执{seq}号",
        f"〔2026〕京0105执{seq}",
        f"2026 京0105 执 {seq} 号",
        f"（２０２６）京０１０５执{seq}号",
    ):
        response = client.get(
            "/api/v1/cases", query_string={"case_number": written}, headers=court.headers("finance")
        )
        assert response.status_code == 200
        assert [c["id"] for c in response.get_json()["items"]] == [case["id"]]


def test_an_unknown_case_number_finds_an_empty_page(client, court):
    response = client.get(
        "/api/v1/cases",
        query_string={"case_number": "（2026）京0105执9号"},
        headers=court.headers("finance"),
    )
    assert response.get_json() == {"items": [], "next_cursor": None}


def test_a_case_number_of_another_court_than_the_body_names_is_refused(client, court):
    body = case_body(case_number="（2026）京0106执1号")
    response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert response.status_code == 422
    assert "court" in response.get_json()["errors"]


def test_a_non_enforcement_case_number_is_refused(client, court):
    body = case_body(case_number="（2026）京0105民初1号")
    response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert response.status_code == 422
    assert "case_number" in response.get_json()["errors"]


def test_a_case_without_a_confirmed_payee_account_is_refused(client, court):
    body = case_body(applicants=[{"name": "王芳", "payee_accounts": []}])
    response = client.post("/api/v1/cases", json=body, headers=court.headers("enforcement"))
    assert response.status_code == 422


def test_closing_and_reopening_a_case(client, court, register_case):
    case = register_case()
    url = f"/api/v1/cases/{case['id']}"
    closed = client.patch(
        url,
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    assert closed.status_code == 200
    assert closed.get_json()["status"] == "closed"
    reopened = client.patch(url, json={"status": "open"}, headers=court.headers("enforcement"))
    assert reopened.get_json()["status"] == "open"
    bad = client.patch(url, json={"status": "archived"}, headers=court.headers("enforcement"))
    assert bad.status_code == 422


def test_a_new_case_has_an_empty_ledger(client, court, register_case):
    case = register_case()
    response = client.get(f"/api/v1/cases/{case['id']}/ledger", headers=court.headers("finance"))
    assert response.get_json() == {"items": [], "next_cursor": None}


def test_payment_instructions_name_the_account_the_right_to_refuse_and_the_hotline(
    client, court, register_case
):
    case = register_case()
    response = client.get(
        f"/api/v1/cases/{case['id']}/payment-instructions", headers=court.headers("enforcement")
    )
    body = response.get_json()
    assert body["sub_account_number"] == case["sub_account_number"]
    assert case["sub_account_number"] in body["text"]
    assert "有权拒绝" in body["text"]
    assert "12368" in body["text"]


def test_the_desk_can_tell_whether_an_account_is_the_designated_one(client, court, register_case):
    case = register_case()
    ask = {"case_number": case["case_number"], "account_number": case["sub_account_number"]}
    yes = client.get("/api/v1/verify-account", query_string=ask, headers=court.headers("desk"))
    assert yes.get_json()["designated"] is True
    ask["account_number"] = "6222 0202 0011 2233 445"
    no = client.get("/api/v1/verify-account", query_string=ask, headers=court.headers("desk"))
    assert no.get_json()["designated"] is False
    assert no.get_json()["sub_account_number"] == case["sub_account_number"]


def _check(body: str) -> str:
    from stdnum.iso7064 import mod_97_10

    return mod_97_10.calc_check_digits(body)
