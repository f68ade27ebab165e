"""Tamper-evidence against a database writer: a keyed chain and the desk's checkpoints.

Each attack here is what someone who can write the database, but holds neither the
audit key nor the desk's copies, can do; each must make `reconcile audit verify` fail.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from api.cli import cli
from api.desk_receiver import DeskReceiver
from reconcile.actors import cli_actor
from reconcile.audit import GENESIS_HASH, record_hash
from reconcile.db import audit_log, ledger_store
from reconcile.db.engine import make_engine
from reconcile.db.tables import (
    audit_checkpoints,
    audit_head,
    audit_records,
    ledger_accounts,
    ledger_entries,
)
from reconcile.db.tables_alerts import deliveries
from reconcile.db.tables_statements import statement_lines
from reconcile.db.uow import UnitOfWork
from reconcile.ledger import EntryKind, Posting
from reconcile.services import checkpoints, delivery
from reconcile.services.verification import audit_trail_break, ledger_breaks
from reconcile.settings import load_settings
from tests.integration.statement_files import Row, csv_statement, upload

KEY = "the court's audit key, kept off the database host"
SECRET = "desk-secret-2026"


@pytest.fixture
def keyed(database_url):
    """The test database through an engine that holds the audit key."""
    engine = make_engine(database_url, audit_key=KEY)
    yield engine
    engine.dispose()


@pytest.fixture
def imported(client, court, register_case):
    """Two cases, a statement paying into one of them and an unidentified credit."""
    case = register_case()
    register_case()
    rows = [
        Row("2026-11-02", "1200.00", "王五", "6222000011112222", remark=case["case_number"]),
        Row("2026-11-03", "70.00", "赵六", "6222000033334444", remark="还款"),
    ]
    response = upload(client, court, csv_statement(rows))
    assert response.status_code == 201, response.get_json()
    return case


def chain(engine) -> list:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_records).order_by(audit_records.c.seq)))


def rechain_from(engine, seq: int, key: bytes | None, **change) -> None:
    """Rewrite record `seq` and re-chain it and every later record, as a writer would."""
    with engine.begin() as conn:
        if change:
            conn.execute(update(audit_records).where(audit_records.c.seq == seq).values(**change))
        rows = list(conn.execute(select(audit_records).order_by(audit_records.c.seq)))
        prev = GENESIS_HASH
        for row in rows:
            if row.seq >= seq:
                entry = next(audit_log._stored_records([row])).entry
                digest = record_hash(row.seq, row.at, entry, prev, key)
                conn.execute(
                    update(audit_records)
                    .where(audit_records.c.seq == row.seq)
                    .values(prev_hash=prev, hash=digest)
                )
                prev = digest
            else:
                prev = row.hash
        conn.execute(update(audit_head).values(hash=prev))


def test_a_keyed_chain_verifies_only_with_its_key(keyed, database_url):
    with UnitOfWork(keyed) as uow:
        uow.audit(cli_actor("t"), "test.keyed", "test", 1)
        uow.commit()
    assert audit_trail_break(keyed) is None
    other = make_engine(database_url, audit_key="another key")
    try:
        assert audit_trail_break(other) is not None
    finally:
        other.dispose()


@pytest.mark.parametrize("forged_with", [None, b"a guessed key"], ids=["sha256", "hmac"])
def test_a_rewritten_and_rechained_record_is_detected(keyed, forged_with):
    with UnitOfWork(keyed) as uow:
        for n in range(3):
            uow.audit(cli_actor("t"), "test.keyed", "test", n)
        uow.commit()
    last = chain(keyed)[-1].seq
    rechain_from(keyed, last - 1, forged_with, actor="someone else")
    problem = audit_trail_break(keyed)
    assert problem is not None and problem.seq <= last - 1
    assert "edited" in problem.problem


def test_a_checkpoint_binds_the_head_and_the_money_and_is_chained(engine, imported):
    checkpoint = checkpoints.take_checkpoint(engine)
    with engine.connect() as conn:
        entries = conn.execute(select(func.count()).select_from(ledger_entries)).scalar_one()
        lines = conn.execute(select(func.count()).select_from(statement_lines)).scalar_one()
        head = conn.execute(select(audit_head)).one()
        queued = conn.execute(
            select(deliveries.c.topic, deliveries.c.checkpoint_number)
            .where(deliveries.c.topic == "checkpoint")
        ).all()  # fmt: skip
    assert checkpoint.ledger_entries.rows == checkpoint.ledger_entries.total == entries > 0
    assert checkpoint.statement_lines.total == lines == 2
    assert head.seq == checkpoint.audit_seq + 1  # its own record follows what it saw
    assert chain(engine)[-1].action == "audit.checkpoint_taken"
    assert queued == [("checkpoint", checkpoint.number)]
    assert checkpoints.checkpoint_breaks(engine) == []
    second = checkpoints.take_checkpoint(engine)
    assert second.previous == checkpoint.signature and second.number == 2
    assert checkpoints.checkpoint_breaks(engine) == []


def test_a_consistent_edit_of_a_ledger_entry_and_its_balance_is_detected(engine, imported):
    desk = [checkpoints.take_checkpoint(engine).document()]
    with engine.begin() as conn:  # 1,200.00 becomes 12,000.00, balance and all
        entry = conn.execute(select(ledger_entries).where(ledger_entries.c.amount == 120000)).one()
        conn.execute(
            update(ledger_entries).where(ledger_entries.c.id == entry.id).values(amount=1200000)
        )
        conn.execute(
            update(ledger_accounts)
            .where(ledger_accounts.c.id == entry.ledger_account_id)
            .values(**{entry.bucket: ledger_accounts.c[entry.bucket] + 1080000})
        )
    assert ledger_breaks(engine) == []  # the books agree with themselves
    assert audit_trail_break(engine) is None  # and the chain holds
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, desk)]
    assert len(breaks) == 1 and "ledger_entries" in breaks[0] and "edited" in breaks[0]


def test_an_edited_statement_line_is_detected(engine, imported):
    desk = [checkpoints.take_checkpoint(engine).document()]
    with engine.begin() as conn:
        last = conn.execute(select(func.max(statement_lines.c.id))).scalar_one()
        conn.execute(update(statement_lines).where(statement_lines.c.id == last).values(
            remark="改过"
        ))  # fmt: skip
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, desk)]
    assert len(breaks) == 1 and "statement_lines" in breaks[0]


def test_a_truncated_tail_passes_the_chain_but_not_the_desks_checkpoint(engine, imported):
    desk = [checkpoints.take_checkpoint(engine).document()]
    records = chain(engine)
    keep = records[-4]  # cut the last three records, head and all, consistently
    with engine.begin() as conn:
        conn.execute(delete(audit_records).where(audit_records.c.seq > keep.seq))
        conn.execute(delete(deliveries).where(deliveries.c.topic == "checkpoint"))
        conn.execute(delete(audit_checkpoints))
        conn.execute(update(audit_head).values(seq=keep.seq, hash=keep.hash))
    assert audit_trail_break(engine) is None  # the chain alone cannot tell
    assert checkpoints.checkpoint_breaks(engine) == []  # nor the database's own copies
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, desk)]
    assert any("truncated" in b for b in breaks), breaks


def test_a_rewritten_chain_disagrees_with_the_desks_checkpoint(engine, imported):
    desk = [checkpoints.take_checkpoint(engine).document()]
    rechain_from(engine, 2, b"", actor="someone else")  # even with the (empty) key
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, desk)]
    assert any("rewritten" in b for b in breaks), breaks


def test_a_forged_or_missing_checkpoint_at_the_desk_is_named(engine, imported):
    first = checkpoints.take_checkpoint(engine).document()
    checkpoints.take_checkpoint(engine)
    third = checkpoints.take_checkpoint(engine).document()
    forged = {**first, "audit_seq": 1}
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, [forged, third])]
    assert any("checkpoint 1: its signature does not hold" in b for b in breaks), breaks
    breaks = [str(b) for b in checkpoints.checkpoint_breaks(engine, [first, third])]
    assert breaks == ["checkpoint 3: checkpoints 2-2 are missing"]  # the rest still checked


def test_checkpoints_reach_the_desk_and_verify_from_its_store(
    engine, imported, database_url, tmp_path, monkeypatch
):
    store = tmp_path / "desk.jsonl"
    with DeskReceiver([SECRET], store=store) as desk:
        settings = load_settings(
            environ={},
            overrides={
                "database": {"url": database_url},
                "desk": {"webhook_url": desk.url, "webhook_secret": SECRET},
            },
        )
        checkpoint = checkpoints.take_checkpoint(engine)
        for _ in range(5):
            delivery.deliver_pending(engine, settings)
            if ("checkpoint", checkpoint.number) in desk.received:
                break
        assert desk.received[("checkpoint", checkpoint.number)] == checkpoint.document()
    kept = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert {"topic": "checkpoint", "body": checkpoint.document()} in kept

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "--checkpoints", str(store)])
    assert ok.exit_code == 0, ok.output
    assert "the desk's checkpoints hold" in ok.output
    with engine.begin() as conn:
        conn.execute(update(statement_lines).values(counterparty_name="改过"))
    broken = runner.invoke(cli, ["audit", "verify", "--checkpoints", str(store)])
    assert broken.exit_code == 1
    assert "checkpoint broken: checkpoint 1: statement_lines" in broken.output


def test_the_cli_takes_a_checkpoint(engine, imported, database_url, monkeypatch):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert "checkpoint 1:" in result.output and "2 statement lines" in result.output


def test_a_desk_file_that_is_not_json_is_refused_by_line(
    engine, tmp_path, database_url, monkeypatch
):
    bad = tmp_path / "desk.jsonl"
    bad.write_text('{"topic": "alert", "body": {"id": 1}}\nnot json\n', encoding="utf-8")
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["audit", "verify", "--checkpoints", str(bad)])
    assert result.exit_code != 0 and "line 2: not JSON" in result.output


def test_money_written_after_a_checkpoint_is_covered_by_the_next(engine, imported, uow):
    first = checkpoints.take_checkpoint(engine)
    with engine.connect() as conn:
        account = conn.execute(select(ledger_accounts.c.id).limit(1)).scalar_one()
    with UnitOfWork(engine) as work:
        ledger_store.post(
            work.conn, account, EntryKind.CREDIT, [Posting("received", 100)],
            enforce_available=False,
        )  # fmt: skip
        work.commit()
    second = checkpoints.take_checkpoint(engine)
    assert second.ledger_entries.rows == 1
    assert second.ledger_entries.total == first.ledger_entries.total + 1
    assert checkpoints.checkpoint_breaks(engine) == []


def test_a_checkpoint_is_what_the_openapi_document_says_the_desk_receives(engine, imported, client):
    from jsonschema import Draft202012Validator

    spec = client.get("/api/v1/openapi.json").get_json()
    webhook = spec["webhooks"]["auditCheckpoint"]["post"]
    ref = webhook["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    document = checkpoints.take_checkpoint(engine).document()
    assert list(Draft202012Validator(schema).iter_errors(document)) == []
    assert {"ledger_entries", "statement_lines", "signature"} <= schema["properties"].keys()
