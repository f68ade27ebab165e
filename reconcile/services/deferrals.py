"""Deferrals and escrow (延缓发放 / 提存): requested with a legal ground, approved in layers.

While approved, the case's deadlines are paused (of an amount: only that money's). A
deferral names its end (`until`) or its review day (`review_on`); one requested after a
clock it pauses was due is stored `late` and raises `deferral_late` with the request.
The deadline scan raises `deferral_review_due` on the review day (scan_reviews).
"""

from __future__ import annotations

from datetime import date

from reconcile import clock
from reconcile.actors import SYSTEM, Actor
from reconcile.db import alert_store, deadline_store
from reconcile.db.handles import Connection, Engine
from reconcile.db.request_store import DEFERRALS
from reconcile.db.uow import UnitOfWork
from reconcile.deadlines import ClockKind, Rules, clocks
from reconcile.deferrals import (
    DEFERRAL_LIFECYCLE,
    DeferralAction,
    DeferralKind,
    check_new_deferral,
    check_next_review,
    is_late,
)
from reconcile.errors import N_, Message, ValidationFailed
from reconcile.money import format_yuan
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import (
    RequestKind,
    visible_case,
    visible_request,
)
from reconcile.working_days import WorkingDayCalendar


def _stop_the_clock(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    DEFERRALS.set_values(uow.conn, row["id"], approved_on=clock.local_today())


def _resolve_review(uow: UnitOfWork, actor: Actor, row: dict, note: Message) -> None:
    alert_store.resolve_by_subject_prefix(
        uow,
        actor,
        kind="deferral_review_due",
        prefix=f"deferral:{row['id']}:review:",
        note=note,
        case_id=row["case_id"],
    )


DEFERRAL = RequestKind(
    "deferral",
    DEFERRALS,
    DEFERRAL_LIFECYCLE,
    what=N_("deferral"),
    on_approved=_stop_the_clock,
    on_rejected=lambda uow, actor, row: _resolve_review(
        uow, actor, row, Message("the deferral rejected")
    ),
)


def request_deferral(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    ground: str,
    document_reference: str,
    kind: str = DeferralKind.DEFERRAL,
    until: date | None = None,
    review_on: date | None = None,
    amount: int | None = None,
    settings: dict,
) -> dict:
    """Ask to defer a case's payment (or pay into escrow) on a legal ground, until a day or
    to be reviewed on one; of an amount (fen), or of the whole case (None)."""
    require(actor, Verb.REQUEST)
    today = clock.local_today()
    check_new_deferral(ground, document_reference, until, today, review_on=review_on, amount=amount)
    if kind not in set(DeferralKind):
        raise ValidationFailed("kind is deferral or escrow", field="kind")
    with uow:
        case = visible_case(uow.conn, actor, case_id)
        overdue = _overdue_clocks(uow.conn, case_id, amount, today, settings)
        deferral_id = DEFERRALS.insert(
            uow.conn,
            case_id=case_id,
            levels_required=settings["approvals"]["deferral_levels"],
            requested_by=actor.name,
            requested_by_id=actor.id,
            requested_at=clock.utc_now(),
            kind=kind,
            ground=ground.strip(),
            document_reference=document_reference.strip(),
            until=until,
            review_on=review_on,
            amount=amount,
            late=bool(overdue),
        )
        view = DEFERRAL.view(uow.conn, deferral_id)
        uow.audit(
            actor, "deferral.requested", "deferral", deferral_id, court=case["court"], after=view
        )
        if overdue:
            _raise_late(uow, actor, case, view, overdue, today)
        uow.commit()
    return view


def _overdue_clocks(
    conn: Connection, case_id: int, amount: int | None, today: date, settings: dict
) -> list[dict]:
    """Return the case's clocks the deferral would pause that were due before today: the
    notice clock, and (a deferral of the whole case) the payment clocks."""
    # the scan's calendar; reconcile.services.deadlines imports this module for scan_reviews
    from reconcile.services.deadlines import calendar_from

    case = deadline_store.case_for_deadlines(conn, case_id)
    facts = deadline_store.case_facts(conn, case)
    paused = {ClockKind.NOTICE} if amount is not None else set(ClockKind)
    running = clocks(facts, Rules.from_settings(settings), calendar_from(settings))
    return [
        {"clock": c.kind.value, "due": c.deadline.due.isoformat(), "amount": format_yuan(c.amount)}
        for c in running
        if c.kind in paused and is_late([c.deadline.due], today)
    ]


def _raise_late(uow, actor, case: dict, view: dict, overdue: list[dict], today: date) -> None:
    first = min(overdue, key=lambda c: c["due"])
    alert_store.raise_alert(
        uow,
        actor,
        kind="deferral_late",
        court=case["court"],
        subject=f"deferral:{view['id']}:late",
        case_id=case["id"],
        facts={
            "deferral_id": view["id"],
            "case_number": case["case_number"],
            "kind": view["kind"],
            "requested_on": today.isoformat(),
            "due": first["due"],
            "clock": first["clock"],
            "overdue": overdue,
        },
    )


#: Approve at the next level; the last level stops the case's clock from today.
approve_deferral = DEFERRAL.approve
#: Reject a deferral request.
reject_deferral = DEFERRAL.reject
#: Return a deferral with its approvals.
get_deferral = DEFERRAL.get
#: Return a case's deferrals, oldest first.
deferrals_of_case = DEFERRAL.of_case


def end_deferral(uow: UnitOfWork, actor: Actor, deferral_id: int) -> dict:
    """End an approved deferral: the clock runs again from tomorrow."""
    require(actor, Verb.END_DEFERRAL)
    with uow:
        row = visible_request(uow.conn, actor, DEFERRAL, deferral_id, lock=True)
        new = DEFERRAL_LIFECYCLE.after(row["status"], DeferralAction.END)
        DEFERRALS.advance(
            uow.conn, row, status=new, ended_on=clock.local_today(), ended_by=actor.name
        )
        view = DEFERRAL.view(uow.conn, deferral_id)
        _resolve_review(uow, actor, row, Message("the deferral ended"))
        uow.audit(
            actor,
            "deferral.ended",
            "deferral",
            deferral_id,
            court=row["court"],
            before={"status": row["status"]},
            after=view,
        )
        uow.commit()
    return view


def scan_reviews(
    engine: Engine, calendar: WorkingDayCalendar, as_of: date, actor: Actor = SYSTEM
) -> int:
    """Raise `deferral_review_due` for each deferral whose review day has come (once per
    deferral and review day); return how many are new. Run by the deadline scan."""
    raised = 0
    with UnitOfWork(engine) as uow:
        for row in deadline_store.deferrals_to_review(uow.conn, as_of):
            amount = format_yuan(row["amount"]) if row["amount"] is not None else None
            alert_id = alert_store.raise_alert(
                uow,
                actor,
                kind="deferral_review_due",
                court=row["court"],
                subject=f"deferral:{row['id']}:review:{row['review_on'].isoformat()}",
                case_id=row["case_id"],
                facts={
                    "deferral_id": row["id"],
                    "case_number": row["case_number"],
                    "kind": row["kind"],
                    "status": row["status"],
                    "review_on": row["review_on"].isoformat(),
                    "until": row["until"].isoformat() if row["until"] else None,
                    "amount": amount,
                },
            )
            raised += alert_id is not None
        uow.commit()
    return raised


def review_deferral(
    uow: UnitOfWork, actor: Actor, deferral_id: int, *, review_on: date, note: str
) -> dict:
    """Keep a deferral after its review, to a new review day, saying why; its review alert
    is resolved with that reason (ending it is end_deferral)."""
    require(actor, Verb.END_DEFERRAL)
    with uow:
        row = visible_request(uow.conn, actor, DEFERRAL, deferral_id, lock=True)
        check_next_review(row["status"], review_on, row["until"], clock.local_today(), note)
        DEFERRALS.advance(uow.conn, row, review_on=review_on)
        _resolve_review(
            uow,
            actor,
            row,
            Message(
                "kept until the review on {review_on}: {note}",
                {"review_on": review_on.isoformat(), "note": note.strip()},
            ),
        )
        view = DEFERRAL.view(uow.conn, deferral_id)
        uow.audit(
            actor,
            "deferral.reviewed",
            "deferral",
            deferral_id,
            court=row["court"],
            before={"review_on": row["review_on"]},
            after={**view, "note": note.strip()},
        )
        uow.commit()
    return view
