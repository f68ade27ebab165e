"""Messages of the distribution plans page (分配方案, api/web/case_plans.py)."""

from __future__ import annotations

PLAN_MESSAGES: dict[str, tuple[str, str]] = {
    "plans.link": ("分配方案", "Distribution plans"),
    "plans.title": ("{case_number} 分配方案", "Distribution plans of {case_number}"),
    "plans.back": ("返回案件", "Back to the case"),
    "plans.hint": (
        "分配方案送达后，各方可在 {days} 日内提出书面异议；期间内方案所分款项保持冻结，"
        "期满无异议则为每位申请执行人生成一笔支付申请。按比例分配时，分以下的尾差给予债权最大者。",
        "Once the plan is served, the parties may object in writing within {days} days; its "
        "money stays held meanwhile. With no objection, one payment request per applicant is "
        "made when the period ends. Pro rata: fen left over go to the largest claim.",
    ),
    "plans.available": ("可发放余额", "Available"),
    "plans.fee_unpaid": ("应预留执行费", "Execution fee still to take"),
    "plans.distributable": ("可分配金额", "Distributable"),
    "plans.open": ("分配方案 #{id}", "Plan #{id}"),
    "plans.status.issued": ("异议期内（款项冻结）", "in its objection period (money held)"),
    "plans.status.objected": ("已提出异议（款项冻结）", "objected (money held)"),
    "plans.status.executed": ("已执行", "executed"),
    "plans.status.withdrawn": ("已撤回", "withdrawn"),
    "plans.method": ("分配方式", "Method"),
    "plans.method.pro_rata": ("按债权比例", "pro rata"),
    "plans.method.order": ("按清偿顺序", "in order"),
    "plans.document": ("分配方案文书号", "Plan document"),
    "plans.served_on": ("送达日期", "Served on"),
    "plans.objection_ends_on": ("异议期届满日", "Last day to object"),
    "plans.applicant": ("申请执行人", "Applicant"),
    "plans.order": ("顺序", "Order"),
    "plans.claim": ("债权金额", "Claim"),
    "plans.share": ("分配金额", "Share"),
    "plans.request": ("支付申请", "Payment request"),
    "plans.surplus": ("剩余（退被执行人或下次分配）", "Surplus (respondent or a later plan)"),
    "plans.objections": ("异议", "Objections"),
    "plans.object": ("登记异议", "Record an objection"),
    "plans.objector": ("异议人", "Objecting party"),
    "plans.reason": ("异议理由", "Reason"),
    "plans.objection_document": ("异议书", "Objection document"),
    "plans.object_submit": ("登记异议", "Record objection"),
    "plans.withdraw": ("撤回方案", "Withdraw plan"),
    "plans.withdraw_document": ("撤回依据（可选）", "Document of the withdrawal (optional)"),
    "plans.withdraw_confirm": (
        "撤回该分配方案并解除其冻结？",
        "Withdraw this plan and release its hold?",
    ),
    "plans.execute": ("执行方案（生成支付申请）", "Execute (make the payment requests)"),
    "plans.executes_after": (
        "异议期至 {ends_on} 届满；期满无异议后由每日任务自动执行。",
        "The objection period ends on {ends_on}; with no objection the daily job executes it.",
    ),
    "plans.issue": ("制作分配方案", "Issue a distribution plan"),
    "plans.issue_submit": ("发布方案并冻结款项", "Issue and hold the money"),
    "plans.no_payee": ("该申请执行人没有收款账户", "This applicant has no payee account"),
    "plans.past": ("历史方案", "Earlier plans"),
    "plans.none": ("暂无已结束的分配方案", "No earlier plans"),
    "plans.issued": (
        "分配方案 #{id} 已发布，款项冻结至异议期届满（{ends_on}）。",
        "Plan #{id} issued; its money is held until the objection period ends ({ends_on}).",
    ),
    "plans.objected": (
        "已登记对方案 #{id} 的异议，款项继续冻结。",
        "Objection to plan #{id} recorded; the money stays held.",
    ),
    "plans.withdrawn": (
        "分配方案 #{id} 已撤回，冻结已解除。",
        "Plan #{id} withdrawn; its hold released.",
    ),
    "plans.executed": (
        "分配方案 #{id} 已执行，生成 {count} 笔支付申请。",
        "Plan #{id} executed: {count} payment requests made.",
    ),
    "plans.some_refused": (
        "{count} 笔份额未能生成支付申请，请在案件页面手工办理。",
        "{count} shares could not be requested; request them on the case page.",
    ),
    "plans.invalid.claims": (
        "债权有误：每位申请执行人填写一次正数金额，且须为本案申请执行人并有收款账户。",
        "Check the claims: each of the case's applicants once, a positive amount, "
        "with a payee account.",
    ),
    "plans.invalid.document_reference": ("请填写文书号。", "Give the document reference."),
    "plans.invalid.served_on": (
        "送达日期有误（不得晚于今天）。",
        "The day served is wrong (not after today).",
    ),
    "plans.invalid.method": ("请选择分配方式。", "Choose a method."),
    "plans.invalid.order": ("顺序须为数字。", "The order is a number."),
    "plans.invalid.reason": ("请填写异议理由。", "Give the objection's reason."),
    "plans.invalid.party_id": (
        "异议人须为本案当事人。",
        "The objecting party is a party of the case.",
    ),
    "plans.refused.plan_open": (
        "本案已有未结束的分配方案 #{plan_id}，请先撤回。",
        "The case has an open plan #{plan_id}: withdraw it first.",
    ),
    "plans.refused.period_runs": (
        "异议期至 {objection_ends_on} 才届满，届满前不能执行。",
        "The objection period runs until {objection_ends_on}: the plan is not executed before.",
    ),
    "plans.refused.exceeds_entitlement": (
        "分配给 {applicant} 的金额超过其尚未支付的应得款（{unpaid} 元）。",
        "The share of {applicant} exceeds what it is still owed ({unpaid} yuan).",
    ),
    "plans.refused.illegal_transition": (
        "该方案当前状态为“{current}”，不能再进行此操作。",
        "The plan is {current}: that is not possible now.",
    ),
}
