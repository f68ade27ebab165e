"""Holds: placing, releasing in part and in full."""

import pytest

from reconcile.errors import IllegalTransition, ValidationFailed
from reconcile.holds import HoldStatus, check_new_hold, release


def test_a_partial_release_keeps_the_hold_active():
    assert release("active", 500_00, 0, 200_00) == (200_00, HoldStatus.ACTIVE)


def test_releasing_what_is_left_releases_the_hold():
    assert release("active", 500_00, 200_00, 300_00) == (300_00, HoldStatus.RELEASED)


def test_a_release_without_an_amount_releases_all_that_is_left():
    assert release("active", 500_00, 200_00, None) == (300_00, HoldStatus.RELEASED)


def test_releasing_more_than_the_hold_still_holds_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        release("active", 500_00, 200_00, 300_01)
    assert refused.value.facts == {"held": 300_00}


def test_a_released_hold_cannot_be_released_again():
    with pytest.raises(IllegalTransition):
        release("released", 500_00, 500_00, None)


@pytest.mark.parametrize(
    ("amount", "reason", "document", "field"),
    [
        (0, "执行异议", "（2026）京0105执异1号", "amount"),
        (100, " ", "（2026）京0105执异1号", "reason"),
        (100, "案外人异议", "", "document_reference"),
    ],
)
def test_a_hold_needs_an_amount_a_reason_and_its_document(amount, reason, document, field):
    with pytest.raises(ValidationFailed) as refused:
        check_new_hold(amount, reason, document)
    assert refused.value.field == field
