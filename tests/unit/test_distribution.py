"""Distribution plans: shares, the remainder rule, the objection period (reconcile.distribution)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.distribution import (
    PLAN_LIFECYCLE,
    Claim,
    Method,
    PlanStatus,
    distributable_amount,
    objection_ends_on,
    remainder_order,
    shares,
)
from reconcile.errors import IllegalTransition, ValidationFailed


def _by_id(plan) -> dict[int, int]:
    return {s.applicant_id: s.share for s in plan.shares}


def test_pro_rata_splits_by_claim_size():
    plan = shares("pro_rata", 30_000_00, [Claim(1, 40_000_00), Claim(2, 20_000_00)])
    assert _by_id(plan) == {1: 20_000_00, 2: 10_000_00}
    assert plan.surplus == 0


def test_pro_rata_gives_the_fen_left_over_to_the_largest_claim():
    # 100 fen over 1:1:1 → 33 each, 1 fen left: to the largest claim, applicant 2
    plan = shares("pro_rata", 100, [Claim(1, 300), Claim(2, 400), Claim(3, 300)])
    assert _by_id(plan) == {1: 30, 2: 40, 3: 30}
    plan = shares("pro_rata", 100, [Claim(1, 301), Claim(2, 302), Claim(3, 300)])
    assert _by_id(plan) == {1: 33, 2: 34, 3: 33}


def test_a_tie_for_the_largest_claim_goes_to_the_earlier_in_order_then_the_lower_id():
    claims = [Claim(7, 300, order=2), Claim(5, 300, order=1), Claim(6, 300, order=1)]
    assert _by_id(shares("pro_rata", 100, claims)) == {7: 33, 5: 34, 6: 33}


def test_the_remainder_moves_on_when_the_largest_claim_is_full():
    # three claims of 1 fen share 2 fen: ⌊2/3⌋ = 0 each, the 2 fen go one each, by the rule
    plan = shares("pro_rata", 2, [Claim(1, 1), Claim(2, 1), Claim(3, 1)])
    assert _by_id(plan) == {1: 1, 2: 1, 3: 0}


def test_order_pays_the_first_in_full_then_the_next():
    claims = [Claim(1, 50_00, order=2), Claim(2, 80_00, order=1), Claim(3, 10_00, order=3)]
    assert _by_id(shares("order", 100_00, claims)) == {2: 80_00, 1: 20_00, 3: 0}


def test_money_covering_every_claim_pays_each_in_full_and_leaves_a_surplus():
    for method in Method:
        plan = shares(method, 1_000_00, [Claim(1, 300_00), Claim(2, 200_00)])
        assert _by_id(plan) == {1: 300_00, 2: 200_00}
        assert plan.surplus == 500_00


def test_the_distributable_amount_is_the_available_money_less_the_unpaid_fee():
    assert distributable_amount(100_000_00, 1_130_00) == 98_870_00
    assert distributable_amount(1_000_00, 2_000_00) == 0


@pytest.mark.parametrize(
    "claims",
    [[], [Claim(1, 0)], [Claim(1, -5)], [Claim(1, 10), Claim(1, 20)]],
)
def test_claims_are_refused_when_empty_not_positive_or_repeated(claims):
    with pytest.raises(ValidationFailed):
        shares("pro_rata", 100, claims)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        shares("lottery", 100, [Claim(1, 100)])


def test_the_objection_period_counts_calendar_days_from_the_day_after_service():
    assert objection_ends_on(date(2026, 3, 2), 15) == date(2026, 3, 17)


def test_an_objection_period_ending_on_a_holiday_ends_on_the_next_working_day():
    def weekday(d):
        return d.weekday() < 5

    # 2026-03-06 (Friday) + 15 = 2026-03-21, a Saturday → Monday 2026-03-23
    assert objection_ends_on(date(2026, 3, 6), 15, weekday) == date(2026, 3, 23)


claim_lists = st.lists(
    st.tuples(st.integers(1, 10**12), st.integers(0, 3)), min_size=1, max_size=8
).map(lambda xs: [Claim(i + 1, amount, order) for i, (amount, order) in enumerate(xs)])


@given(st.sampled_from(list(Method)), st.integers(0, 10**13), claim_lists)
@settings(deadline=None)  # pure and fast; a busy machine is not a failure
def test_shares_sum_to_the_money_none_exceeds_its_claim(method, distributable, claims):
    plan = shares(method, distributable, claims)
    total = sum(c.amount for c in claims)
    assert sum(s.share for s in plan.shares) == min(distributable, total)
    assert plan.surplus == max(0, distributable - total)
    assert all(0 <= s.share <= s.claim for s in plan.shares)
    assert [s.applicant_id for s in plan.shares] == [c.applicant_id for c in claims]


@given(st.integers(0, 10**9), claim_lists)
@settings(deadline=None)  # pure and fast; a busy machine is not a failure
def test_pro_rata_differs_from_exact_proportion_only_by_the_remainder_rule(distributable, claims):
    plan = shares(Method.PRO_RATA, distributable, claims)
    total = sum(c.amount for c in claims)
    if distributable >= total:
        return
    got = _by_id(plan)
    floors = {c.applicant_id: distributable * c.amount // total for c in claims}
    extras = {i: got[i] - floors[i] for i in got}
    assert all(e >= 0 for e in extras.values())
    assert sum(extras.values()) < len(claims)  # only the fen the floors leave over
    # the extra fen fill claims in the remainder order: once one claim is not full,
    # no claim after it in that order got any
    ranked = remainder_order(claims)
    seen_unfilled = False
    for claim in ranked:
        if seen_unfilled:
            assert extras[claim.applicant_id] == 0
        if got[claim.applicant_id] < claim.amount:
            seen_unfilled = True


@given(st.integers(0, 10**13), claim_lists)
@settings(deadline=None)  # pure and fast; a busy machine is not a failure
def test_order_leaves_nobody_short_while_a_later_claim_is_paid(distributable, claims):
    plan = shares(Method.ORDER, distributable, claims)
    got = _by_id(plan)
    ranked = sorted(claims, key=lambda c: (c.order, c.applicant_id))
    short = [c for c in ranked if got[c.applicant_id] < c.amount]
    if short:
        later = ranked[ranked.index(short[0]) + 1 :]
        assert all(got[c.applicant_id] == 0 for c in later)


def test_an_objected_plan_is_never_executed_only_withdrawn():
    assert PLAN_LIFECYCLE.after("issued", "execute") == PlanStatus.EXECUTED
    assert PLAN_LIFECYCLE.after("issued", "object") == PlanStatus.OBJECTED
    assert PLAN_LIFECYCLE.after("objected", "withdraw") == PlanStatus.WITHDRAWN
    with pytest.raises(IllegalTransition):
        PLAN_LIFECYCLE.after("objected", "execute")
    with pytest.raises(IllegalTransition):
        PLAN_LIFECYCLE.after("executed", "withdraw")
