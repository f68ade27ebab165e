"""Disbursements: states, the money each move posts, payees, approval tiers and approvers."""

from datetime import date

import pytest

from reconcile.approvals import Decision, approval_action, check_approver, levels_for
from reconcile.deferrals import DEFERRAL_LIFECYCLE, DeferralAction, pause_of
from reconcile.disbursements import DISBURSEMENT_LIFECYCLE, check_payee, postings_for
from reconcile.errors import (
    Conflict,
    Forbidden,
    IllegalTransition,
    PayeeNotNamed,
    ValidationFailed,
)
from reconcile.ledger import Posting
from reconcile.payee_changes import CHANGE_LIFECYCLE

TIERS = [{"up_to": "100000.00", "levels": 1}, {"levels": 2}]


@pytest.mark.parametrize(
    ("amount", "levels"), [(1, 1), (99_999_99, 1), (100_000_00, 2), (9_000_000_00, 2)]
)
def test_the_approval_levels_depend_on_the_amount_and_a_bound_is_in_the_higher_tier(amount, levels):
    assert levels_for(amount, TIERS) == levels


def test_a_bound_may_be_in_the_lower_tier():
    assert [levels_for(a, TIERS, "lower") for a in (100_000_00, 100_000_01)] == [1, 2]
    with pytest.raises(ValidationFailed):
        levels_for(1, TIERS, "middle")


def test_tiers_may_add_a_level_per_threshold():
    tiers = [{"up_to": "1000.00", "levels": 1}, {"up_to": "500000.00", "levels": 2}, {"levels": 3}]
    assert [levels_for(a, tiers) for a in (999_99, 1000_00, 600_000_00)] == [1, 2, 3]


def test_only_the_last_level_approves_the_request():
    assert approval_action(Decision.APPROVE, 1, 2) == "approved in part"
    assert approval_action(Decision.APPROVE, 2, 2) == "approved"
    assert approval_action(Decision.REJECT, 1, 2) == "rejected"


def test_the_requester_may_not_approve_their_own_request():
    with pytest.raises(Forbidden):
        check_approver("token:3", "token:3", [])


def test_nobody_approves_the_same_request_twice():
    with pytest.raises(Conflict):
        check_approver("token:4", "token:3", ["token:4"])


def test_a_partial_approval_keeps_the_request_waiting_for_the_next_level():
    assert DISBURSEMENT_LIFECYCLE.after("requested", "approved in part") == "requested"
    assert DISBURSEMENT_LIFECYCLE.after("requested", "approved") == "approved"


@pytest.mark.parametrize(
    ("status", "event"),
    [
        ("approved", "rejected"),
        ("rejected", "approved"),
        ("requested", "marked paid"),
        ("requested", "settled"),
        ("paid", "settled"),
        ("marked_paid", "marked paid"),
    ],
)
def test_illegal_moves_are_refused(status, event):
    with pytest.raises(IllegalTransition):
        DISBURSEMENT_LIFECYCLE.after(status, event)


def test_approval_moves_the_reserved_money_to_approved_unpaid():
    assert postings_for("requested", "approved", 500) == [
        Posting("pending", -500),
        Posting("approved_unpaid", 500),
    ]


def test_a_rejection_gives_the_reserved_money_back():
    assert postings_for("requested", "rejected", 500) == [Posting("pending", -500)]


def test_money_is_paid_once_whether_marked_paid_first_or_settled_by_the_debit():
    assert postings_for("approved", "marked_paid", 500) == postings_for("approved", "paid", 500)
    assert postings_for("marked_paid", "paid", 500) == []


def test_a_payee_written_with_spaces_is_the_named_account():
    assert check_payee("6222 0202 0011 2233", {"6222020200112233"}) == "6222020200112233"


def test_a_payee_the_documents_do_not_name_is_refused():
    with pytest.raises(PayeeNotNamed):
        check_payee("6222020200119999", {"6222020200112233"})


def test_an_approved_deferral_pauses_until_it_ends_or_its_planned_end():
    assert pause_of(date(2026, 3, 4), None, None) == (date(2026, 3, 4), None)
    assert pause_of(date(2026, 3, 4), date(2026, 3, 9), date(2026, 4, 1)) == (
        date(2026, 3, 4),
        date(2026, 3, 9),
    )
    assert pause_of(date(2026, 3, 4), None, date(2026, 4, 1)) == (
        date(2026, 3, 4),
        date(2026, 4, 1),
    )
    assert pause_of(None, None, None) is None


REQUESTS = [DISBURSEMENT_LIFECYCLE, DEFERRAL_LIFECYCLE, CHANGE_LIFECYCLE]


@pytest.mark.parametrize("lifecycle", REQUESTS)
def test_every_request_is_decided_by_the_same_moves(lifecycle):
    assert lifecycle.after("requested", "approved in part") == "requested"
    assert lifecycle.after("requested", "approved") == "approved"
    assert lifecycle.after("requested", "rejected") == "rejected"
    with pytest.raises(IllegalTransition):
        lifecycle.after("rejected", "approved")
    assert lifecycle.initial_states() == ["requested"]


def test_only_an_approved_deferral_can_end():
    assert DEFERRAL_LIFECYCLE.after("approved", DeferralAction.END) == "ended"
    with pytest.raises(IllegalTransition):
        DEFERRAL_LIFECYCLE.after("requested", DeferralAction.END)


def test_a_reference_names_its_disbursement_and_is_found_in_a_remark():
    from reconcile.disbursements import reference_of, referenced_ids

    assert reference_of(42) == "AK0000000042"
    assert referenced_ids("执行款（2026）京0105执1号 AK0000000042", None, "AK0000000007") == [42, 7]
    assert referenced_ids("AK00000000421", "AK42") == []  # eleven digits, or too few: none
