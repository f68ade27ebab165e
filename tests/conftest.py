"""Fixtures shared by every test: settings, a migrated database, the app, tokens.

RECONCILE_TEST_DATABASE_URL selects the database (PostgreSQL in CI's second run);
without it each test gets a fresh SQLite file copied from one migrated template. Under
pytest-xdist (`-n 2`, as the Makefile runs it) each worker gets a PostgreSQL database of
its own, named after the given one and the worker (`test_gw0`, …), made on first use.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, make_url, text

from reconcile import alert_texts
from reconcile.actors import Actor, cli_actor
from reconcile.db import migrate
from reconcile.db.engine import make_engine
from reconcile.db.schema import metadata
from reconcile.db.tables import audit_head
from reconcile.db.uow import UnitOfWork
from reconcile.settings import load_settings


def _worker_database(url: str | None) -> str | None:
    """Return the database URL for this xdist worker: its own database beside the given one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgresql"):
        return url
    given = make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    admin = create_engine(given.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


TEST_DB_URL = _worker_database(os.environ.get("RECONCILE_TEST_DATABASE_URL"))
alert_texts.STRICT = True  # an alert raised without the facts its text names fails its test


def pytest_collection_modifyitems(config, items):
    if TEST_DB_URL and TEST_DB_URL.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set RECONCILE_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Engine | None:
    if not TEST_DB_URL:
        yield None
        return
    engine = make_engine(TEST_DB_URL, pool_size=10)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(sqlite_template, pg_engine, tmp_path) -> str:
    if pg_engine is not None:
        _empty_postgres(pg_engine)
        return TEST_DB_URL
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url, pg_engine) -> Engine:
    if pg_engine is not None:
        yield pg_engine
        return
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


#: the tables that hold a row, or whose id sequence has been used (a rolled-back insert
#: leaves an empty table with a used sequence): the only ones a test has touched
_TOUCHED = " UNION ALL ".join(
    f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})" for t in metadata.sorted_tables
)
_USED_SEQUENCES = """
SELECT t.relname FROM pg_sequences q
JOIN pg_class s ON s.relname = q.sequencename AND s.relkind = 'S'
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
     AND d.refclassid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid
WHERE q.schemaname = current_schema() AND q.last_value IS NOT NULL
"""


def _empty_postgres(engine: Engine) -> None:
    """Empty the tables the last test touched. TRUNCATE costs about 2 ms a table whether it
    holds rows or not; emptying all 42 for each test was 90 ms, a minute and more of CI."""
    with engine.begin() as conn:
        touched = {name for (name,) in conn.execute(text(_TOUCHED))}
        touched |= {name for (name,) in conn.execute(text(_USED_SEQUENCES))}
        touched.add(audit_head.name)
        conn.execute(text(f"TRUNCATE {', '.join(sorted(touched))} RESTART IDENTITY CASCADE"))
        conn.execute(insert(audit_head).values(id=1, seq=0, hash="0" * 64))


#: The flow most tests exercise: approval levels by count, any approver at each level, no
#: finance review (the older form of [approvals], still read). The court's flow of
#: config/settings.toml — levels by position, then finance's review — is what
#: tests/integration/test_payment_flow.py and the tests beside it run (`court_flow`).
COUNTED_LEVELS = {"tiers": [{"up_to": "100000.00", "levels": 1}, {"levels": 2}]}


@pytest.fixture
def settings(database_url) -> dict:
    overrides = {"database": {"url": database_url}}
    overrides["approvals"] = {**COUNTED_LEVELS, "finance_review": False}
    return load_settings(environ={}, overrides=overrides)


@pytest.fixture
def uow(engine):
    """A factory of units of work on the test database."""
    return lambda: UnitOfWork(engine)


@pytest.fixture
def admin() -> Actor:
    return cli_actor("test")


@pytest.fixture
def app(settings, engine):
    from api import create_app

    app = create_app({"settings": settings, "engine": engine})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()
