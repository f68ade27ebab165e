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
            approvers = {i: [d["approver_id"] for d in decisions[i]] for i in seen}
            persons = people.persons_of(
                uow.conn,
                [a for i in seen for a in (rows[i]["requested_by_id"], *approvers[i])],
            )
            for i in chunk:
                if i in approvers:
                    found[i] = _next_level(actor, rows[i], approvers[i], persons, held, me)
                else:
                    found[i] = {"position": None, "yours": False, "may_decide": False}
    return found


def _next_level(
    actor: Actor, row: dict, approvers: list[str], persons: dict[str, str], held, me
) -> dict:
    position = position_of_level(row, row["approvals_count"] + 1)
    yours = position is None or position == held
    others = persons[row["requested_by_id"]] != me and me not in {persons[a] for a in approvers}
    decidable = row["status"] == "requested" and may(actor.role, Verb.APPROVE)
    return {"position": position, "yours": yours, "may_decide": decidable and yours and others}
