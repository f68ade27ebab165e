"""The schema: migrations build exactly the tables the code declares, and keep data."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from reconcile.alerts import AlertStatus
from reconcile.cases import CaseStatus
from reconcile.db import migrate
from reconcile.db.schema import metadata
from reconcile.db.tables import ledger_entries
from reconcile.db.tables_statements import statement_lines
from reconcile.deferrals import DeferralStatus
from reconcile.disbursements import DisbursementStatus
from reconcile.distribution import PlanStatus
from reconcile.holds import HoldStatus
from reconcile.ledger import EntryKind
from reconcile.payee_changes import ChangeStatus
from reconcile.statement_lines import LineStatus
from reconcile.statement_voids import VoidStatus
from reconcile.webhooks import DeliveryStatus
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


#: every status column and the Enum its values come from
STATUS_ENUMS = {
    ("cases", "status"): CaseStatus,
    ("statement_lines", "status"): LineStatus,
    ("holds", "status"): HoldStatus,
    ("disbursements", "status"): DisbursementStatus,
    ("disbursement_counts", "status"): DisbursementStatus,
    ("deferrals", "status"): DeferralStatus,
    ("payee_account_changes", "status"): ChangeStatus,
    ("alerts", "status"): AlertStatus,
    ("deliveries", "status"): DeliveryStatus,
    ("ledger_entries", "kind"): EntryKind,
    ("statement_voids", "status"): VoidStatus,
    ("distribution_plans", "status"): PlanStatus,
}


def test_every_status_column_has_an_enum_and_the_database_checks_it(engine):
    declared = {(t.name, "status") for t in metadata.sorted_tables if "status" in t.c}
    assert declared | {("ledger_entries", "kind")} == set(STATUS_ENUMS)
    inspector = inspect(engine)
    for (table, column), states in STATUS_ENUMS.items():
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        text = checks.get(f"ck_{table}_{column}", "")
        assert all(f"'{s.value}'" in text for s in states), (table, text)
        assert text.count("'") == 2 * len(states), (table, text)  # nothing else admitted


def test_the_database_refuses_a_line_status_outside_the_enum(client, court, engine):
    upload(client, court, csv_statement([Row("2026-11-02", "10.00", "张伟", "", "x")]))
    with engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(update(statement_lines).values(status="pending"))


def test_the_migration_links_earlier_corrections_to_what_they_reverse(
    client, court, engine, register_case
):
    case = register_case()
    upload(
        client,
        court,
        csv_statement([Row("2026-11-02", "10.00", "某贸易公司", "6222000000009999", "货款")]),
    )
    [line] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    for verb, body in (("assign", {"case_id": case["id"]}), ("unassign", {})):
        response = client.post(
            f"/api/v1/transactions/{line['id']}/{verb}",
            json={"reason": "核对", **body},
            headers=court.headers("finance"),
        )
        assert response.status_code == 200, response.get_json()
    le = ledger_entries.c
    links = select(le.id, le.reverses_entry_id).where(le.kind == "assignment_reversed")
    with engine.connect() as conn:
        linked = conn.execute(links).all()
        assert len(linked) == 2 and all(r.reverses_entry_id for r in linked)
        conn.execute(update(ledger_entries).values(reverses_entry_id=None))  # as before 0007
        conn.commit()
        config = migrate.alembic_config(conn)
        command.downgrade(config, "0006")
        conn.commit()
        command.upgrade(config, "heads")
        conn.commit()
        assert sorted(conn.execute(links).all()) == sorted(linked)


def test_reference_keys_are_rewritten_with_day_and_amount_and_still_dedupe(client, court, engine):
    rows = [
        Row("2026-11-02", "10.00", "甲", "6222000000000001", "货款", reference="1"),
        Row("2026-11-02", "20.00", "乙", "6222000000000002", "货款", reference="2"),
    ]
    upload(client, court, csv_statement(rows))
    keys = select(statement_lines.c.dedupe_key).order_by(statement_lines.c.id)
    with engine.connect() as conn:
        new_form = conn.execute(keys).scalars().all()
        config = migrate.alembic_config(conn)
        command.downgrade(config, "0007")
        conn.commit()
        assert conn.execute(keys).scalars().all() == ["ref:credit:1#1", "ref:credit:2#1"]
        command.upgrade(config, "heads")
        conn.commit()
        assert conn.execute(keys).scalars().all() == new_form
    assert new_form == ["ref:credit:2026-11-02:1000:1#1", "ref:credit:2026-11-02:2000:2#1"]
    again = upload(client, court, csv_statement([*rows, Row("2026-11-03", "5.00", reference="1")]))
    assert (again.get_json()["lines_new"], again.get_json()["lines_duplicate"]) == (1, 2)
