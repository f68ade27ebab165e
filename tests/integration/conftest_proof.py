"""Helpers of the proof tests (model, races, crashes, conformance): profiles and fresh databases.

`RECONCILE_LONG_PROOF=1` switches every proof test from its quick profile (CI) to its long
one. A Hypothesis example needs a database of its own, which a function-scoped fixture
cannot give: `fresh_database` hands out a factory that empties the database on each call
(a copy of the migrated SQLite template, or TRUNCATE on PostgreSQL, as tests/conftest.py
does per test).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from reconcile.actors import Actor, cli_actor
from reconcile.db.engine import make_engine
from reconcile.db.uow import UnitOfWork
from reconcile.services import courts
from tests.conftest import _empty_postgres
from tests.integration.conftest import COLLECTION_ACCOUNT, COURT

LONG = os.environ.get("RECONCILE_LONG_PROOF") == "1"


def profile(quick, long):
    """Return `long` when RECONCILE_LONG_PROOF=1, else `quick`."""
    return long if LONG else quick


@dataclass(frozen=True)
class Office:
    """A court with its collection account, and its people as actors of the use cases."""

    code: str
    account: str
    account_id: int

    def actor(self, role: str, name: str | None = None) -> Actor:
        name = name or role
        return Actor(name=name, role=role, courts=frozenset({self.code}), id=f"{role}:{name}")


def open_court(engine: Engine) -> Office:
    """Register the test court and its collection account on an empty database."""
    admin = cli_actor("proof")
    courts.add_court(UnitOfWork(engine), admin, COURT, "北京市朝阳区人民法院")
    account = courts.add_collection_account(
        UnitOfWork(engine),
        admin,
        court=COURT,
        number=COLLECTION_ACCOUNT,
        bank="中国工商银行",
        sub_account_prefix="8801",
        court_accounts=["0200009999"],
    )
    return Office(COURT, COLLECTION_ACCOUNT, account["id"])


FreshDatabase = Callable[[], "contextmanager[Engine]"]


@pytest.fixture
def fresh_database(sqlite_template, pg_engine, tmp_path) -> Callable[[], Iterator[Engine]]:
    """Return a context manager factory: each use yields an empty, migrated database."""
    numbers = itertools.count()

    @contextmanager
    def fresh() -> Iterator[Engine]:
        if pg_engine is not None:
            _empty_postgres(pg_engine)
            yield pg_engine
            return
        path = tmp_path / f"example-{next(numbers)}.db"
        shutil.copyfile(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
            path.unlink()

    return fresh
