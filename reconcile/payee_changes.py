"""Changing a case's payee accounts after filing: a court document and an approval (art. 20)."""

from __future__ import annotations

from enum import StrEnum

from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import ValidationFailed
from reconcile.lifecycle import Lifecycle


class ChangeStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  #: the account is named on the case from now on
    REJECTED = "rejected"


class ChangeAction(StrEnum):
    APPROVE_IN_PART = APPROVED_IN_PART  #: a level approved; the next level decides
    APPROVE = APPROVED  #: the last level approved: the account is named
    REJECT = REJECTED


S, A = ChangeStatus, ChangeAction
CHANGE_LIFECYCLE = Lifecycle(
    "payee account change",
    ChangeStatus,
    ChangeAction,
    {
        **approval_moves(S, A),
    },
)


def check_applicant(applicant_name: str, applicants: list[str]) -> str:
    """Return the applicant's name as filed, or refuse a name that is not an applicant."""
    wanted = applicant_name.strip()
    if wanted not in applicants:
        raise ValidationFailed(
            "a payee account belongs to an applicant of the case", field="applicant_name"
        )
    return wanted
