"""Who may decide which request now: what the approvals page shows each approver.

The same rules as `decide_request`, asked before anyone clicks: an approver, another
person than the requester and than whoever approved an earlier level (people, not
credentials: reconcile/db/people.py), and of the position the next level names.

The payments and refunds waiting at the approver's position are read by a query that
has the position as a condition (reconcile/db/waiting_disbursements.py): a page of 50
reads 50 of them (it read up to 2,000 and kept those of the position), and its 合计
counts every one, not only those among the first 2,000.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconcile.actors import Actor
from reconcile.db import approval_store, people, positions, waiting_disbursements
from reconcile.db.uow import UnitOfWork
from reconcile.disbursement_lists import Cursor, DisbursementFilters, DisbursementSort
from reconcile.permissions import Verb, may
from reconcile.services.access import require
from reconcile.services.approving import RequestKind, position_of_level
from reconcile.services.disbursement_approvals import DISBURSEMENT
from reconcile.services.disbursement_reads import shown

#: the most requests one query reads (each batch: its rows, their decisions, the persons)
BATCH = 500


def next_levels(
    uow: UnitOfWork, actor: Actor, kind: RequestKind, request_ids: Iterable[int]
) -> dict[int, dict]:
    """Return, per request, the position its next level names and whether the actor may
    decide it now: {id: {"position": str | None, "yours": bool, "may_decide": bool}}.

    `yours`: the actor's position decides that level (or any approver's does). The
    requests are read a batch at a time: their rows, their decisions and the persons of
    their requesters and approvers, one query each (not three a request)."""
    ids = list(request_ids)
    found: dict[int, dict] = {}
    with uow:
        held = positions.position_of(uow.conn, actor.id)
        me = people.persons_of(uow.conn, [actor.id])[actor.id]
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = kind.store.by_ids(uow.conn, chunk)
            seen = [i for i in chunk if i in rows and actor.may_see(rows[i]["court"])]
            decisions = approval_store.decisions_of_each(uow.conn, kind.subject, seen)
            found |= _levels_of(uow.conn, actor, chunk, rows, decisions, held, me)
    return found


def _levels_of(conn, actor: Actor, ids: list[int], rows: dict, decisions: dict, held, me):
    """Each request's next level, of its row and decisions read already (one query: the
    persons of its requester and approvers)."""
    seen = [i for i in ids if i in rows and actor.may_see(rows[i]["court"])]
    approvers = {i: [d["approver_id"] for d in decisions[i]] for i in seen}
    persons = people.persons_of(
        conn, [a for i in seen for a in (rows[i]["requested_by_id"], *approvers[i])]
    )
    return {
        i: _next_level(actor, rows[i], approvers[i], persons, held, me)
        if i in approvers
        else {"position": None, "yours": False, "may_decide": False}
        for i in ids
    }


def _next_level(
    actor: Actor, row: dict, approvers: list[str], persons: dict[str, str], held, me
) -> dict:
    position = position_of_level(row, row["approvals_count"] + 1)
    yours = position is None or position == held
    others = persons[row["requested_by_id"]] != me and me not in {persons[a] for a in approvers}
    decidable = row["status"] == "requested" and may(actor.role, Verb.APPROVE)
    return {"position": position, "yours": yours, "may_decide": decidable and yours and others}


def waiting_page(
    uow: UnitOfWork,
    actor: Actor,
    chosen: DisbursementFilters,
    *,
    sort: DisbursementSort = DisbursementSort.OLDEST,
    after: Cursor = (None, 0),
    limit: int = 50,
) -> list[tuple[dict, dict]]:
    """Return the payments and refunds the filters show at a level the actor's position
    decides, after the key `after` in `sort` order, at most `limit`, each with its level
    (`next_levels`): the requests the approvals queue shows, a page of them."""
    require(actor, Verb.READ)
    if not may(actor.role, Verb.APPROVE):
        return []
    with uow:
        held = positions.position_of(uow.conn, actor.id)
        me = people.persons_of(uow.conn, [actor.id])[actor.id]
        rows = waiting_disbursements.waiting_page(
            uow.conn, chosen, held, sort=sort, after=after, limit=limit
        )
        ids = [row["id"] for row in rows]
        decisions = approval_store.decisions_of_each(uow.conn, DISBURSEMENT.subject, ids)
        by_id = {row["id"]: row for row in rows}
        levels = _levels_of(uow.conn, actor, ids, by_id, decisions, held, me)
    return [(shown(row, decisions[row["id"]]), levels[row["id"]]) for row in rows]


def waiting_totals(uow: UnitOfWork, actor: Actor, chosen: DisbursementFilters) -> dict:
    """Return the count and sum (fen) of every payment and refund the filters show at a
    level the actor's position decides (the queue's 合计)."""
    require(actor, Verb.READ)
    if not may(actor.role, Verb.APPROVE):
        return {"count": 0, "amount": 0}
    with uow:
        held = positions.position_of(uow.conn, actor.id)
        return waiting_disbursements.waiting_totals(uow.conn, chosen, held)
