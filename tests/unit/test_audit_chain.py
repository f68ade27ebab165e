from dataclasses import replace
from datetime import UTC, datetime

from reconcile.audit import (
    GENESIS_HASH,
    AuditEntry,
    ChainKey,
    StoredRecord,
    find_break,
    record_hash,
)

AT = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
KEY = ChainKey(b"the court's audit key")


def chain(n: int, key: ChainKey = KEY) -> list[StoredRecord]:
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
        digest = record_hash(seq, AT, entry, prev, key.for_record(seq))
        records.append(StoredRecord(seq, AT, entry, prev, digest))
        prev = digest
    return records


def test_an_intact_chain_has_no_break():
    records = chain(5)
    assert find_break(records, 5, records[-1].hash, KEY) is None


def test_an_edited_record_is_named():
    records = chain(5)
    records[2] = replace(records[2], entry=replace(records[2].entry, actor="李四"))
    problem = find_break(records, 5, records[-1].hash, KEY)
    assert problem.seq == 3
    assert "edited" in problem.problem


def test_a_deleted_record_is_named():
    records = chain(5)
    del records[1]
    problem = find_break(records, 5, records[-1].hash, KEY)
    assert problem.seq == 2
    assert "missing" in problem.problem


def test_a_deleted_last_record_disagrees_with_the_head():
    records = chain(5)
    head_hash = records[-1].hash
    problem = find_break(records[:-1], 5, head_hash, KEY)
    assert problem.seq == 5


def test_a_naive_timestamp_hashes_as_utc():
    entry = AuditEntry("a", "admin", None, "x", "y", None)
    naive = AT.replace(tzinfo=None)
    assert record_hash(1, naive, entry, GENESIS_HASH, KEY.key) == record_hash(
        1, AT, entry, GENESIS_HASH, KEY.key
    )


def test_a_rewritten_and_rechained_record_fails_without_the_key():
    records = chain(5)
    forged, prev = [], GENESIS_HASH
    for record in records:  # what a database writer can do: rewrite, then re-chain
        entry = replace(record.entry, actor="李四") if record.seq == 3 else record.entry
        digest = record_hash(record.seq, AT, entry, prev, b"a guessed key")
        forged.append(StoredRecord(record.seq, AT, entry, prev, digest))
        prev = digest
    problem = find_break(forged, 5, forged[-1].hash, KEY)
    assert problem.seq == 1 and "edited" in problem.problem


def test_an_unkeyed_rechain_fails_and_legacy_records_before_keying_verify():
    legacy = ChainKey(KEY.key, keyed_from=4)
    records = chain(5, legacy)
    assert find_break(records, 5, records[-1].hash, legacy) is None
    assert records[0].hash == record_hash(1, AT, records[0].entry, GENESIS_HASH, None)
    assert find_break(records, 5, records[-1].hash, KEY).seq == 1  # all must be keyed
