"""One world per module, shared by every case of the table, and the state-change check.

The hostile cases are hundreds of single requests; building a court, a funded case and a
resource of every kind for each would be most of the suite's time. So here the database,
the app and the world are made once per module (the fixtures of tests/conftest.py and
tests/integration/conftest.py, at module scope), and each case proves it changed nothing
it should not have: `unchanged(engine)` compares every table's row count and the audit
head before and after.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, func, select

from reconcile.actors import cli_actor
from reconcile.db.engine import make_engine
from reconcile.db.schema import metadata
from reconcile.db.tables import audit_head
from reconcile.db.uow import UnitOfWork
from reconcile.services import tokens
from reconcile.settings import load_settings
from tests.conftest import COUNTED_LEVELS, TEST_DB_URL, _empty_postgres
from tests.integration.conftest import COLLECTION_ACCOUNT, COURT, _register_court

# ---- the state of the database, and the check that a refusal left it as it was ----


def state(engine: Engine) -> dict:
    """Every table's row count and the audit chain's head."""
    with engine.connect() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
        head = conn.execute(select(audit_head)).mappings().all()
    return {"rows": counts, "audit_head": [dict(row) for row in head]}


def changes(before: dict, after: dict) -> dict:
    """What differs between two `state`s: {table: (before, after)}, and the audit head."""
    found = {
        name: (count, after["rows"].get(name))
        for name, count in before["rows"].items()
        if after["rows"].get(name) != count
    }
    if before["audit_head"] != after["audit_head"]:
        found["audit_head"] = (before["audit_head"], after["audit_head"])
    return found


@contextmanager
def unchanged(engine: Engine):
    """Fail if the block changed a row count or the audit head."""
    before = state(engine)
    yield
    assert changes(before, state(engine)) == {}, "refused input changed the state"


# ---- module-scoped fixtures: one database, app and world per module ----


@pytest.fixture(scope="module")
def database_url(sqlite_template, pg_engine, tmp_path_factory) -> str:
    if pg_engine is not None:
        _empty_postgres(pg_engine)
        return TEST_DB_URL
    path = tmp_path_factory.mktemp("hostile") / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def engine(database_url, pg_engine) -> Engine:
    if pg_engine is not None:
        yield pg_engine
        return
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def settings(database_url) -> dict:
    # as tests/conftest.py: approval levels counted, no finance review (the world's
    # approver tokens carry no position)
    approvals = {**COUNTED_LEVELS, "finance_review": False}
    return load_settings(
        environ={}, overrides={"database": {"url": database_url}, "approvals": approvals}
    )


@pytest.fixture(scope="module")
def uow(engine):
    return lambda: UnitOfWork(engine)


@pytest.fixture(scope="module")
def admin():
    return cli_actor("test")


@pytest.fixture(scope="module")
def app(settings, engine):
    from api import create_app

    app = create_app({"settings": settings, "engine": engine})
    app.config["TESTING"] = True
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is an answer to assert on
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def court(uow, admin):
    return _register_court(uow, admin, COURT, "北京市朝阳区人民法院", COLLECTION_ACCOUNT, "8801")


@pytest.fixture(scope="module")
def people(uow, admin, court):
    def headers(role: str, name: str) -> dict[str, str]:
        token = tokens.create_token(uow(), admin, role=role, courts=[court.code], name=name)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture(scope="module")
def world(client, court, engine, people) -> dict:
    from tests.integration.test_conformance import build_world

    return build_world(client, court, engine, people("approver", "审批人"))


@pytest.fixture(scope="module")
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()
