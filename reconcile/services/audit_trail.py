"""Reading the audit trail for people: a case's trail, or one object's, a page at a time,
each record checked against its hash and the record before it.

The whole chain is verified by `reconcile audit verify` (and the signed checkpoints the
desk keeps); a page checks only the records it shows, which is what a reader can trust at
a glance without reading the whole trail.
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.audit import StoredRecord, record_problem
from reconcile.db import audit_log, case_objects, checkpoint_store, registry
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.permissions import Verb
from reconcile.services.access import require

PAGE = 100
#: the entity types a trail page may be asked for (others are internal to the service)
OBJECT_TYPES = (
    "case",
    "statement",
    "transaction",
    "disbursement",
    "hold",
    "deferral",
    "payee_change",
    "statement_void",
    "alert",
)


def case_trail(uow: UnitOfWork, actor: Actor, case_id: int, *, after_seq: int = 0) -> dict:
    """Return a page of the audit records of a case and everything of it, oldest first."""
    require(actor, Verb.READ)
    with uow:
        case = registry.case_by_id(uow.conn, case_id)
        if case is None or not actor.may_see(case["court"]):
            raise NotFound("case not found")
        entities = case_objects.audited_objects(uow.conn, case_id)
        return _page(uow, actor, entities, after_seq)


def object_trail(
    uow: UnitOfWork, actor: Actor, entity_type: str, entity_id: str, *, after_seq: int = 0
) -> dict:
    """Return a page of the audit records of one object; NotFound when the actor's courts
    have none (as if it did not exist)."""
    require(actor, Verb.READ)
    if entity_type not in OBJECT_TYPES:
        raise NotFound("no such kind of object")
    with uow:
        trail = _page(uow, actor, {entity_type: [str(entity_id)]}, after_seq)
    if not trail["records"] and not after_seq:
        raise NotFound("{what} not found", what=entity_type)
    return trail


def _page(uow: UnitOfWork, actor: Actor, entities: dict[str, list[str]], after_seq: int) -> dict:
    courts = None if actor.all_courts else actor.courts
    records = audit_log.records_of(
        uow.conn, entities, courts=courts, after_seq=after_seq, limit=PAGE + 1
    )
    more = len(records) > PAGE
    records = records[:PAGE]
    key = audit_log.chain_key(uow.conn, audit_log.head(uow.conn).keyed_from)
    previous = audit_log.previous_hashes(uow.conn, [r.seq for r in records])
    checkpoint = checkpoint_store.latest(uow.conn)
    shown = [_record_view(r, record_problem(r, previous[r.seq], key)) for r in records]
    return {
        "records": shown,
        "intact": all(r["problem"] is None for r in shown),
        "next_after": records[-1].seq if more else None,
        "checkpoint": None
        if checkpoint is None
        else {
            "number": checkpoint.number,
            "taken_at": checkpoint.taken_at,
            "audit_seq": checkpoint.audit_seq,
        },
    }


def _record_view(record: StoredRecord, problem: str | None) -> dict:
    entry = record.entry
    return {
        "seq": record.seq,
        "at": record.at,
        "actor": entry.actor,
        "role": entry.role,
        "court": entry.court,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "changes": changes(entry.before, entry.after),
        "problem": problem,
    }


def changes(before: object, after: object) -> list[dict]:
    """Return the fields that differ between before and after (a plain value is one field)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [] if before == after else [{"field": "", "before": before, "after": after}]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    return [
        {"field": field, "before": before.get(field), "after": after.get(field)}
        for field in sorted(before.keys() | after.keys())
        if before.get(field) != after.get(field)
    ]
