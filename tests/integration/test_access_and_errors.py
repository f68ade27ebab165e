"""Tokens, roles, court scoping and problem+json errors."""

import pytest

from tests.integration.conftest import case_body

PROBLEM = "application/problem+json"


@pytest.fixture
def foreign_case(client, other_court):
    response = client.post(
        "/api/v1/cases",
        json=case_body(other_court.code),
        headers=other_court.headers("enforcement"),
    )
    assert response.status_code == 201
    return response.get_json()


@pytest.mark.parametrize("path", ["", "/ledger", "/payment-instructions"])
def test_another_courts_case_answers_404_as_if_it_did_not_exist(client, court, foreign_case, path):
    response = client.get(
        f"/api/v1/cases/{foreign_case['id']}{path}", headers=court.headers("admin")
    )
    assert response.status_code == 404
    assert response.content_type == PROBLEM


def test_another_courts_case_cannot_be_closed(client, court, foreign_case):
    response = client.patch(
        f"/api/v1/cases/{foreign_case['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 404


def test_another_courts_case_is_not_found_by_number(client, court, foreign_case):
    response = client.get(
        "/api/v1/cases",
        query_string={"case_number": foreign_case["case_number"]},
        headers=court.headers("finance"),
    )
    assert response.get_json()["items"] == []


def test_the_desk_cannot_check_accounts_of_another_courts_case(client, court, foreign_case):
    ask = {
        "case_number": foreign_case["case_number"],
        "account_number": foreign_case["sub_account_number"],
    }
    response = client.get("/api/v1/verify-account", query_string=ask, headers=court.headers("desk"))
    assert response.status_code == 404


def test_a_case_of_another_court_cannot_be_registered(client, court, other_court):
    response = client.post(
        "/api/v1/cases", json=case_body(other_court.code), headers=court.headers("enforcement")
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["finance", "approver", "desk"])
def test_roles_other_than_enforcement_cannot_register_cases(client, court, role):
    response = client.post("/api/v1/cases", json=case_body(), headers=court.headers(role))
    assert response.status_code == 403
    assert response.content_type == PROBLEM
    assert response.get_json()["code"] == "forbidden"


def test_no_token_is_401_with_a_bearer_challenge(client, court):
    response = client.get("/api/v1/cases/1")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer rct_not-a-real-token", "Bearer ", "Basic abc", "rct_x"])
def test_an_invalid_token_is_401(client, court, header):
    response = client.get("/api/v1/cases/1", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_token_is_stored_only_as_a_hash(engine, court):
    from sqlalchemy import select

    from reconcile.db.tables import api_tokens

    with engine.connect() as conn:
        stored = set(conn.execute(select(api_tokens.c.token_hash)).scalars())
    assert not stored & set(court.tokens.values())
    assert all(len(h) == 64 for h in stored)


def test_problems_carry_type_title_status_detail_and_code(client, court):
    response = client.get("/api/v1/cases/999", headers=court.headers("finance"))
    body = response.get_json()
    assert response.content_type == PROBLEM
    assert body["status"] == 404
    assert body["code"] == "not_found"
    assert body["type"].endswith(":not_found")
    assert body["title"] and body["detail"]


def test_a_json_number_where_an_amount_belongs_is_422_naming_the_field(client, court):
    response = client.post(
        "/api/v1/cases", json=case_body(amount_due=50000.00), headers=court.headers("enforcement")
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert "amount_due" in body["errors"]


@pytest.mark.parametrize("amount", ["-1.00", "12.345", "1e5", "12,000.00", ""])
def test_negative_or_over_precise_amounts_are_422(client, court, amount):
    response = client.post(
        "/api/v1/cases", json=case_body(amount_due=amount), headers=court.headers("enforcement")
    )
    assert response.status_code == 422
    assert "amount_due" in response.get_json()["errors"]


def test_unknown_fields_are_refused_not_ignored(client, court):
    response = client.post(
        "/api/v1/cases", json=case_body(amount_owed="1.00"), headers=court.headers("enforcement")
    )
    assert response.status_code == 422
    assert "amount_owed" in response.get_json()["errors"]


def test_an_unknown_route_is_a_problem_too(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content_type == PROBLEM


def test_the_openapi_document_describes_every_endpoint_and_amounts_as_strings(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/ledger",
        "/api/v1/cases/{case_id}/payment-instructions",
        "/api/v1/verify-account",
    } <= set(spec["paths"])
    amount = spec["components"]["schemas"]["CaseCreate"]["properties"]["amount_due"]
    assert amount["type"] == "string"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_health_and_readiness_need_no_token(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["status"] == "ok"


def test_a_revoked_token_is_refused(client, court, database_url, monkeypatch, settings):
    from click.testing import CliRunner

    from api.cli import cli

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    monkeypatch.setenv("RECONCILE_AUTH_TOKEN_CACHE_SECONDS", "0")
    listed = CliRunner().invoke(cli, ["tokens", "list"])
    desk_id = next(line.split()[0] for line in listed.output.splitlines() if " desk " in line)
    revoked = CliRunner().invoke(cli, ["tokens", "revoke", desk_id])
    assert revoked.exit_code == 0, revoked.output
    settings["auth"]["token_cache_seconds"] = 0
    from api import create_app

    fresh = create_app(
        {"settings": settings, "engine": client.application.extensions["reconcile"].engine}
    ).test_client()
    assert fresh.get("/api/v1/alerts", headers=court.headers("desk")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/api/v1/reports/reconciliation", {"query_string": {"account": "\x00\x12U"}}),
        ("get", "/api/v1/cases", {"query_string": {"case_number": "（2026）京0105执1\x00号"}}),
        ("post", "/api/v1/cases", {"json": {"case_number": "x\x00", "court": "京0105"}}),
    ],
)
def test_a_nul_character_in_text_input_is_422_not_a_server_error(
    client, court, method, path, kwargs
):
    response = getattr(client, method)(path, headers=court.headers("admin"), **kwargs)
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"
