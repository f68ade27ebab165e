"""Line rules (reconcile/line_rules.py): conditions, and patterns that cannot hang the import."""

from __future__ import annotations

import time

import pytest

from reconcile.line_rules import LineRule, RuleLine, UnsafePattern, check_pattern, first_fit


@pytest.mark.parametrize(
    "pattern", ["结息", r"利息\s*\d+", "手续费|年费", "(ab)+c", "[a-z]{2,5}", ".*a.*b", "(a{2})+"]
)
def test_plain_patterns_are_accepted(pattern):
    assert check_pattern(pattern) == pattern


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a|a)*", r"(\w+\s?)*$", "(a*)*", r"(.)\1", "(", ".*.*.*x", "x" * 201],
)
def test_patterns_that_may_backtrack_for_ever_are_refused(pattern):
    with pytest.raises(UnsafePattern):
        check_pattern(pattern)


def test_every_condition_must_hold():
    rule = LineRule(
        1,
        direction="debit",
        counterparty_name="工商银行",
        remark_pattern="手续费|年费",
        amount_max=10_000,
        outcome="bank_fee",
    )
    fee = RuleLine("debit", 2_000, "中国工商银行朝阳支行", None, "账户年费")
    assert rule.fits(fee)
    assert not rule.fits(RuleLine("credit", 2_000, "中国工商银行朝阳支行", None, "年费"))
    assert not rule.fits(RuleLine("debit", 20_000, "中国工商银行朝阳支行", None, "年费"))
    assert not rule.fits(RuleLine("debit", 2_000, "张伟", None, "年费"))
    assert not rule.fits(RuleLine("debit", 2_000, "中国工商银行朝阳支行", None, "货款"))


def test_the_account_condition_is_exact_after_normalising_and_the_first_rule_decides():
    by_account = LineRule(1, counterparty_account="0200 0099 99", outcome="court_transfer")
    by_remark = LineRule(2, remark_text="划转", outcome="interest")
    line = RuleLine("credit", 100, None, "0200009999", "划转")
    assert first_fit([by_account, by_remark], line) is by_account
    assert first_fit([by_account, by_remark], RuleLine("credit", 100, None, "02000099990", "划转"))
    assert first_fit([by_account], RuleLine("credit", 100, None, "02000099990", "")) is None


def test_a_long_remark_is_matched_in_bounded_time():
    rule = LineRule(1, remark_pattern=".*a.*b", outcome="interest")
    started = time.monotonic()
    assert not rule.fits(RuleLine("credit", 1, None, None, "a" * 100_000))
    assert time.monotonic() - started < 1
