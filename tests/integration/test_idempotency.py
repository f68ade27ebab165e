"""Idempotency-Key on POST: one execution, the first response replayed."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from reconcile.db.tables import cases
from tests.integration.conftest import case_body


def count_cases(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(cases)).scalar_one()


def test_a_repeat_with_the_same_key_and_body_returns_the_first_response(client, court, engine):
    body = case_body()
    headers = court.headers("enforcement", **{"Idempotency-Key": "reg-1"})
    first = client.post("/api/v1/cases", json=body, headers=headers)
    again = client.post("/api/v1/cases", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_cases(engine) == 1


def test_the_same_key_with_another_body_is_409(client, court):
    headers = court.headers("enforcement", **{"Idempotency-Key": "reg-2"})
    assert client.post("/api/v1/cases", json=case_body(), headers=headers).status_code == 201
    response = client.post("/api/v1/cases", json=case_body(), headers=headers)
    assert response.status_code == 409
    assert response.get_json()["code"] == "idempotency_key_reused"


def test_a_refused_request_does_not_use_up_its_key(client, court, engine):
    headers = court.headers("enforcement", **{"Idempotency-Key": "reg-3"})
    bad = client.post("/api/v1/cases", json=case_body(amount_due=1), headers=headers)
    assert bad.status_code == 422
    good = client.post("/api/v1/cases", json=case_body(), headers=headers)
    assert good.status_code == 201


def test_keys_belong_to_their_token(client, court):
    body = case_body()
    first = client.post(
        "/api/v1/cases", json=body, headers=court.headers("enforcement", **{"Idempotency-Key": "k"})
    )
    other = client.post(
        "/api/v1/cases", json=body, headers=court.headers("admin", **{"Idempotency-Key": "k"})
    )
    assert first.status_code == 201
    assert other.status_code == 409  # the case exists: a new execution, not a replay
    assert other.get_json()["code"] == "conflict"


@pytest.mark.postgres
def test_one_key_from_many_clients_at_once_executes_once(app, court, engine):
    body = case_body()
    headers = court.headers("enforcement", **{"Idempotency-Key": "burst"})

    def post(_):
        with app.test_client() as c:
            response = c.post("/api/v1/cases", json=body, headers=headers)
            return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(16)))
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert count_cases(engine) == 1
