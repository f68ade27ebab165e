"""Distribution plans (分配方案): shares of a case's distributable money among its applicants.

Pure: fen in, fen out. The distributable amount is what the case may pay out after the
execution fee (`distributable_amount`). Two methods:

- `pro_rata` (按债权比例): each claim gets ⌊distributable × claim / total⌋ fen; the fen left
  over go to the largest claim (ties: the earlier in order, then the lower applicant id),
  and on to the next largest only where a share would otherwise exceed its claim.
- `order` (按顺序): claims are paid in full one after another by their order (ties: the
  lower applicant id); the first claim the money does not cover gets what is left.

When the money covers every claim in full, each gets its claim and the rest is the plan's
`surplus` (for the respondent, or the next plan); otherwise the shares sum exactly to the
distributable amount. No share ever exceeds its claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from reconcile.errors import ValidationFailed
from reconcile.lifecycle import Lifecycle


class Method(StrEnum):
    PRO_RATA = "pro_rata"  #: by the size of each claim
    ORDER = "order"  #: first paid in full, then the next


class PlanStatus(StrEnum):
    ISSUED = "issued"  #: served on the parties; its money held until the objection period ends
    OBJECTED = "objected"  #: an objection was recorded; the money stays held
    EXECUTED = "executed"  #: the period ended without objection; payment requests created
    WITHDRAWN = "withdrawn"  #: withdrawn (e.g. to be replaced); its hold released


class PlanAction(StrEnum):
    OBJECT = "object"
    EXECUTE = "execute"
    WITHDRAW = "withdraw"


PLAN_LIFECYCLE = Lifecycle(
    "distribution plan",
    PlanStatus,
    PlanAction,
    {
        (PlanStatus.ISSUED, PlanAction.OBJECT): PlanStatus.OBJECTED,
        (PlanStatus.OBJECTED, PlanAction.OBJECT): PlanStatus.OBJECTED,
        (PlanStatus.ISSUED, PlanAction.EXECUTE): PlanStatus.EXECUTED,
        (PlanStatus.ISSUED, PlanAction.WITHDRAW): PlanStatus.WITHDRAWN,
        (PlanStatus.OBJECTED, PlanAction.WITHDRAW): PlanStatus.WITHDRAWN,
    },
)

#: the statuses in which a plan holds the case's money (one such plan per case)
OPEN_STATUSES = (PlanStatus.ISSUED, PlanStatus.OBJECTED)


@dataclass(frozen=True)
class Claim:
    applicant_id: int
    amount: int  #: fen, positive
    order: int = 0  #: lower first; also the first tie-break of the remainder rule


@dataclass(frozen=True)
class Share:
    applicant_id: int
    claim: int  #: fen
    share: int  #: fen, 0 <= share <= claim


@dataclass(frozen=True)
class Plan:
    method: Method
    distributable: int  #: fen
    shares: tuple[Share, ...]  #: in the claims' given order
    surplus: int  #: fen the claims do not take (0 unless every claim is paid in full)


def distributable_amount(available: int, fee_unpaid: int) -> int:
    """Return the fen a plan may share: the case's available money less its unpaid fee."""
    return max(0, available - max(0, fee_unpaid))


def check_claims(claims: list[Claim]) -> None:
    """Refuse no claims, a claim that is not positive, or an applicant claiming twice."""
    if not claims:
        raise ValidationFailed("a distribution plan needs at least one claim", field="claims")
    if any(c.amount <= 0 for c in claims):
        raise ValidationFailed("each claim is a positive amount", field="claims")
    ids = [c.applicant_id for c in claims]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("an applicant claims once in a plan", field="claims")


def shares(method: Method | str, distributable: int, claims: list[Claim]) -> Plan:
    """Return the plan's shares of `distributable` fen among `claims`."""
    method = Method(method)
    check_claims(claims)
    if distributable < 0:
        raise ValidationFailed("the distributable amount is not negative", field="distributable")
    total = sum(c.amount for c in claims)
    if distributable >= total:
        amounts = {c.applicant_id: c.amount for c in claims}
    elif method is Method.PRO_RATA:
        amounts = _pro_rata(distributable, claims, total)
    else:
        amounts = _in_order(distributable, claims)
    given = tuple(Share(c.applicant_id, c.amount, amounts[c.applicant_id]) for c in claims)
    return Plan(method, distributable, given, distributable - sum(s.share for s in given))


def remainder_order(claims: list[Claim]) -> list[Claim]:
    """Return the claims in the order fen remainders go to: largest, earlier, lower id."""
    return sorted(claims, key=lambda c: (-c.amount, c.order, c.applicant_id))


def _pro_rata(distributable: int, claims: list[Claim], total: int) -> dict[int, int]:
    amounts = {c.applicant_id: distributable * c.amount // total for c in claims}
    left = distributable - sum(amounts.values())
    for claim in remainder_order(claims):
        extra = min(left, claim.amount - amounts[claim.applicant_id])
        amounts[claim.applicant_id] += extra
        left -= extra
    return amounts


def _in_order(distributable: int, claims: list[Claim]) -> dict[int, int]:
    amounts, left = {}, distributable
    for claim in sorted(claims, key=lambda c: (c.order, c.applicant_id)):
        amounts[claim.applicant_id] = min(left, claim.amount)
        left -= amounts[claim.applicant_id]
    return amounts


def objection_ends_on(
    served_on: date, days: int, is_working_day: Callable[[date], bool] | None = None
) -> date:
    """Return the last day to object: `days` calendar days after the day served.

    The day served is not counted, and a period ending on a holiday ends on the next
    working day (Civil Procedure Law art. 85) when `is_working_day` is given.
    """
    if days <= 0:
        raise ValidationFailed("an objection period is at least one day", field="days")
    end = served_on + timedelta(days=days)
    while is_working_day is not None and not is_working_day(end):
        end += timedelta(days=1)
    return end
