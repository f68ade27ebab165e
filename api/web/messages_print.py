"""Messages of the printed documents (支付案款通知, 退款审批表, 分户账, 执行通知书账户信息)
and of the actions that were API-only: key -> (Simplified Chinese, English)."""

from __future__ import annotations

PRINT_MESSAGES: dict[str, tuple[str, str]] = {
    # the shared print layout
    "print.print": ("打印", "Print"),
    "print.pdf": ("下载PDF", "Download PDF"),
    "print.back": ("返回", "Back"),
    "print.hint": (
        "打印时只印出文书本身（不含导航）。",
        "Printing shows the document alone, without the navigation.",
    ),
    "print.printed_at": ("打印时间", "Printed"),
    "print.printed_by": ("打印人", "Printed by"),
    "print.case_number": ("案号", "Case number"),
    "print.number": ("编号", "Number"),
    "print.amount": ("金额（小写）", "Amount (figures)"),
    "print.amount_words": ("金额（大写）", "Amount (in words)"),
    "print.yuan_sign": ("￥{amount}", "CNY {amount}"),
    "print.signature": ("{role}（签字）", "{role} (signature)"),
    "print.date": ("日期", "Date"),
    "print.seal": ("（院印）", "(Court seal)"),
    "print.approvals": ("审批记录", "Approvals"),
    "print.page": ("第 {page} 页", "Page {page}"),
    # 支付案款通知
    "print.notice.title": ("支付案款通知", "Payment notice"),
    "print.notice.link": ("支付案款通知", "Payment notice"),
    "print.notice.to": ("财务部门：", "To the finance office:"),
    "print.notice.body": (
        "本院执行的{case_number}一案，经审批，请将下列案款支付至申请执行人在法律文书中确认的账户。",
        "In case {case_number} enforced by this court, as approved, please pay the sum below "
        "to the account the applicant confirmed in the court documents.",
    ),
    "print.notice.payee_name": ("收款人", "Payee"),
    "print.notice.payee_account": ("收款账号", "Payee account"),
    "print.notice.payee_bank": ("开户行", "Bank"),
    "print.notice.reference": ("附言（业务参考号）", "Remark (reference)"),
    "print.notice.note": ("用途", "Purpose"),
    "print.notice.status": ("状态", "Status"),
    "print.notice.requested": ("申请人", "Requested by"),
    "print.notice.requested_at": ("申请时间", "Requested"),
    "print.sign.handler": ("承办人", "Judge in charge"),
    "print.sign.approver": ("审批人", "Approver"),
    "print.sign.finance": ("财务签收", "Received by finance"),
    "print.sign.maker": ("制表人", "Prepared by"),
    "print.sign.checker": ("复核人", "Checked by"),
    "print.sign.clerk": ("经办人", "Clerk"),
    # 退款审批表
    "print.refund.title": ("退款审批表", "Refund approval form"),
    "print.refund.link": ("退款审批表", "Refund form"),
    "print.refund.booked_on": ("到账日期", "Booked on"),
    "print.refund.payer": ("付款人", "Payer"),
    "print.refund.payer_account": ("退回账号（原付款账户）", "Refund to (the payer's account)"),
    "print.refund.remark": ("原附言", "Original remark"),
    "print.refund.reason": ("退款理由", "Reason"),
    "print.refund.bank_reference": ("银行流水号", "Bank reference"),
    "print.refund.not_refund": (
        "这笔发放不是不明款退款。",
        "This is not a refund of unidentified funds.",
    ),
    # 分户账
    "print.statement.title": ("案款分户账", "Case account statement"),
    "print.statement.link": ("打印分户账", "Print account statement"),
    "print.statement.sub_account": ("案款子账号", "Sub-account"),
    "print.statement.collection_account": ("执行款专户", "Collection account"),
    "print.statement.parties": ("当事人", "Parties"),
    "print.statement.entries": ("共 {count} 笔", "{count} entries"),
    "print.statement.totals": ("各项合计", "Totals"),
    "print.statement.none": ("本案尚无账目。", "The case has no entries yet."),
    # 执行通知书账户信息
    "print.instructions.title": (
        "执行通知书（案款交付账户）",
        "Execution notice: the account to pay into",
    ),
    "print.instructions.link": ("执行通知书账户信息", "Notice account block"),
    "print.instructions.account_name": ("收款户名", "Account name"),
    "print.instructions.sub_account": (
        "收款账号（本案专属案款子账号）",
        "Account (the case's own)",
    ),
    "print.instructions.bank": ("开户行", "Bank"),
    "print.instructions.hotline": ("举报电话", "Hotline"),
    "print.instructions.text": ("通知书文字", "Notice text"),
    # actions that were API-only
    "more.resubmit": ("重新提交", "Resubmit"),
    "more.resubmit_confirm": (
        "确认重新提交：向账户 {account} 发放 {amount} 元？提交后重新进入审批。",
        "Resubmit: pay {amount} yuan to account {account}? It goes through approval again.",
    ),
    "more.resubmitted": (
        "已重新提交支付通知 #{id}：{amount} 元，收款账户 {account}。",
        "Payment notice #{id} resubmitted: {amount} yuan to account {account}.",
    ),
    "more.returned_because": ("财务退回：{note}", "Returned by finance: {note}"),
    "more.end_deferral": ("结束延缓", "End the deferral"),
    "more.end_deferral_confirm": (
        "确认结束延缓/提存 #{id}？期限重新起算。",
        "End deferral #{id}? The clocks run again.",
    ),
    "more.deferral_ended": (
        "延缓/提存 #{id} 已结束，期限重新起算。",
        "Deferral #{id} ended: the clocks run again.",
    ),
    "more.expected": ("待到账款", "Expected receipts"),
    "more.no_expected": ("尚未登记待到账款。", "No expected receipt registered."),
    "more.expected_register": ("登记待到账款", "Register an expected receipt"),
    "more.expected_source": ("来源", "Source"),
    "more.expected_source_hint": (
        "如：扣划、拍卖、外院代收",
        "e.g. deduction, auction, another court",
    ),
    "more.expected_reference": ("凭证/参考号", "Reference"),
    "more.expected_amount": ("金额（元）", "Amount (yuan)"),
    "more.expected_by": ("预计到账日", "Expected by"),
    "more.expected_status": ("状态", "Status"),
    "more.expected_submit": ("登记", "Register"),
    "more.expected_registered": (
        "已登记待到账款 {amount} 元（{source}）。",
        "Expected receipt of {amount} yuan registered ({source}).",
    ),
    "more.unassign": ("撤回认领", "Take off the case"),
    "more.unassign_reason": ("撤回理由", "Reason"),
    "more.unassign_confirm": (
        "确认将流水 #{id}（付款账户 {account}）的 {amount} 元从本案撤回，退回不明款？",
        "Take {amount} yuan of line #{id} (from account {account}) off this case, "
        "back to the unidentified funds?",
    ),
    "more.unassigned": (
        "已将 {amount} 元撤回，重新列入不明款。",
        "{amount} yuan taken off the case, back among the unidentified funds.",
    ),
    "more.payee_change": ("申请变更收款账户", "Ask to change a payee account"),
    "more.payee_applicant": ("申请执行人", "Applicant"),
    "more.payee_number": ("新收款账号", "New account number"),
    "more.payee_name": ("户名", "Account name"),
    "more.payee_bank": ("开户行", "Bank"),
    "more.payee_document": ("依据文书文号", "Document"),
    "more.payee_submit": ("提交审批", "Submit for approval"),
    "more.payee_confirm": (
        "确认申请将账户 {account_number} 列为收款账户？批准后方可向其发放。",
        "Ask to name account {account_number} as a payee account? "
        "Payments may go to it once approved.",
    ),
    "more.payee_requested": (
        "已申请变更收款账户 #{id}（{account}），待审批。",
        "Payee account change #{id} ({account}) requested: it waits for approval.",
    ),
    "more.requests": ("变更申请", "Change requests"),
    "more.source.network_deduction": ("网络查控扣划", "Online deduction"),
    "more.source.offline_deduction": ("线下扣划", "Deduction at the bank"),
    "more.source.auction": ("司法拍卖款", "Auction proceeds"),
    "more.source.entrusted_court": ("外院代收（委托执行）", "Collected by another court"),
    "more.expected_payer": ("付款账号（可选）", "Paying account (optional)"),
    "more.expected_status.expected": ("待到账", "Expected"),
    "more.expected_status.received": ("已到账", "Received"),
    "more.credits": ("已认领来款", "Credits placed on the case"),
    "more.credit_booked_on": ("到账日期", "Booked on"),
    "more.credit_payer": ("付款人", "Payer"),
    "more.credit_rule": ("认领方式", "Placed by"),
    # refusals at the new forms, by form and field (api/web/case_actions.refusal_text)
    "case_actions.invalid.expected.reference": (
        "请填写来款将带有的凭证号，或将付款的账号。",
        "Give the reference the credit will carry, or the account that will pay it.",
    ),
    "case_actions.invalid.expected.source": ("请选择来源。", "Choose the source."),
    "case_actions.invalid.expected.expected_by": (
        "请填写预计到账日。",
        "Give the day the money is expected by.",
    ),
    "case_actions.invalid.unassign.reason": ("请填写撤回理由。", "Give the reason."),
    "case_actions.invalid.payee.document_reference": (
        "请填写载明该账户的法律文书文号。",
        "Give the court document that names the account.",
    ),
    "case_actions.invalid.payee.applicant_name": (
        "请选择本案的申请执行人。",
        "Choose an applicant of the case.",
    ),
    "case_actions.invalid.payee.account_number": (
        "该账号不能作为收款账户（不完整、已遮蔽，或为被执行人账户）。",
        "This account cannot be a payee account (incomplete, masked, or the respondent's).",
    ),
    # refusals at an orphan's card (api/web/orphans.card_refusal_text)
    "orphans.refused.no_case": (
        "您所在法院没有案号或子账号为“{case}”的案件，请核对后重新输入。",
        "No case numbered “{case}” (or with that sub-account) in your courts: check it.",
    ),
    "orphans.refused.validation_error.reason": ("请填写理由。", "Give a reason."),
    "orphans.refused.validation_error.case": (
        "请选择推荐案件或输入案号。",
        "Choose a suggested case or type a case number.",
    ),
    "orphans.refused.validation_error.amount": (
        "金额有误：请填写大于零的金额，最多两位小数。",
        "The amount is wrong: a positive sum with at most two decimals.",
    ),
    "orphans.refused.validation_error.parts": (
        "拆分有误：每个案件一行，金额大于零，合计不超过未分配金额。",
        "The split is wrong: one row per case, positive amounts, no more than what is unplaced.",
    ),
    "orphans.refused.validation_error.payee_account_number": (
        "付款账号不完整或已被遮蔽，任何转账都无法到达，不能退回。",
        "The payer's account is masked or incomplete: no transfer can reach it.",
    ),
    "orphans.refused.validation_error.items": ("请至少勾选一笔。", "Tick at least one credit."),
    "orphans.refused.illegal_transition": (
        "这笔款项的状态已变化，请刷新页面。",
        "This credit has changed meanwhile: reload the page.",
    ),
    "orphans.refused.not_found": ("未找到该案件。", "The case was not found."),
    "orphans.refused.case_closed": (
        "该案件已结案，不能分配。",
        "The case is closed: nothing can be placed on it.",
    ),
    # finance sees its rejected refunds
    "orphans.refund_rejected": (
        "退款申请 #{id}（{amount} 元，至 {account}）被 {by} 于 {at} 驳回：{reason}",
        "Refund #{id} ({amount} yuan to {account}) was rejected by {by} on {at}: {reason}",
    ),
    "orphans.no_reason": ("未说明理由", "no reason given"),
    "orphans.refunds": ("退款办理", "Refunds in progress"),
    "orphans.refunds_hint": (
        "已申请的退款：审批中、待付款、已付款待流水确认。",
        "Refunds asked for: in approval, to pay, paid and awaiting the statement.",
    ),
    "orphans.refund_to": ("退回账号", "Refund to"),
    "orphans.refund_marked_paid": (
        "退款 #{id}（{amount} 元）已登记为已付款，待银行流水确认。",
        "Refund #{id} ({amount} yuan) recorded as paid; the statement will confirm it.",
    ),
    "orphans.refund_status": ("状态", "Status"),
    "orphans.refund_paid_confirm": (
        "确认已将 {amount} 元退回账户 {account}？",
        "Confirm that {amount} yuan was paid back to account {account}?",
    ),
    "orphans.refused.validation_error.bank_reference": (
        "请填写银行流水号。",
        "Give the bank reference.",
    ),
    "orphans.refused.validation_error.paid_on": ("付款日期有误。", "The payment date is wrong."),
}
