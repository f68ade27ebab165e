"""The approval flow every request shares: payments, refunds, deferrals, payee changes.

A `RequestKind` says what differs between them (where the rows are, their lifecycle, how
they are shown, and what follows an approval or a rejection); `decide_request` is the
rest, the same for all: approvers only, maker ≠ checker, nobody twice, one level at a
time, on the request's locked row.

A request may name the position that decides each level (`level_positions`, a
disbursement's): the level's decision is then refused to an approver of any other
position (403 wrong_position), so the levels are decided in order by their positions.

Maker ≠ checker and nobody twice compare people, not credentials: the admin's API token
and the same admin's staff sign-in are one person (reconcile/db/people.py), so neither
approves what the other requested, and they are not two approvers of one request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconcile import clock
from reconcile.actors import Actor
from reconcile.approvals import (
    APPROVED,
    Decision,
    approval_action,
    check_approver,
    check_level_position,
)
from reconcile.db import approval_store, people, positions, registry
from reconcile.db.handles import Connection
from reconcile.db.request_store import RequestStore
from reconcile.db.uow import UnitOfWork
from reconcile.errors import Message, NotFound
from reconcile.lifecycle import Lifecycle
from reconcile.permissions import Verb
from reconcile.services.access import require

#: What follows a final decision, inside its unit of work: (uow, approver, row as read).
Follow = Callable[[UnitOfWork, Actor, dict], None]


def _nothing(*_args) -> None:
    return None


def status_only(row: dict) -> dict:
    """Return what the audit keeps of a request before the decision: its status."""
    return {"status": row["status"]}


def audit_by_status(subject: str, decision: Decision, status: str) -> str:
    """Name the decision's audit entry by the status it leaves (deferral.approved)."""
    return f"{subject}.{status}"


def audit_by_decision(subject: str, decision: Decision, status: str) -> str:
    """Name the decision's audit entry by the decision, at any level (disbursement.approved)."""
    return f"{subject}.{'approved' if decision is Decision.APPROVE else 'rejected'}"


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: its default view is bound
class RequestKind:
    """One kind of request approved in layers, and what its approval or rejection does."""

    subject: str  #: the approvals' subject_type, and the audit's entity type
    store: RequestStore
    lifecycle: Lifecycle
    #: as "not found" names it, a template marked N_ ("statement void"); default: the subject
    what: str | None = None
    #: the request as shown, with its approvals; default: its row without the token id
    view: Callable[[Connection, int], dict] | None = None
    on_approved: Follow = _nothing  #: after the last level approved, before it is shown
    on_rejected: Follow = _nothing
    announce: Callable[[UnitOfWork, dict], None] = _nothing  #: the approved view, audited
    before: Callable[[dict], dict] = status_only  #: what the audit keeps of the row as read
    audit_action: Callable[[str, Decision, str], str] = audit_by_status
    #: the action of the last level's approval, by the row (a payment finance reviews next)
    last_approval: Callable[[dict], str] = lambda row: APPROVED

    def __post_init__(self) -> None:
        if self.what is None:
            object.__setattr__(self, "what", self.subject)
        if self.view is None:
            object.__setattr__(self, "view", self._row_with_approvals)

    def _row_with_approvals(self, conn: Connection, request_id: int) -> dict:
        row = self.store.by_id(conn, request_id)
        shown = {k: v for k, v in row.items() if k != "requested_by_id"}
        shown["approvals"] = approval_store.decisions_of(conn, self.subject, request_id)
        return shown

    def approve(self, uow: UnitOfWork, actor: Actor, request_id: int, *, note=None) -> dict:
        """Approve at the next level; the last level approves the request."""
        return decide_request(uow, actor, self, request_id, Decision.APPROVE, note)

    def reject(self, uow: UnitOfWork, actor: Actor, request_id: int, *, note=None) -> dict:
        """Reject the request, at any level."""
        return decide_request(uow, actor, self, request_id, Decision.REJECT, note)

    def get(self, uow: UnitOfWork, actor: Actor, request_id: int) -> dict:
        """Return a request with its approvals."""
        require(actor, Verb.READ)
        with uow:
            visible_request(uow.conn, actor, self, request_id)
            return self.view(uow.conn, request_id)

    def of_case(self, uow: UnitOfWork, actor: Actor, case_id: int) -> list[dict]:
        """Return a case's requests of this kind, oldest first."""
        require(actor, Verb.READ)
        with uow:
            visible_case(uow.conn, actor, case_id)
            rows = self.store.of_case(uow.conn, case_id)
            return [self.view(uow.conn, row["id"]) for row in rows]


def decide_request(
    uow: UnitOfWork,
    actor: Actor,
    kind: RequestKind,
    request_id: int,
    decision: Decision,
    note: str | None = None,
) -> dict:
    """Record an approver's decision on a request, follow it, audit it; return the request."""
    require(actor, Verb.APPROVE)
    with uow:
        view = decide_in(uow, actor, kind, request_id, decision, note)
        uow.commit()
    return view


def decide_in(
    uow: UnitOfWork,
    actor: Actor,
    kind: RequestKind,
    request_id: int,
    decision: Decision,
    note: str | None = None,
) -> dict:
    """`decide_request` inside the caller's open unit of work, which commits (a bulk
    decision: all of them, or none)."""
    require(actor, Verb.APPROVE)
    row = visible_request(uow.conn, actor, kind, request_id, lock=True)
    new = _record(uow.conn, actor, kind, row, decision, note)
    final = new != row["status"]
    if final:
        follow = kind.on_approved if decision is Decision.APPROVE else kind.on_rejected
        follow(uow, actor, row)
    view = kind.view(uow.conn, request_id)
    uow.audit(
        actor,
        kind.audit_action(kind.subject, decision, new),
        kind.subject,
        request_id,
        court=row["court"],
        before=kind.before(row),
        after=view,
    )
    if final and decision is Decision.APPROVE:
        kind.announce(uow, view)
    return view


def _record(
    conn: Connection, actor: Actor, kind: RequestKind, row: dict, decision: Decision, note
) -> str:
    """Record the decision on the locked row, move the row, and return its new status."""
    decisions = approval_store.decisions_of(conn, kind.subject, row["id"])
    check_people(conn, actor, row["requested_by_id"], [d["approver_id"] for d in decisions])
    level = row["approvals_count"] + 1
    action = approval_action(decision, level, row["levels_required"])
    if action == APPROVED:
        action = kind.last_approval(row)
    new = kind.lifecycle.after(row["status"], action)
    held = positions.position_of(conn, actor.id)
    check_level_position(level, position_of_level(row, level), held)
    approval_store.record(
        conn,
        kind.subject,
        row["id"],
        level=level,
        decision=decision,
        actor=actor,
        note=note,
        position=held,
    )
    count = level if decision is Decision.APPROVE else row["approvals_count"]
    decided_at = clock.utc_now() if new != row["status"] else None
    kind.store.advance(conn, row, status=new, approvals_count=count, decided_at=decided_at)
    return new


def position_of_level(row: dict, level: int) -> str | None:
    """Return the position that decides `level` of a request (None: any approver)."""
    named = row.get("level_positions") or ()
    return named[level - 1] if level <= len(named) else None


def check_people(conn: Connection, actor: Actor, requester_id: str, approver_ids: list) -> None:
    """Refuse the requester's person, and a person who has approved already (any credential).

    Every credential's person is read from the database, the actor's too: what counts is
    whose credential it is, not what an Actor says. A credential's person never changes,
    and the request's row is locked, so the answer holds until the decision is stored."""
    persons = people.persons_of(conn, [actor.id, requester_id, *approver_ids])
    check_approver(persons[actor.id], persons[requester_id], [persons[a] for a in approver_ids])


def visible_case(conn: Connection, actor: Actor, case_id: int) -> dict:
    """Return the case, or NotFound if it does not exist or is another court's."""
    row = registry.case_by_id(conn, case_id)
    if row is None or not actor.may_see(row["court"]):
        raise NotFound("case not found")
    return row


def visible_request(
    conn: Connection, actor: Actor, kind: RequestKind, request_id: int, *, lock: bool = False
) -> dict:
    """Return a request the actor's courts may see, or NotFound; `lock` locks its row."""
    row = kind.store.by_id(conn, request_id, lock=lock)
    if row is None or not actor.may_see(row["court"]):
        what = kind.what  # marked N_ where the kind is written
        raise NotFound("{what} not found", what=Message(what))
    return row


def open_case_request(
    uow: UnitOfWork,
    actor: Actor,
    kind: RequestKind,
    case_id: int,
    *,
    levels: int,
    values: Callable[[Connection], dict],
) -> dict:
    """Store a request on a visible case with what `values` reads, audit it, and commit."""
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        request_id = kind.store.insert(
            uow.conn,
            case_id=case_id,
            levels_required=levels,
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
            **values(uow.conn),
        )
        view = kind.view(uow.conn, request_id)
        uow.audit(
            actor,
            f"{kind.subject}.requested",
            kind.subject,
            request_id,
            court=case["court"],
            after=view,
        )
        uow.commit()
    return view
