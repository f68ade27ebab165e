"""The audit trail: written with every change, and any edit or deletion is detected."""

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from api.cli import cli
from reconcile.db import audit_log
from reconcile.db.tables import audit_records


def audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_records)).scalar_one()


def verify(engine):
    with engine.connect() as conn:
        return audit_log.verify(conn)


@pytest.fixture
def trail(engine, register_case):
    """A trail of court, account, tokens and three cases."""
    for _ in range(3):
        register_case()
    return audit_count(engine)


def test_every_state_change_leaves_an_audit_record(engine, client, court, register_case):
    before = audit_count(engine)
    case = register_case()
    client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"status": "closed", "closure_type": "completed"},
        headers=court.headers("enforcement"),
    )
    with engine.connect() as conn:
        records = audit_log.records_for(conn, "case", str(case["id"]))
    assert [r["action"] for r in records] == ["case.registered", "case.closed"]
    assert records[1]["actor"] == "enforcement"
    assert records[1]["role"] == "enforcement"
    assert records[1]["court"] == "京0105"
    assert records[1]["before"] == {"status": "open", "closure_type": None}
    assert records[1]["after"] == {"status": "closed", "closure_type": "completed"}
    assert audit_count(engine) == before + 2


def test_reads_and_refused_requests_leave_no_audit_record(engine, client, court, register_case):
    case = register_case()
    before = audit_count(engine)
    client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("finance"))
    client.post("/api/v1/cases", json={"case_number": "x"}, headers=court.headers("enforcement"))
    assert audit_count(engine) == before


def test_an_untouched_trail_verifies(engine, trail):
    assert verify(engine) is None


def test_editing_any_one_record_is_detected(engine, trail):
    for seq in range(1, trail + 1):
        with engine.begin() as conn:
            original = conn.execute(
                select(audit_records.c.actor).where(audit_records.c.seq == seq)
            ).scalar_one()
            conn.execute(
                update(audit_records).where(audit_records.c.seq == seq).values(actor=original + "x")
            )
        problem = verify(engine)
        assert problem is not None and problem.seq == seq, seq
        with engine.begin() as conn:
            conn.execute(
                update(audit_records).where(audit_records.c.seq == seq).values(actor=original)
            )
    assert verify(engine) is None


def test_editing_the_after_state_is_detected(engine, trail):
    with engine.begin() as conn:
        conn.execute(
            update(audit_records)
            .where(audit_records.c.seq == trail)
            .values(after={"status": "open", "forged": True})
        )
    assert verify(engine).seq == trail


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_deleting_a_record_is_detected(engine, trail, position):
    seq = {"first": 1, "middle": trail // 2, "last": trail}[position]
    with engine.begin() as conn:
        conn.execute(delete(audit_records).where(audit_records.c.seq == seq))
    problem = verify(engine)
    assert problem is not None
    assert problem.seq == seq


def test_the_cli_reports_a_broken_trail_and_exits_non_zero(
    engine, trail, database_url, monkeypatch
):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with engine.begin() as conn:
        conn.execute(update(audit_records).where(audit_records.c.seq == 2).values(role="admin"))
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "audit record 2" in broken.output
