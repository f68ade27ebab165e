"""Each applicant's entitlement limits the payments to its own accounts."""

import pytest

from reconcile.entitlements import (
    Entitlement,
    ExceedsEntitlement,
    check_within_entitlement,
    entitled_amount,
    entitlements_outstanding,
)


def test_an_applicant_is_entitled_to_its_own_amount_or_alone_to_the_cases():
    assert entitled_amount(30_000, 100_000, 2) == 30_000
    assert entitled_amount(None, 100_000, 1) == 100_000
    assert entitled_amount(None, 100_000, 2) is None


def test_due_is_what_is_not_paid_and_unpaid_leaves_out_what_is_requested():
    a = Entitlement(1, "甲", entitled=100_00, paid=30_00, reserved=50_00)
    assert (a.due, a.unpaid) == (70_00, 20_00)
    assert Entitlement(1, "甲", entitled=10_00, paid=12_00).due == 0
    assert Entitlement(1, "甲", entitled=None).unpaid is None


def test_a_payment_above_the_unpaid_entitlement_is_refused():
    a = Entitlement(1, "甲", entitled=100_00, paid=30_00, reserved=50_00)
    check_within_entitlement(a, 20_00)
    with pytest.raises(ExceedsEntitlement) as refused:
        check_within_entitlement(a, 20_01)
    assert refused.value.code == "exceeds_entitlement"
    assert refused.value.facts == {"applicant": "甲", "unpaid": "20.00", "amount": "20.01"}


def test_an_unknown_entitlement_limits_nothing_but_counts_as_outstanding():
    unknown = Entitlement(2, "乙", entitled=None)
    check_within_entitlement(unknown, 10**12)
    settled = Entitlement(1, "甲", entitled=10_00, paid=10_00)
    assert entitlements_outstanding([settled, unknown]) == [unknown]
