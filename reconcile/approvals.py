"""Approval in layers (art. 22): how many levels a request needs, and who may approve it.

Disbursements, deferrals and payee-account changes share this flow: the requester never
approves their own request, nobody approves twice, and the request moves on only when
every level has approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from reconcile.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from reconcile.money import InvalidAmount, parse_yuan

S = TypeVar("S", bound=StrEnum)


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


def levels_for(amount: int, tiers: Iterable[Mapping]) -> int:
    """Return the approval levels an amount (fen) needs: the first tier whose up_to covers it."""
    for tier in tiers:
        if "up_to" not in tier or amount <= _fen(tier["up_to"]):
            return _levels(tier)
    raise ValidationFailed("the approval tiers end with a tier that has no up_to")


def _fen(text: str) -> int:
    try:
        return parse_yuan(text)
    except InvalidAmount as e:
        raise ValidationFailed(f"approval tier up_to {text!r}: {e}") from e


def _levels(tier: Mapping) -> int:
    levels = tier.get("levels")
    if not isinstance(levels, int) or levels < 1:
        raise ValidationFailed(f"approval tier {dict(tier)} needs levels >= 1")
    return levels


def check_approver(approver_id: str, requester_id: str, approved_by: Iterable[str]) -> None:
    """Refuse the requester (maker ≠ checker) and anyone who has approved already."""
    if approver_id == requester_id:
        raise Forbidden("the requester may not approve or reject their own request")
    if approver_id in set(approved_by):
        raise Conflict("you have approved this request already; another approver must")


def approval_event(level: int, levels_required: int) -> str:
    """Return the event an approval at `level` is: the last level approves the request."""
    return "approved" if level >= levels_required else "approved in part"


def transition(moves: Mapping[tuple[S, str], S], current: S, event: str, what: str) -> S:
    """Return the state `event` leads to from `current`, or raise IllegalTransition."""
    try:
        return moves[(current, event)]
    except KeyError:
        raise IllegalTransition(
            f"a {what} that is {current} cannot be {event}", current=str(current), event=event
        ) from None
