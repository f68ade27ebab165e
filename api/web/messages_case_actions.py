"""The words of the case page's actions: holds, the payment request, marking paid (#19)."""

CASE_ACTION_MESSAGES = {
    # holds
    "case_actions.place_hold": ("冻结款项", "Place a hold"),
    "case_actions.amount": ("金额（元）", "Amount (yuan)"),
    "case_actions.reason": ("冻结事由", "Reason"),
    "case_actions.reason_hint": ("如：案外人执行异议", "e.g. a third party's objection"),
    "case_actions.document": ("法律文书", "Document"),
    "case_actions.document_hint": ("裁定书、决定书等文号", "number of the ruling or decision"),
    "case_actions.hold_submit": ("冻结", "Hold"),
    "case_actions.hold_confirm": (
        "确认冻结 {amount} 元？冻结期间该款项不得发放。",
        "Hold {amount} yuan? Held money cannot be paid out.",
    ),
    "case_actions.hold_placed": ("已冻结 {amount} 元。", "{amount} yuan held."),
    "case_actions.release": ("解除冻结", "Release"),
    "case_actions.release_amount": (
        "解除金额（元，不填则全部解除）",
        "Amount (yuan; blank releases it all)",
    ),
    "case_actions.release_document": ("解除依据", "Document of the release"),
    "case_actions.release_confirm": (
        "确认解除冻结 {amount} 元？解除后该款项可以发放。",
        "Release {amount} yuan of the hold? Released money may be paid out.",
    ),
    "case_actions.hold_released": (
        "已全部解除冻结，共解除 {released} 元。",
        "The hold is released: {released} yuan in all.",
    ),
    "case_actions.hold_released_part": (
        "已部分解除冻结，仍冻结 {held} 元。",
        "Released in part: {held} yuan is still held.",
    ),
    # the payment request
    "case_actions.request_payment": ("发出支付通知", "Request a payment"),
    "case_actions.payee": ("收款账户（法律文书载明）", "Payee account (named in the documents)"),
    "case_actions.choose_payee": ("请选择收款账户", "Choose the payee account"),
    "case_actions.no_payees": (
        "本案申请人没有登记收款账户，无法发出支付通知。",
        "No applicant of this case has a payee account: no payment can be requested.",
    ),
    "case_actions.available_now": ("当前可发放余额", "Available now"),
    "case_actions.note": ("备注", "Note"),
    "case_actions.payment_submit": ("提交审批", "Submit for approval"),
    "case_actions.payment_confirm": (
        "确认向账户 {payee_account_number} 发放 {amount} 元？提交后进入审批。",
        "Pay {amount} yuan to account {payee_account_number}? It goes to approval.",
    ),
    "case_actions.payment_requested": (
        "已发出支付通知 #{id}：{amount} 元，收款账户 {account}，待审批。",
        "Payment #{id} requested: {amount} yuan to {account}, awaiting approval.",
    ),
    # marking paid
    "case_actions.bank_reference": ("银行流水号", "Bank reference"),
    "case_actions.paid_on": ("付款日期", "Paid on"),
    "case_actions.mark_paid": ("登记已付款", "Mark paid"),
    "case_actions.mark_paid_confirm": (
        "确认已向账户 {account} 付款 {amount} 元？",
        "Confirm {amount} yuan was paid to account {account}?",
    ),
    "case_actions.marked_paid": (
        "付款 #{id}（{amount} 元）已登记为已付款，待银行流水确认。",
        "Payment #{id} ({amount} yuan) marked paid; the statement debit confirms it.",
    ),
    # deferral and escrow
    "case_actions.deferrals": ("延缓发放与提存", "Deferral and escrow"),
    "case_actions.no_deferrals": ("无延缓发放或提存申请。", "No deferral or escrow requested."),
    "case_actions.request_deferral": ("申请延缓发放或提存", "Request a deferral or escrow"),
    "case_actions.deferral_kind": ("类型", "Kind"),
    "case_actions.deferral_kind.deferral": ("延缓发放", "Deferral"),
    "case_actions.deferral_kind.escrow": ("提存", "Escrow"),
    "case_actions.ground": ("法律依据", "Legal ground"),
    "case_actions.ground_hint": ("如：申请人下落不明", "e.g. the applicant cannot be found"),
    "case_actions.until": ("预计截止日期", "Planned end"),
    "case_actions.deferral_submit": ("提交审批", "Submit for approval"),
    "case_actions.deferral_requested": (
        "已提交{kind}申请 #{id}，待审批；批准后本案期限暂停计算。",
        "{kind} #{id} requested, awaiting approval; once approved the deadlines pause.",
    ),
    "case_actions.deferral_status": ("状态", "Status"),
    "case_actions.request_status.requested": ("待审批", "Awaiting approval"),
    "case_actions.request_status.approved": ("已批准", "Approved"),
    "case_actions.request_status.rejected": ("已驳回", "Rejected"),
    "case_actions.request_status.ended": ("已结束", "Ended"),
    "case_actions.invalid.deferral.ground": (
        "请填写延缓发放或提存的法律依据。",
        "Give the legal ground of the deferral or escrow.",
    ),
    "case_actions.invalid.deferral.document_reference": (
        "请填写法律文书文号。",
        "Give the court document.",
    ),
    "case_actions.invalid.until": (
        "截止日期有误：不能早于今天。",
        "The end date is wrong: it cannot be before today.",
    ),
    "case_actions.invalid.kind": ("请选择延缓发放或提存。", "Choose deferral or escrow."),
    # the approver's queue
    "case_actions.queue_deferral": ("延缓发放/提存申请", "Deferral / escrow request"),
    "case_actions.queue_payee_change": ("收款账户变更申请", "Payee account change"),
    "case_actions.applicant": ("申请人", "Applicant"),
    "case_actions.new_account": ("新收款账户", "New payee account"),
    "case_actions.decided_deferral": (
        "延缓发放/提存申请 #{id}：{status}。",
        "Deferral / escrow #{id}: {status}.",
    ),
    "case_actions.decided_payee_change": (
        "收款账户变更申请 #{id}：{status}。",
        "Payee account change #{id}: {status}.",
    ),
    # refusals, by code and field
    "case_actions.invalid.amount": (
        "金额有误：请填写大于零的金额，最多两位小数，如 1234.50。",
        "The amount is wrong: a positive sum with at most two decimals, e.g. 1234.50.",
    ),
    "case_actions.invalid.amount.held": (
        "解除金额超过仍冻结的 {held} 元。",
        "The release exceeds the {held} yuan still held.",
    ),
    "case_actions.invalid.reason": (
        "请填写冻结事由（如：执行异议）。",
        "Give the reason of the hold (e.g. an objection).",
    ),
    "case_actions.invalid.document_reference": (
        "请填写作出冻结的法律文书文号。",
        "Give the document that orders the hold.",
    ),
    "case_actions.invalid.bank_reference": ("请填写银行流水号。", "Give the bank reference."),
    "case_actions.invalid.paid_on": ("付款日期有误。", "The payment date is wrong."),
    "case_actions.refused.insufficient_available": (
        "可发放余额不足：当前可发放 {available} 元，本次申请 {requested} 元。",
        "Not enough available money: {available} yuan available, {requested} yuan asked.",
    ),
    "case_actions.refused.payee_not_named": (
        "收款账户未经本案法律文书载明，不能向其付款。",
        "The payee account is not named in the case's documents: no payment to it.",
    ),
    "case_actions.refused.unlawful_payee_account": (
        "该收款账户不得作为收款账户。",
        "This account may not receive the payment.",
    ),
    "case_actions.refused.illegal_transition": (
        "当前状态不允许此操作，请刷新页面后重试。",
        "Not allowed in its present state: reload the page.",
    ),
}
