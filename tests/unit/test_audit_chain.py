from dataclasses import replace
from datetime import UTC, datetime

from reconcile.audit import GENESIS_HASH, AuditEntry, StoredRecord, find_break, record_hash

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def chain(n: int) -> list[StoredRecord]:
    records, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        entry = AuditEntry(
            "张三",
            "finance",
            "京0105",
            "case.registered",
            "case",
            str(seq),
            None,
            {"amount": "1.00"},
        )
        digest = record_hash(seq, AT, entry, prev)
        records.append(StoredRecord(seq, AT, entry, prev, digest))
        prev = digest
    return records


def test_an_intact_chain_has_no_break():
    records = chain(5)
    assert find_break(records, 5, records[-1].hash) is None


def test_an_edited_record_is_named():
    records = chain(5)
    records[2] = replace(records[2], entry=replace(records[2].entry, actor="李四"))
    problem = find_break(records, 5, records[-1].hash)
    assert problem.seq == 3
    assert "edited" in problem.problem


def test_a_deleted_record_is_named():
    records = chain(5)
    del records[1]
    problem = find_break(records, 5, records[-1].hash)
    assert problem.seq == 2
    assert "missing" in problem.problem


def test_a_deleted_last_record_disagrees_with_the_head():
    records = chain(5)
    head_hash = records[-1].hash
    problem = find_break(records[:-1], 5, head_hash)
    assert problem.seq == 5


def test_a_naive_timestamp_hashes_as_utc():
    entry = AuditEntry("a", "admin", None, "x", "y", None)
    naive = AT.replace(tzinfo=None)
    assert record_hash(1, naive, entry, GENESIS_HASH) == record_hash(1, AT, entry, GENESIS_HASH)
