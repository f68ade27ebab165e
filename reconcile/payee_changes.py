"""Changing a case's payee accounts after filing: a court document and an approval (art. 20)."""

from __future__ import annotations

from enum import StrEnum

from reconcile.approvals import APPROVED, APPROVED_IN_PART, REJECTED, approval_moves
from reconcile.errors import N_, Message, ValidationFailed
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


class UnlawfulPayee(ValidationFailed):
    """An applicant's payee account that the respondent or the court itself holds."""

    code = "unlawful_payee_account"


#: whose account it is → how the refusal names it
OWNERS = {
    "respondent": N_("a respondent's account on the case"),
    "collection_account": N_("a collection account (执行款专户) of a court"),
    "sub_account": N_("a case's sub-account number (案款子账号)"),
    "court_account": N_("one of the court's own accounts (fees, escrow)"),
}


def check_lawful_payee(account_number: str, owners: dict[str, str]) -> None:
    """Refuse, as an applicant's payee account (art. 20), an account `owners` (number →
    a key of OWNERS) names: money paid there would go back to the respondent or stay
    with the court while the books show it paid out."""
    owner = owners.get(account_number)
    if owner is not None:
        raise UnlawfulPayee(
            "{account_number} is {owner}, not an applicant's: it cannot receive "
            "the applicant's money",
            field="account_number",
            belongs_to=owner,
            account_number=account_number,
            owner=Message(OWNERS[owner]),
        )


def check_applicant(applicant_name: str, applicants: list[str]) -> str:
    """Return the applicant's name as filed, or refuse a name that is not an applicant."""
    wanted = applicant_name.strip()
    if wanted not in applicants:
        raise ValidationFailed(
            "a payee account belongs to an applicant of the case", field="applicant_name"
        )
    return wanted
