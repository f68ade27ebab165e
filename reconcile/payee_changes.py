"""Changing a case's payee accounts after filing: a court document and an approval (art. 20)."""

from __future__ import annotations

from enum import StrEnum

from reconcile.approvals import transition
from reconcile.errors import ValidationFailed


class ChangeStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  #: the account is named on the case from now on
    REJECTED = "rejected"


S = ChangeStatus
_MOVES = {
    (S.REQUESTED, "approved"): S.APPROVED,
    (S.REQUESTED, "approved in part"): S.REQUESTED,
    (S.REQUESTED, "rejected"): S.REJECTED,
}


def next_status(current: str, event: str) -> ChangeStatus:
    """Return the status `event` leads to, or raise IllegalTransition."""
    return transition(_MOVES, S(current), event, "payee account change")


def check_applicant(applicant_name: str, applicants: list[str]) -> str:
    """Return the applicant's name as filed, or refuse a name that is not an applicant."""
    wanted = applicant_name.strip()
    if wanted not in applicants:
        raise ValidationFailed(
            "a payee account belongs to an applicant of the case", field="applicant_name"
        )
    return wanted
