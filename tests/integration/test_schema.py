"""The schema: migrations build exactly the tables the code declares, and keep data."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from reconcile.db import migrate
from reconcile.db.schema import metadata
from reconcile.db.tables_statements import statement_lines
from tests.integration.statement_files import Row, csv_statement, upload


def test_the_migrations_build_the_declared_schema(engine):
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_a_line_cannot_name_an_account_other_than_its_statements(
    client, court, other_court, engine
):
    upload(client, court, csv_statement([Row("2026-11-02", "10.00", "张伟", "", "x")]))
    with engine.connect() as conn:
        line = conn.execute(select(statement_lines)).mappings().one()
        foreign = {**line, "id": None, "dedupe_key": "copy", "collection_account_id": 2}
        with pytest.raises(IntegrityError):
            conn.execute(insert(statement_lines).values(foreign))


def test_the_line_key_migration_goes_down_and_up_with_the_lines(client, court, engine):
    upload(client, court, csv_statement([Row("2026-11-02", "10.00", "张伟", "", "x")]))
    with engine.connect() as conn:
        config = migrate.alembic_config(conn)
        try:
            command.downgrade(config, "0003")
            conn.commit()
        finally:
            command.upgrade(config, "heads")
            conn.commit()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert conn.execute(select(func.count()).select_from(statement_lines)).scalar_one() == 1
