"""Deferrals and escrow (延缓发放 / 提存): an approved reason to pay later, which stops the clock.

    requested ──approve (last level)──▶ approved ──end──▶ ended
        └──reject──▶ rejected

While approved, the case's deadlines are paused from the day of approval until the day
it ends (or its `until` date); both days are inside the pause.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import ValidationFailed
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


def check_new_deferral(ground: str, document_reference: str, until: date | None, today: date):
    """Refuse a deferral without a legal ground and document, or ending in the past."""
    if not ground.strip():
        raise ValidationFailed("a deferral needs its legal ground", field="ground")
    if not document_reference.strip():
        raise ValidationFailed("a deferral needs its document", field="document_reference")
    if until is not None and until < today:
        raise ValidationFailed("a deferral cannot end before today", field="until")


def pause_of(approved_on: date | None, ended_on: date | None, until: date | None) -> Pause | None:
    """Return the pause an approved (or ended) deferral puts on the clock, if any."""
    if approved_on is None:
        return None
    end = min(d for d in (ended_on, until) if d is not None) if (ended_on or until) else None
    return (approved_on, max(end, approved_on) if end else None)
