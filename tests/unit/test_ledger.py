import pytest

from reconcile.ledger import Balance, Posting, reversal_of, unreserved_change


def test_available_is_what_is_left_after_holds_reservations_and_payments():
    balance = Balance(received=10_000, held=2_000, pending=1_000, approved_unpaid=500, paid=1_500)
    assert balance.available == 5_000
    assert balance.on_account == 8_500


def test_available_never_goes_below_zero_when_a_hold_exceeds_the_money():
    balance = Balance(received=1_000, held=5_000)
    assert balance.unreserved == -4_000
    assert balance.available == 0


def test_a_reversal_brings_the_balance_back():
    postings = [Posting("pending", -300), Posting("approved_unpaid", 300)]
    start = Balance(received=1_000, pending=300)
    assert start.after(postings).after(reversal_of(postings)) == start


def test_reserving_money_consumes_the_unreserved_amount_and_approving_does_not():
    assert unreserved_change([Posting("pending", 300)]) == -300
    assert unreserved_change([Posting("pending", -300), Posting("approved_unpaid", 300)]) == 0
    assert unreserved_change([Posting("received", 300)]) == 300


def test_postings_must_name_a_bucket_and_move_money():
    with pytest.raises(ValueError, match="bucket"):
        Posting("cash", 1)
    with pytest.raises(ValueError, match="zero"):
        Posting("received", 0)
