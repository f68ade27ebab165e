"""Who acts: every use case is told, and the audit trail records it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from reconcile.errors import ValidationFailed
from reconcile.permissions import SYSTEM_ROLE, Role

#: the roles a token or a staff user may hold
ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class Actor:
    """A person or system acting through a token, a staff session or the CLI."""

    name: str
    role: str  #: one of ROLES, or "system" for the CLI and the scheduler
    courts: frozenset[str] = field(default_factory=frozenset)  #: court codes it may see
    id: str = ""  #: token or user id ("token:3", "user:5"), for idempotency keys and audit
    #: the person whose credential this is (a person's name: 张三, or "token:3" for a
    #: credential that is its own person); maker ≠ checker compares people. Default: the id.
    person: str = ""

    def __post_init__(self) -> None:
        if not self.person:
            object.__setattr__(self, "person", self.id)

    @property
    def all_courts(self) -> bool:
        """The CLI and the scheduler act for every court."""
        return self.role == SYSTEM_ROLE

    def may_see(self, court_code: str) -> bool:
        return self.all_courts or court_code in self.courts


#: the longest name of a person (people.name)
MAX_PERSON_NAME = 200


def check_person_name(name: str) -> str:
    """Return a person's name as given to --person, trimmed; refuse an unusable one.

    A colon is refused: names with one are the credentials' own people ("token:3") and
    the CLI's ("cli:ops"), so a given name can never be mistaken for one of them."""
    name = (name or "").strip()
    if not name or len(name) > MAX_PERSON_NAME:
        raise ValidationFailed(
            "a person's name is 1–{limit} characters", field="person", limit=MAX_PERSON_NAME
        )
    if ":" in name or any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationFailed(
            "a person's name has no colon and no control characters", field="person"
        )
    return name


SYSTEM = Actor(name="system", role="system", id="system")


def cli_actor(name: str = "cli") -> Actor:
    """Return the actor for an operator at the command line."""
    return Actor(name=name, role="system", id=f"cli:{name}")
