"""Messages of the clocks' deferrals, reviews and expected receipts (#18, art. 20 and 22)."""

from __future__ import annotations

CLOCK_MESSAGES: dict[str, tuple[str | None, str | None]] = {
    # alert kinds and their texts
    "kind.deferral_review_due": ("延缓发放到期复查", "Deferral review due"),
    "kind.deferral_late": ("延缓发放申请逾期", "Deferral requested late"),
    "kind.expected_receipt_missing": ("待到账款未到账", "Expected receipt missing"),
    # the payment clock of a payment marked paid runs until the statement's debit confirms it
    "deadline.awaiting_confirmation": (
        "{on} 已登记付款，待银行流水确认",
        "marked paid on {on}: awaiting the statement's debit",
    ),
    # the deferral form on the case page, and its refusals
    "case_actions.review_on": ("复查日期", "Review on"),
    "case_actions.review_on_hint": (
        "截止日期与复查日期至少填一项",
        "Give the planned end, the review day, or both",
    ),
    "case_actions.deferral_amount": (
        "暂停金额（元，不填为全部）",
        "Amount paused (yuan; empty: all)",
    ),
    "case_actions.deferral_all": ("全部", "all"),
    "case_actions.invalid.deferral.review_on": (
        "请填写截止日期或复查日期；复查日期不能早于今天，也不能晚于截止日期。",
        "Give the planned end or the review day; the review day cannot be before today or "
        "after the end.",
    ),
    "case_actions.invalid.deferral.amount": (
        "暂停金额有误：请填写大于零的金额，最多两位小数，或不填（全部）。",
        "The amount is wrong: a positive sum with at most two decimals, or empty (all).",
    ),
    # keeping a deferral after its review
    "case_actions.next_review_on": ("下次复查日期", "Next review on"),
    "case_actions.keep_reason": ("继续延缓的理由", "Why it is kept"),
    "case_actions.keep_deferral": ("复查后继续", "Keep after review"),
    "case_actions.deferral_kept": (
        "延缓/提存 #{id} 经复查继续，下次复查日期 {review_on}。",
        "Deferral #{id} kept after its review; next review on {review_on}.",
    ),
    "case_actions.invalid.review.review_on": (
        "下次复查日期有误：须晚于今天，且不晚于截止日期。",
        "The next review day is wrong: after today, and not after the planned end.",
    ),
    "case_actions.invalid.review.note": (
        "请填写继续延缓的理由。",
        "Say why the deferral is kept.",
    ),
    # the approvers' queue
    "case_actions.deferral_late": ("逾期申请", "Requested late"),
    "case_actions.deferral_timing": ("申请时限", "Timing"),
    "case_actions.deferral_amount_shown": ("暂停金额（元）", "Amount paused (yuan)"),
    "case_actions.deferral_late_hint": (
        "申请时期限已届满",
        "the deadline it pauses had passed when it was requested",
    ),
}
