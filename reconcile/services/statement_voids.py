"""Voiding an import (撤销导入): asked for by finance, decided through the one approval flow.

`request_void` opens the request on a finished import that nothing has voided yet. Its
approval (`approve_void`, through `decide_request`) takes the import back in the same
unit of work: the import's postings are reversed by linked reversing entries, its lines
become `void` and give up their dedupe keys, its alerts are resolved with a note naming
the void, each case it credited hears `money_reversed`, and its file may be imported
again. It is refused — at the request and again at the approval — while any of its money
has been used since, naming each use. Nothing is deleted.
"""

from __future__ import annotations

from reconcile import clock
from reconcile.actors import Actor
from reconcile.alerts import AlertStatus
from reconcile.case_events import CaseEvent
from reconcile.db import alert_store, approval_store, ledger_store
from reconcile.db import statement_void_store as store
from reconcile.db.handles import Connection
from reconcile.db.request_store import STATEMENT_VOIDS
from reconcile.db.uow import UnitOfWork
from reconcile.errors import N_, InsufficientAvailable, Message, NotFound, ValidationFailed
from reconcile.ledger import EntryKind
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import RequestKind, audit_by_status
from reconcile.statement_lines import LINE_LIFECYCLE, LineAction, LineStatus
from reconcile.statement_voids import (
    VOID_LIFECYCLE,
    CaseCredit,
    MoneyUse,
    VoidPending,
    case_blockers,
    line_blocker,
    refuse_if_used,
)

SUBJECT = "statement_void"


def void_view(conn: Connection, void_id: int) -> dict:
    """Return a void request as shown: its statement's summary and its approvals."""
    row = STATEMENT_VOIDS.by_id(conn, void_id)
    report = row.pop("report") or {}
    shown = {k: v for k, v in row.items() if k != "requested_by_id"}
    shown["statement"] = {
        "id": row["statement_id"],
        "filename": row["filename"],
        "account": row["account"],
        "imported_by": row["imported_by"],
        "imported_at": row["imported_at"],
        "voided_at": row["voided_at"],
        "period": report.get("period"),
        **{k: report.get(k) for k in _SUMMARY},
    }
    shown["approvals"] = _decisions(conn, void_id)
    return shown


_SUMMARY = ("lines_new", "credits_matched", "orphans", "debits_reconciled", "debits_flagged")


def _decisions(conn: Connection, void_id: int) -> list[dict]:
    return approval_store.decisions_of(conn, SUBJECT, void_id)


def blockers(conn: Connection, statement_id: int) -> list[dict]:
    """Return every use of the import's money since it was imported (empty: it may be voided)."""
    found = [
        line_blocker(MoneyUse(line["moved"]), line)
        for line in store.moved_lines(conn, statement_id)
    ]
    for credit in store.case_credits(conn, statement_id):
        found += case_blockers(CaseCredit(**credit))
    return found


def _take_back(uow: UnitOfWork, actor: Actor, void: dict) -> None:
    """Reverse the approved void's import, in the deciding unit of work."""
    conn, now = uow.conn, clock.utc_now()
    statement = store.statement_of(conn, void["statement_id"], lock=True)
    if statement["voided_at"] is not None:
        raise VoidPending("this import is voided already")
    refuse_if_used(blockers(conn, statement["id"]))
    credits = store.case_credits(conn, statement["id"])
    # the ledger's note is a record kept as written, in the court's language (as 分配方案 and
    # 退汇 are); the alerts' is said in the reader's
    note = f"撤销导入 #{void['id']}：{void['reason']}"
    said = Message(
        "statement void #{void_id}: {reason}", {"void_id": void["id"], "reason": void["reason"]}
    )
    try:
        reversed_ = ledger_store.reverse_from(
            conn,
            store.import_postings(statement["id"]),
            EntryKind.ASSIGNMENT_REVERSED,
            bucket="received",
            note=note,
            now=now,
        )
    except InsufficientAvailable as e:  # used meanwhile, by a writer the lock does not stop
        raise VoidPending("money from this import was used while the void was decided") from e
    voided = _void_lines(uow, actor, statement)
    resolved = _resolve_alerts(uow, actor, statement["id"], said)
    store.release_file(conn, statement["id"], void["id"], now)
    for credit in credits:
        alert_store.emit_case_event(
            uow,
            court=statement["court"],
            case_id=credit["case_id"],
            event=CaseEvent.MONEY_REVERSED,
            facts={
                "amount": format_yuan(credit["credited"]),
                "statement_id": statement["id"],
                "statement_void_id": void["id"],
                "reason": void["reason"],
            },
        )
    summary = {
        "entries_reversed": reversed_,
        "lines_voided": voided,
        "alerts_resolved": resolved,
        "cases": [
            {"case_id": c["case_id"], "case_number": c["case_number"],
             "amount": format_yuan(c["credited"])}
            for c in credits
        ],
    }  # fmt: skip
    STATEMENT_VOIDS.set_values(conn, void["id"], summary=summary)
    uow.audit(
        actor,
        "statement.voided",
        "statement",
        statement["id"],
        court=statement["court"],
        before={"file_sha256": statement["file_sha256"], "voided_at": None},
        after={"statement_void_id": void["id"], **summary},
    )


def _void_lines(uow: UnitOfWork, actor: Actor, statement: dict) -> int:
    """Move every line the lifecycle lets a void take back to `void`; audit them at once."""
    action = LineAction.VOID
    from_states = [s.value for (s, a) in LINE_LIFECYCLE.moves if a == action]
    target = LINE_LIFECYCLE.after(from_states[0], action)
    count = store.void_lines(uow.conn, statement["id"], from_states, target)
    uow.audit(
        actor,
        "transaction.voided",
        "statement",
        statement["id"],
        court=statement["court"],
        before={"statuses": from_states},
        after={"status": str(LineStatus(target)), "lines": count},
    )
    return count


def _resolve_alerts(uow: UnitOfWork, actor: Actor, statement_id: int, note: Message) -> int:
    resolved = 0
    for alert in store.unresolved_alerts(uow.conn, statement_id):
        moved = alert_store.set_status(
            uow.conn, alert["id"], alert["status"], AlertStatus.RESOLVED, by=actor.name, note=note
        )
        if not moved:
            continue
        resolved += 1
        uow.audit(
            actor,
            "alert.resolved",
            "alert",
            alert["id"],
            court=alert["court"],
            before={"status": alert["status"]},
            after={"status": "resolved", "note": note},
        )
    return resolved


STATEMENT_VOID = RequestKind(
    SUBJECT,
    STATEMENT_VOIDS,
    VOID_LIFECYCLE,
    what=N_("statement void"),
    view=void_view,
    on_approved=_take_back,
    audit_action=audit_by_status,
)


def request_void(
    uow: UnitOfWork, actor: Actor, statement_id: int, *, reason: str, settings: dict
) -> dict:
    """Ask to void an import; refused while a void is open or its money has been used."""
    require(actor, Verb.VOID_STATEMENT)
    if not reason or not reason.strip():
        raise ValidationFailed("a reason is required", field="reason")
    levels = settings.get("approvals", {}).get("statement_void_levels", 1)
    with uow:
        statement = store.statement_of(uow.conn, statement_id, lock=True)
        if statement is None or not actor.may_see(statement["court"]):
            raise NotFound("statement not found")
        if statement["voided_at"] is not None or store.open_voids(uow.conn, statement_id):
            raise VoidPending("this import is voided already, or a void of it awaits approval")
        refuse_if_used(blockers(uow.conn, statement_id))
        void_id = STATEMENT_VOIDS.insert(
            uow.conn,
            statement_id=statement_id,
            reason=reason.strip(),
            levels_required=levels,
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
        )
        view = void_view(uow.conn, void_id)
        uow.audit(
            actor, f"{SUBJECT}.requested", SUBJECT, void_id, court=statement["court"], after=view
        )
        uow.commit()
    return view


#: Approve at the next level; the last level takes the import back.
approve_void = STATEMENT_VOID.approve
#: Reject a void request: the import stays as it is.
reject_void = STATEMENT_VOID.reject
#: Return a void request with its statement's summary and approvals.
get_void = STATEMENT_VOID.get


def voids_of_statement(uow: UnitOfWork, actor: Actor, statement_id: int) -> list[dict]:
    """Return an import's void requests, oldest first."""
    require(actor, Verb.READ)
    with uow:
        statement = store.statement_of(uow.conn, statement_id)
        if statement is None or not actor.may_see(statement["court"]):
            raise NotFound("statement not found")
        return [void_view(uow.conn, v["id"]) for v in store.voids_of(uow.conn, statement_id)]


def requested_voids(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Return the void requests awaiting a decision in the actor's courts, oldest first."""
    require(actor, Verb.READ)
    courts = None if actor.all_courts else actor.courts
    with uow:
        return [void_view(uow.conn, i) for i in store.requested_voids(uow.conn, courts)]


def void_blockers(uow: UnitOfWork, actor: Actor, statement_id: int) -> list[dict]:
    """Return what stops an import being voided now (empty: nothing)."""
    require(actor, Verb.READ)
    with uow:
        statement = store.statement_of(uow.conn, statement_id)
        if statement is None or not actor.may_see(statement["court"]):
            raise NotFound("statement not found")
        return blockers(uow.conn, statement_id)
