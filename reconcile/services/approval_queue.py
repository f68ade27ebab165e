"""Who may decide which request now: what the approvals page shows each approver.

The same rules as `decide_request`, asked before anyone clicks: an approver, another
person than the requester and than whoever approved an earlier level (people, not
credentials: reconcile/db/people.py), and of the position the next level names.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconcile.actors import Actor
from reconcile.db import approval_store, people, positions
from reconcile.db.uow import UnitOfWork
from reconcile.permissions import Verb, may
from reconcile.services.approving import RequestKind, position_of_level


def next_levels(
    uow: UnitOfWork, actor: Actor, kind: RequestKind, request_ids: Iterable[int]
) -> dict[int, dict]:
    """Return, per request, the position its next level names and whether the actor may
    decide it now: {id: {"position": str | None, "yours": bool, "may_decide": bool}}.

    `yours`: the actor's position decides that level (or any approver's does)."""
    ids = list(request_ids)
    with uow:
        held = positions.position_of(uow.conn, actor.id)
        me = people.persons_of(uow.conn, [actor.id])[actor.id]
        return {i: _next_level(uow, actor, kind, i, held, me) for i in ids}


def _next_level(uow, actor: Actor, kind: RequestKind, request_id: int, held, me) -> dict:
    row = kind.store.by_id(uow.conn, request_id)
    if row is None or not actor.may_see(row["court"]):
        return {"position": None, "yours": False, "may_decide": False}
    position = position_of_level(row, row["approvals_count"] + 1)
    yours = position is None or position == held
    approvers = [
        d["approver_id"] for d in approval_store.decisions_of(uow.conn, kind.subject, request_id)
    ]
    persons = people.persons_of(uow.conn, [row["requested_by_id"], *approvers])
    others = persons[row["requested_by_id"]] != me and me not in {persons[a] for a in approvers}
    decidable = row["status"] == "requested" and may(actor.role, Verb.APPROVE)
    return {"position": position, "yours": yours, "may_decide": decidable and yours and others}
