"""Holds (争议款冻结, art. 22): disputed money of a case that may not be paid out.

A hold may exceed the money that has arrived (more may still come); the undisputed rest
stays available. A hold is released in part or in full when the dispute is decided.
"""

from __future__ import annotations

from enum import StrEnum

from reconcile.errors import ValidationFailed
from reconcile.lifecycle import Lifecycle

#: Usual grounds; the enforcement system may send others.
KNOWN_REASONS = ("执行异议", "案外人异议", "分配方案异议")


class HoldStatus(StrEnum):
    ACTIVE = "active"  #: some of it is still held
    RELEASED = "released"  #: released in full


class HoldAction(StrEnum):
    RELEASE_IN_PART = "released in part"
    RELEASE = "released"


HOLD_LIFECYCLE = Lifecycle(
    "hold",
    HoldStatus,
    HoldAction,
    {
        (HoldStatus.ACTIVE, HoldAction.RELEASE_IN_PART): HoldStatus.ACTIVE,
        (HoldStatus.ACTIVE, HoldAction.RELEASE): HoldStatus.RELEASED,
    },
)


def check_new_hold(amount: int, reason: str, document_reference: str) -> None:
    """Refuse a hold without a positive amount, a reason or the document ordering it."""
    if amount <= 0:
        raise ValidationFailed("a hold holds a positive amount", field="amount")
    if not reason.strip():
        raise ValidationFailed("a hold needs its reason, e.g. 执行异议", field="reason")
    if not document_reference.strip():
        raise ValidationFailed("a hold needs the document ordering it", field="document_reference")


def release(
    status: str, amount: int, released: int, requested: int | None
) -> tuple[int, HoldStatus]:
    """Return how much to release (all that is left when `requested` is None) and the new status."""
    left = amount - released
    to_release = left if requested is None else requested
    action = HoldAction.RELEASE if to_release >= left else HoldAction.RELEASE_IN_PART
    new_status = HOLD_LIFECYCLE.after(status, action)
    if to_release <= 0:
        raise ValidationFailed("a release releases a positive amount", field="amount")
    if to_release > left:
        raise ValidationFailed(
            "the release exceeds what the hold still holds", field="amount", held=left
        )
    return to_release, new_status
