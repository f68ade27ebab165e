"""Deferrals and escrow (延缓发放 / 提存): an approved reason to pay later, which stops the clock.

    requested ──approve (last level)──▶ approved ──end──▶ ended
        └──reject──▶ rejected

While approved, the case's deadlines are paused from the day of approval until the day
it ends (or its `until` date); both days are inside the pause.

A deferral names when it ends (`until`) or when it is to be reviewed (`review_on`, the
deadline scan's `deferral_review_due`), or both: an open-ended pause nobody looks at
again is the delay the rule forbids. It may cover an `amount` (fen): then only that much
of the case's waiting money is paused (reconcile/deadlines.py), not the whole case.
A deferral requested after a clock of the case was already due is `late`: it is stored
so, and alerted (`deferral_late`); it still pauses the clock once approved.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import IllegalTransition, ValidationFailed
from reconcile.lifecycle import Lifecycle
from reconcile.working_days import Pause


class DeferralKind(StrEnum):
    DEFERRAL = "deferral"  #: 延缓发放
    ESCROW = "escrow"  #: 提存


class DeferralStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  #: the clock is stopped
    REJECTED = "rejected"
    ENDED = "ended"  #: the clock runs again


class DeferralAction(StrEnum):
    APPROVE_IN_PART = APPROVED_IN_PART  #: a level approved; the next level decides
    APPROVE = APPROVED  #: the last level approved: the clock stops today
    REJECT = REJECTED
    END = "ended"  #: the ground is gone: the clock runs again


S, A = DeferralStatus, DeferralAction
DEFERRAL_LIFECYCLE = Lifecycle(
    "deferral",
    DeferralStatus,
    DeferralAction,
    {
        **approval_moves(S, A),
        (S.APPROVED, A.END): S.ENDED,
    },
)


def check_new_deferral(
    ground: str,
    document_reference: str,
    until: date | None,
    today: date,
    *,
    review_on: date | None = None,
    amount: int | None = None,
):
    """Refuse a deferral without a legal ground and document, without an end or a review
    day, ending or reviewed in the past, or of an amount that is not positive."""
    if not ground.strip():
        raise ValidationFailed("a deferral needs its legal ground", field="ground")
    if not document_reference.strip():
        raise ValidationFailed("a deferral needs its document", field="document_reference")
    if until is None and review_on is None:
        raise ValidationFailed(
            "a deferral needs the day it ends (until) or the day it is reviewed (review_on)",
            field="review_on",
        )
    if until is not None and until < today:
        raise ValidationFailed("a deferral cannot end before today", field="until")
    if review_on is not None and review_on < today:
        raise ValidationFailed("a deferral cannot be reviewed before today", field="review_on")
    if until is not None and review_on is not None and review_on > until:
        raise ValidationFailed("review a deferral before it ends", field="review_on")
    if amount is not None and amount <= 0:
        raise ValidationFailed("a deferral covers a positive amount", field="amount")


#: the deferrals that may still be reviewed: not rejected, not ended
REVIEWABLE = (DeferralStatus.REQUESTED, DeferralStatus.APPROVED)


def check_next_review(
    status: str, review_on: date, until: date | None, today: date, note: str
) -> None:
    """Refuse to keep a deferral to a new review day that is past, after its end, without
    the reason it is kept, or of a deferral that is over."""
    if status not in REVIEWABLE:
        raise IllegalTransition("a {state} deferral is not reviewed", status=status, state=status)
    if review_on <= today:
        raise ValidationFailed("the next review day is after today", field="review_on")
    if until is not None and review_on > until:
        raise ValidationFailed("review a deferral before it ends", field="review_on")
    if not note.strip():
        raise ValidationFailed("say why the deferral is kept", field="note")


def is_late(dues: list[date | None], requested_on: date) -> bool:
    """Whether a deferral requested on a day came after a clock it pauses was due."""
    return any(due is not None and due < requested_on for due in dues)


def deferred_changes(pause: Pause, amount: int) -> list[tuple[date, int]]:
    """Return the money a deferral of an amount takes off the waiting money, as hold
    changes: paused on its first day, waiting again from its last."""
    begin, end = pause
    return [(begin, amount)] + ([(end, -amount)] if end is not None else [])


def pause_of(approved_on: date | None, ended_on: date | None, until: date | None) -> Pause | None:
    """Return the pause an approved (or ended) deferral puts on the clock, if any."""
    if approved_on is None:
        return None
    end = min(d for d in (ended_on, until) if d is not None) if (ended_on or until) else None
    return (approved_on, max(end, approved_on) if end else None)
