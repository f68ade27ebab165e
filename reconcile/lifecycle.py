"""Lifecycles: a record's status moves only by a named action along a declared move.

Every stateful record (case, statement line, hold, disbursement, deferral, payee change,
alert, outbox delivery) declares an Enum of states, an Enum of actions and one table of
moves. `Lifecycle.after` is the only way to compute a new status: an undeclared move
raises `IllegalTransition` naming the record, its status and the action. The database
CHECK constraint on each status column is derived from the same Enum (`check_sql`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from reconcile.errors import N_, IllegalTransition, Message

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


#: the records that have a lifecycle, as a refusal names them (`what`, for the catalogue)
RECORD_NAMES = (
    N_("case"),
    N_("transaction"),
    N_("hold"),
    N_("disbursement"),
    N_("deferral"),
    N_("payee account change"),
    N_("distribution plan"),
    N_("statement void"),
    N_("alert"),
    N_("delivery"),
)


class Lifecycle(Generic[S, A]):
    """The declared moves of one kind of record."""

    def __init__(
        self, what: str, states: type[S], actions: type[A], moves: Mapping[tuple[S, A], S]
    ) -> None:
        for (state, action), after in moves.items():
            if not (isinstance(state, states) and isinstance(after, states)):
                raise TypeError(f"{what}: {state!r} → {after!r} are not {states.__name__}")
            if not isinstance(action, actions):
                raise TypeError(f"{what}: {action!r} is not {actions.__name__}")
        self.what = what
        self.states = states
        self.actions = actions
        self.moves = dict(moves)

    def after(self, current: str, action: str) -> S:
        """Return the status `action` leads to from `current`, or raise IllegalTransition."""
        state, act = self.states(current), self.actions(action)
        try:
            return self.moves[(state, act)]
        except KeyError:
            raise IllegalTransition(
                "the {what} is {current}: “{event}” is not allowed from there",
                what=Message(self.what),
                current=str(state),
                event=str(act),
            ) from None

    def allows(self, current: str, action: str) -> bool:
        return (self.states(current), self.actions(action)) in self.moves

    def initial_states(self) -> list[S]:
        """Return the states no move leads into (where a record starts)."""
        reached = {after for (before, _), after in self.moves.items() if before != after}
        return [s for s in self.states if s not in reached]


def check_sql(column: str, states: type[StrEnum]) -> str:
    """Return the CHECK constraint text that admits exactly the members of `states`."""
    values = ", ".join(f"'{s.value}'" for s in states)
    return f"{column} in ({values})"
