"""Pooled connections the database dropped are replaced before use: after a restart or a
terminated session the next request succeeds, read or write, without a failed one first;
a connection idle too long is pinged first."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import NullPool, create_engine, text

from api import create_app
from reconcile.db import engine as engine_module
from reconcile.db.engine import make_engine
from tests.integration import payments
from tests.integration.payments import PAYEE

pytestmark = pytest.mark.postgres

funded_case = payments.funded_case


@pytest.fixture
def own_client(settings, database_url):
    """A client of an app with an engine (and pool) of its own."""
    engine = make_engine(database_url)
    yield create_app({"settings": settings, "engine": engine}).test_client()
    engine.dispose()


def drop_every_other_connection(database_url: str) -> None:
    """Terminate every other session on the database, as a restart would, and wait for
    them to end (each poll its own transaction: a snapshot of pg_stat_activity lasts one)."""
    killer = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    with killer.connect() as conn:
        conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {others}"))
        deadline = time.monotonic() + 10
        while conn.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {others}")).scalar():
            assert time.monotonic() < deadline, "the terminated sessions did not end"
            time.sleep(0.05)
    killer.dispose()


def test_a_balance_read_after_the_database_dropped_the_pool_succeeds(
    own_client, court, register_case, database_url
):
    case = register_case()
    path, headers = f"/api/v1/cases/{case['id']}", court.headers("enforcement")
    assert own_client.get(path, headers=headers).status_code == 200
    drop_every_other_connection(database_url)
    response = own_client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["id"] == case["id"]


def test_a_payment_request_after_the_database_dropped_the_pool_succeeds(
    own_client, court, funded_case, database_url
):
    case = funded_case(50_000_00)
    path = f"/api/v1/cases/{case['id']}/disbursements"
    body = {"amount": "100.00", "payee_account_number": PAYEE}
    headers = court.headers("enforcement")
    assert own_client.post(path, json=body, headers=headers).status_code == 201
    drop_every_other_connection(database_url)
    assert own_client.post(path, json=body, headers=headers).status_code == 201


def test_a_connection_idle_too_long_that_does_not_answer_a_ping_is_replaced(
    database_url, monkeypatch
):
    # a drop nobody announced (a firewall's idle timeout): only the ping finds it
    engine = make_engine(database_url, pool_size=1)
    with engine.connect() as conn:
        dropped = conn.connection.dbapi_connection
    pings = []

    def unanswered(dbapi_connection):
        pings.append(dbapi_connection)
        raise engine.dialect.loaded_dbapi.OperationalError("the server does not answer")

    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    monkeypatch.setattr(engine.dialect, "do_ping", unanswered)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
        assert conn.connection.dbapi_connection is not dropped
    assert pings == [dropped]  # not the new one: it has just connected
    engine.dispose()
