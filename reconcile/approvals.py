"""Approval in layers (art. 22): how many levels a request needs, and who may approve it.

Disbursements, deferrals and payee-account changes share this flow: the requester never
approves their own request, nobody approves twice, and the request moves on only when
every level has approved. Each of them names the approval moves in its own action Enum
with the values below, so that one decision leads to one move whatever the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from reconcile.errors import Conflict, Forbidden, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan

S = TypeVar("S", bound=StrEnum)

APPROVED_IN_PART = "approved in part"  #: a level approved; the next level decides
APPROVED = "approved"  #: the last level approved
REJECTED = "rejected"  #: an approver refused the request at any level


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class WrongPosition(Forbidden):
    """An approver whose position is not the one the request's next level names."""

    code = "wrong_position"


#: which tier an amount equal to a bound falls in ([approvals] bound_in); "higher" by default
BOUND_IN = ("higher", "lower")


def level_positions(
    amount: int, tiers: Iterable[Mapping], bound_in: str = "higher"
) -> tuple[str | None, ...]:
    """Return the position each approval level of an amount (fen) names, first level first.

    The first tier whose `up_to` (yuan) covers the amount applies. An amount equal to a
    bound falls in the higher tier by default (`bound_in = "higher"`: 100,000.00 needs the
    levels of the tier above `up_to = "100000.00"`), or in the tier it bounds ("lower").
    A tier names its levels' positions in order (`levels = ["执行局长", "分管院领导"]`); the
    older form, a number of levels (`levels = 2`), names none: any approver decides each
    level."""
    if bound_in not in BOUND_IN:
        raise ValidationFailed(
            "{setting} is one of {choices}",
            setting="[approvals] bound_in",
            choices=", ".join(BOUND_IN),
        )
    for tier in tiers:
        if "up_to" not in tier:
            return _levels(tier)
        bound = _fen(tier["up_to"])
        if amount < bound or (amount == bound and bound_in == "lower"):
            return _levels(tier)
    raise ValidationFailed("the approval tiers end with a tier that has no up_to")


def levels_for(amount: int, tiers: Iterable[Mapping], bound_in: str = "higher") -> int:
    """Return how many approval levels an amount (fen) needs."""
    return len(level_positions(amount, tiers, bound_in))


def _fen(text: str) -> int:
    try:
        return parse_yuan(text)
    except InvalidAmount as e:
        raise ValidationFailed(
            "approval tier up_to '{value}': {reason}", value=str(text), reason=e
        ) from e


def _levels(tier: Mapping) -> tuple[str | None, ...]:
    levels = tier.get("levels")
    if isinstance(levels, int) and not isinstance(levels, bool) and levels >= 1:
        return (None,) * levels
    if (
        isinstance(levels, list)
        and levels
        and all(isinstance(p, str) and p.strip() for p in levels)
    ):
        return tuple(p.strip() for p in levels)
    raise ValidationFailed(
        "approval tier {tier} needs levels: a number >= 1 or a list of positions",
        tier=str(dict(tier)),
    )


def check_level_position(level: int, required: str | None, held: str | None) -> None:
    """Refuse an approver whose position is not the one level `level` names (if any)."""
    if required is not None and held != required:
        if not held:
            raise WrongPosition(
                "level {level} of this request is decided by the {position}; "
                "your position is not set",
                level=level,
                position=required,
                your_position=held,
            )
        raise WrongPosition(
            "level {level} of this request is decided by the {position}; "
            "your position is {your_position}",
            level=level,
            position=required,
            your_position=held,
        )


def check_approver(approver: str, requester: str, approved_by: Iterable[str]) -> None:
    """Refuse the requester (maker ≠ checker) and anyone who has approved already.

    Each is a person, not a credential: reconcile.services.approving.check_people asks
    whose every token or staff user is."""
    if approver == requester:
        raise Forbidden("the requester may not approve or reject their own request")
    if approver in set(approved_by):
        raise Conflict("you have approved this request already; another approver must")


def approval_action(decision: Decision, level: int, levels_required: int) -> str:
    """Return the action a decision at `level` is: only the last level approves the request."""
    if decision is Decision.REJECT:
        return REJECTED
    return APPROVED if level >= levels_required else APPROVED_IN_PART


def approval_moves(states: type[S], actions: type[StrEnum]) -> dict:
    """Return the moves of a request being decided: requested until the last level approves."""
    requested = states("requested")
    return {
        (requested, actions(APPROVED_IN_PART)): requested,
        (requested, actions(APPROVED)): states("approved"),
        (requested, actions(REJECTED)): states("rejected"),
    }
