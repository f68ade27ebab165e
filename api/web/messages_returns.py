"""Messages of returned payouts (退汇), credits to closed cases and payee identity (#17)."""

from __future__ import annotations

RETURN_MESSAGES: dict[str, tuple[str | None, str | None]] = {
    "kind.resume_needed": ("已结案件来款（可能需恢复执行）", "Credit on a case that may resume"),
    "kind.payment_returned": ("发放款被退汇", "Payout returned by the bank"),
    "status.bounced": ("已退汇", "returned by the bank"),
    "entry.payment_returned": ("退汇冲回", "Returned payout"),
    "rule.returned_payment": ("退汇", "returned payout"),
    "reason.returned_payment": (
        "退汇：款项回到原发放的案件",
        "a returned payout, back on its case",
    ),
    "reason.resume_needed": (
        "案件已终结本次执行，款项入案，需考虑恢复执行",
        "the case was terminated this round: placed, it may need resuming",
    ),
    "suggest.the case is closed": ("案件已结案", "the case is closed"),
    "suggest.refund_to_payer": ("案件已结案：建议退回付款人", "case closed: refund to the payer"),
    "returns.title": ("退汇与恢复执行提示", "Returned payouts and resumption"),
    "returns.bounced": (
        "{day} 银行退汇，{amount} 元已回到本案（原 {paid_on} 付出），请核实账户后重新发放",
        "returned by the bank on {day}: {amount} yuan is on the case again (paid {paid_on}); "
        "check the account and pay anew",
    ),
    "returns.alerts": ("待处理提示", "Open alerts"),
    "returns.closed_credit": (
        "本案已结案（{closure}）后仍有来款：请考虑恢复执行（执恢）或退回付款人。",
        "Money arrived after the case closed ({closure}): consider resuming it or refunding "
        "the payer.",
    ),
    "error.case_closed": (
        "案件已结案（执行完毕等终局结案方式），款项不能再分配到该案，请退回付款人。",
        "The case is closed for good: money for it is refunded to the payer, not placed on it.",
    ),
    "error.payee_name_mismatch": (
        "账户户名与申请执行人不一致：请登记为代理人账户并提供特别授权委托书（须经审批）。",
        "The account's name is not the applicant's: register it as the agent's account with "
        "its authorisation document (needs approval).",
    ),
    "case_actions.invalid.payee.account_name": (
        "账户户名与申请执行人（或所填代理人）不一致：户名不是本人的，请填写代理人及特别授权委托书。",
        "The account's name is neither the applicant's nor the agent's: for another person's "
        "account, give the agent and the authorisation document.",
    ),
    "case_actions.invalid.payee.agent": (
        "代理人账户须填写代理人姓名和特别授权委托书。",
        "An agent's account needs the agent's name and the authorisation document.",
    ),
    "payee.agent": ("代理人账户（特别授权）", "Agent's account (special authorisation)"),
    "payee.agent_name": ("代理人姓名", "Agent's name"),
    "payee.authorisation_document": ("特别授权委托书", "Authorisation document"),
    "payee.agent_hint": (
        "账户户名不是申请执行人本人时，须填写代理人及特别授权委托书，经审批后方可收款",
        "An account in another name than the applicant's needs the agent and the "
        "authorisation document, and approval before it may receive money",
    ),
}
