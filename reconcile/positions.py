"""Positions (职务) of a court's staff: the configured list, and checking a given one.

Approval levels name positions (reconcile/approvals.py); each person holds at most one
(reconcile/db/positions.py). The list is configuration: `[positions] names`, or a court's
own list in `[positions] courts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reconcile.errors import ValidationFailed

MAX_POSITION = 32  #: people.position


def positions_of_court(settings: Mapping, court: str) -> list[str]:
    """Return the positions the court's staff may hold, as configured."""
    section = settings.get("positions", {})
    return list(section.get("courts", {}).get(court, section.get("names", [])))


def check_position(settings: Mapping, position: str, courts: Iterable[str]) -> str:
    """Return the position, trimmed, if every one of `courts` has it; else ValidationFailed."""
    position = (position or "").strip()
    if not position or len(position) > MAX_POSITION:
        raise ValidationFailed(
            "a position is 1–{limit} characters", field="position", limit=MAX_POSITION
        )
    for court in courts:
        known = positions_of_court(settings, court)
        if position not in known:
            raise ValidationFailed(
                "{position} is not a position of {court} (one of: {positions})",
                field="position",
                position=position,
                court=court,
                positions=", ".join(known),
            )
    return position
