"""Deferrals and escrow (延缓发放 / 提存): requested with a legal ground, approved in layers.

While approved, the case's deadlines are paused.
"""

from __future__ import annotations

from datetime import date

from reconcile import clock
from reconcile.actors import Actor
from reconcile.db.request_store import DEFERRALS
from reconcile.db.uow import UnitOfWork
from reconcile.deferrals import DEFERRAL_LIFECYCLE, DeferralAction, DeferralKind, check_new_deferral
from reconcile.errors import ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.approving import (
    RequestKind,
    open_case_request,
    visible_request,
)


def _stop_the_clock(uow: UnitOfWork, actor: Actor, row: dict) -> None:
    DEFERRALS.set_values(uow.conn, row["id"], approved_on=clock.local_today())


DEFERRAL = RequestKind("deferral", DEFERRALS, DEFERRAL_LIFECYCLE, on_approved=_stop_the_clock)


def request_deferral(
    uow: UnitOfWork,
    actor: Actor,
    case_id: int,
    *,
    ground: str,
    document_reference: str,
    kind: str = DeferralKind.DEFERRAL,
    until: date | None = None,
    settings: dict,
) -> dict:
    """Ask to defer a case's payment (or pay into escrow) on a legal ground."""
    require(actor, Verb.REQUEST)
    check_new_deferral(ground, document_reference, until, clock.local_today())
    if kind not in set(DeferralKind):
        raise ValidationFailed("kind is deferral or escrow", field="kind")
    values = {
        "kind": kind,
        "ground": ground.strip(),
        "document_reference": document_reference.strip(),
        "until": until,
    }
    levels = settings["approvals"]["deferral_levels"]
    return open_case_request(
        uow, actor, DEFERRAL, case_id, levels=levels, values=lambda conn: values
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
