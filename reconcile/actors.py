"""Who acts: every use case is told, and the audit trail records it."""

from __future__ import annotations

from dataclasses import dataclass, field

from reconcile.permissions import SYSTEM_ROLE, Role

#: the roles a token or a staff user may hold
ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class Actor:
    """A person or system acting through a token, a staff session or the CLI."""

    name: str
    role: str  #: one of ROLES, or "system" for the CLI and the scheduler
    courts: frozenset[str] = field(default_factory=frozenset)  #: court codes it may see
    id: str = ""  #: token or user id, for idempotency keys and maker/checker checks

    @property
    def all_courts(self) -> bool:
        """The CLI and the scheduler act for every court."""
        return self.role == SYSTEM_ROLE

    def may_see(self, court_code: str) -> bool:
        return self.all_courts or court_code in self.courts


SYSTEM = Actor(name="system", role="system", id="system")


def cli_actor(name: str = "cli") -> Actor:
    """Return the actor for an operator at the command line."""
    return Actor(name=name, role="system", id=f"cli:{name}")
