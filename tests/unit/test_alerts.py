"""The alert domain: kinds and severities, the lifecycle, masking; webhook signatures."""

import hashlib
import hmac
from datetime import timedelta

import pytest

from reconcile.alerts import (
    ALERT_LIFECYCLE,
    SEVERITY,
    AlertKind,
    AlertStatus,
    mask_facts,
    mask_id_number,
    mask_text,
    severity_of,
)
from reconcile.errors import IllegalTransition
from reconcile.webhooks import (
    is_fresh,
    parse_secrets,
    retry_delay,
    sign,
    signature_matches,
    signed_headers,
)

CONTRACT_KINDS = {
    "orphan_funds",
    "unnamed_payee_attempt",
    "unauthorised_debit",
    "unmatched_debit",
    "notice_due_soon",
    "notice_overdue",
    "payment_overdue",
    "balance_mismatch",
}


def test_every_kind_of_the_contract_exists_and_every_kind_has_a_severity():
    assert set(AlertKind) >= CONTRACT_KINDS
    assert set(SEVERITY) == set(AlertKind)


def test_money_leaving_for_an_unnamed_account_is_critical():
    assert severity_of("unauthorised_debit") == "critical"
    assert severity_of("unmatched_debit") == "critical"
    assert severity_of("notice_due_soon") == "info"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        severity_of("something_odd")


@pytest.mark.parametrize(
    ("current", "action", "after"),
    [
        ("open", "acknowledge", "acknowledged"),
        ("acknowledged", "resolve", "resolved"),
        ("open", "resolve", "resolved"),
    ],
)
def test_an_alert_moves_forward_through_its_lifecycle(current, action, after):
    assert ALERT_LIFECYCLE.after(current, action) == AlertStatus(after)


@pytest.mark.parametrize(
    ("current", "action"),
    [("acknowledged", "acknowledge"), ("resolved", "acknowledge"), ("resolved", "resolve")],
)
def test_an_alert_never_moves_back_or_twice(current, action):
    with pytest.raises(IllegalTransition):
        ALERT_LIFECYCLE.after(current, action)


def test_parties_account_and_id_numbers_are_masked_at_any_depth():
    facts = {
        "amount": "1200.00",
        "counterparty_account": "6222020200112233445",
        "payee_accounts": ["110060149018800012345"],
        "respondent": {"name": "张伟", "id_number": "110105199001011234"},
        "sub_account_number": "88010000001234",
        "collection_account": "0200001009014401234",
        "account": "0200001009014401234",
    }
    masked = mask_facts(facts)
    assert masked["counterparty_account"] == "6222 **** **** 3445"
    assert masked["payee_accounts"] == ["1100 **** **** 2345"]
    assert masked["respondent"] == {"name": "张伟", "id_number": "****1234"}
    assert masked["amount"] == "1200.00"
    # the court's own accounts are printed on every notice: the desk needs them whole
    assert masked["sub_account_number"] == "88010000001234"
    assert masked["collection_account"] == masked["account"] == "0200001009014401234"


def test_long_numbers_in_free_text_are_masked_except_those_kept():
    text = "6222020200112233445 paid 1200.00 into 88010000001234 for （2026）京0105执1001号"
    assert mask_text(text, keep=frozenset({"88010000001234"})) == (
        "6222 **** **** 3445 paid 1200.00 into 88010000001234 for （2026）京0105执1001号"
    )
    assert mask_id_number("11010519900101123X") == "****123X"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"id":1,"kind":"orphan_funds"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1700000000, body) == f"sha256={expected}"


def test_during_a_rotation_the_first_secret_signs_and_every_one_is_accepted():
    old, new = parse_secrets(" new , old ")[::-1]
    body = b"{}"
    assert signature_matches([new, old], 1, body, sign(old, 1, body))
    assert signature_matches([new, old], 1, body, sign(new, 1, body))
    assert not signature_matches([new], 1, body, sign(old, 1, body))
    headers = signed_headers(parse_secrets("new,old")[0], body, topic="alert", timestamp=1)
    assert headers["X-Reconcile-Signature"] == sign("new", 1, body)


def test_a_signature_over_another_timestamp_or_body_does_not_match():
    signature = sign("k", 100, b"{}")
    assert not signature_matches(["k"], 101, b"{}", signature)
    assert not signature_matches(["k"], 100, b"{ }", signature)


def test_timestamps_more_than_five_minutes_away_are_stale_either_way():
    assert is_fresh(1000, 1300)
    assert not is_fresh(1000, 1301)
    assert not is_fresh(1301, 1000)


def test_retries_back_off_exponentially_up_to_a_cap_with_half_of_it_jitter():
    def delay(attempts, r):
        return retry_delay(attempts, base_seconds=30, max_seconds=3600, rand=lambda: r)

    assert delay(1, 0.0) == timedelta(seconds=15)
    assert delay(1, 1.0) == timedelta(seconds=30)
    assert delay(3, 1.0) == timedelta(seconds=120)
    assert delay(30, 0.5) == timedelta(seconds=2700)


def test_the_default_schedule_keeps_trying_for_about_four_days():
    waited, attempts = timedelta(0), 0
    while waited < timedelta(hours=96):
        attempts += 1
        waited += retry_delay(attempts, base_seconds=30, max_seconds=21600, rand=lambda: 0.5)
    assert 20 <= attempts <= 40
