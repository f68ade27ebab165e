"""Cases (执行案件): what registering one needs, and the moves of its status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from reconcile.account_numbers import normalise_account_number
from reconcile.case_numbers import CaseNumber, InvalidCaseNumber, normalise_case_number
from reconcile.errors import ValidationFailed
from reconcile.lifecycle import Lifecycle
from reconcile.payee_identity import Agent


class CaseStatus(StrEnum):
    OPEN = "open"  #: money may arrive and be paid out
    CLOSED = "closed"  #: credits to it are held for review, not silently credited


class CaseAction(StrEnum):
    CLOSE = "closed"
    REOPEN = "reopened"  #: 执恢: enforcement resumed


CASE_LIFECYCLE = Lifecycle(
    "case",
    CaseStatus,
    CaseAction,
    {
        (CaseStatus.OPEN, CaseAction.CLOSE): CaseStatus.CLOSED,
        (CaseStatus.CLOSED, CaseAction.REOPEN): CaseStatus.OPEN,
    },
)
_TOWARDS = {CaseStatus.CLOSED: CaseAction.CLOSE, CaseStatus.OPEN: CaseAction.REOPEN}


def check_status_move(current: str, new: str) -> CaseStatus:
    """Return the new status a PATCH asks for, or raise IllegalTransition."""
    try:
        target = CaseStatus(new)
    except ValueError as e:
        raise ValidationFailed("unknown case status '{state}'", field="status", state=new) from e
    return CASE_LIFECYCLE.after(current, _TOWARDS[target])


@dataclass(frozen=True)
class AccountRef:
    """A bank account named in the court documents."""

    account_number: str
    account_name: str | None = None
    bank_name: str | None = None
    #: an applicant's agent's account (reconcile/payee_identity.py): named once approved
    agent: Agent | None = None


@dataclass(frozen=True)
class PartySpec:
    name: str
    accounts: tuple[AccountRef, ...] = ()
    id_number: str | None = None
    #: an applicant's own entitlement in fen (reconcile/entitlements.py), where given
    amount_due: int | None = None
    order: int | None = None  #: its rank for a distribution `order` plan, where given


@dataclass(frozen=True)
class NewCase:
    """What the enforcement system sends to register a case."""

    case_number: str
    court: str
    amount_due: int  #: fen
    applicants: tuple[PartySpec, ...]
    respondents: tuple[PartySpec, ...]
    filed_on: date | None = None
    sub_account_number: str | None = None  #: when the bank issued it
    raw: dict = field(default_factory=dict, compare=False)


def canonical_case_number(text: str) -> CaseNumber:
    """Normalise a case number, or raise ValidationFailed naming the field."""
    try:
        return normalise_case_number(text)
    except InvalidCaseNumber as e:
        raise ValidationFailed("{reason}", field="case_number", reason=e) from e


def check_new_case(spec: NewCase) -> CaseNumber:
    """Validate a registration; return its canonical case number."""
    number = canonical_case_number(spec.case_number)
    if number.court_code != spec.court:
        raise ValidationFailed(
            "case number {case_number} belongs to court {court_code}, not {court}",
            field="court",
            case_number=str(number),
            court_code=number.court_code,
            court=spec.court,
        )
    if not spec.applicants:
        raise ValidationFailed("a case needs at least one applicant", field="applicants")
    if not any(a.accounts for a in spec.applicants):
        raise ValidationFailed(
            "art. 20: the account that receives the money must be confirmed at filing",
            field="applicants",
        )
    _check_accounts(spec)
    return number


def _check_accounts(spec: NewCase) -> None:
    for role, parties in (("applicants", spec.applicants), ("respondents", spec.respondents)):
        for party in parties:
            if not party.name.strip():
                raise ValidationFailed("a party needs a name", field=role)
            for account in party.accounts:
                if not normalise_account_number(account.account_number):
                    raise ValidationFailed("an account number is empty", field=role)
