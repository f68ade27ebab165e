"""Case events for the enforcement system (art. 11): what it tells the parties about.

They travel through the same outbox and signed delivery as alerts, to the subscriber URL
configured for the case's court (`[events] subscribers`).
"""

from __future__ import annotations

from enum import StrEnum


class CaseEvent(StrEnum):
    MONEY_RECEIVED = "money_received"  #: a credit was placed on the case
    HOLD_PLACED = "hold_placed"  #: disputed money was held
    HOLD_RELEASED = "hold_released"  #: a hold was released, in part or in full
    PAYMENT_APPROVED = "payment_approved"  #: a disbursement passed every approval level
    PAYMENT_PAID = "payment_paid"  #: the bank executed the disbursement
    MONEY_REVERSED = "money_reversed"  #: a voided import took credits back off the case
    PAYMENT_RETURNED = "payment_returned"  #: the bank sent a paid payout back (退汇)
    #: a distribution plan (分配方案, reconcile/services/distribution_plans.py) was issued,
    #: objected to, withdrawn, or executed (its payments requested)
    DISTRIBUTION_PLAN_ISSUED = "distribution_plan_issued"
    DISTRIBUTION_PLAN_OBJECTED = "distribution_plan_objected"
    DISTRIBUTION_PLAN_WITHDRAWN = "distribution_plan_withdrawn"
    DISTRIBUTION_PLAN_EXECUTED = "distribution_plan_executed"


def subscriber_for(subscribers: list[dict], court: str) -> dict | None:
    """Return the subscription (`court`, `url`) of `court`, or None."""
    return next((s for s in subscribers if s.get("court") == court), None)
