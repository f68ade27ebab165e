"""Messages of the kinds of disbursement and of each applicant's entitlement (#17)."""

from __future__ import annotations

DISBURSEMENT_MESSAGES: dict[str, tuple[str, str | None]] = {
    "kinds.title": (
        "其他案款发放（执行费、退还被执行人、提存、移交他院）",
        "Other disbursements (fee, refund to the respondent, escrow, transfer to a court)",
    ),
    "kinds.hint": (
        "每种发放只能付往其法定账户：执行费付至本院登记的收费账户；退还被执行人须有法律文书，"
        "且各申请执行人应得款已付清（文书另有载明的除外）；提存须有已批准的提存；"
        "移交他院须付至已登记法院的执行款专户并载明文书。",
        "Each kind goes only to its lawful destination: the fee to the court's registered fee "
        "account; a refund to the respondent with its court document, once every applicant "
        "is paid (unless the document orders otherwise); escrow only with an approved escrow; "
        "a transfer only to another registered court's collection account, with its document.",
    ),
    "kinds.kind": ("发放类别", "Kind"),
    "kinds.kind.payment": ("发放申请执行人", "Payment to an applicant"),
    "kinds.kind.fee": ("执行费", "Execution fee"),
    "kinds.kind.respondent_refund": ("退还被执行人", "Refund to the respondent"),
    "kinds.kind.escrow": ("提存", "Escrow"),
    "kinds.kind.court_transfer": ("移交他院", "Transfer to another court"),
    "kinds.kind.refund": ("不明款退回", "Refund of unidentified funds"),
    # the approvals page names each request by its kind: label('disbursement', kind)
    "disbursement.fee": ("执行费", "Execution fee"),
    "disbursement.respondent_refund": ("退还被执行人", "Refund to the respondent"),
    "disbursement.escrow": ("提存", "Escrow"),
    "disbursement.court_transfer": ("移交他院", "Transfer to another court"),
    "approvals.document": ("法律文书", "Court document"),
    "kinds.destination": ("收款账户", "Destination account"),
    "kinds.choose": ("请选择账户", "Choose an account"),
    "kinds.owner.fee": ("{owner} 收费账户", "{owner} fee account"),
    "kinds.owner.respondent_refund": ("被执行人 {owner}", "Respondent {owner}"),
    "kinds.owner.escrow": ("{owner} 提存账户", "{owner} escrow account"),
    "kinds.owner.court_transfer": ("{owner} 执行款专户", "{owner} collection account"),
    "kinds.none.fee": ("本院尚未登记收费账户。", "The court has no registered fee account."),
    "kinds.none.respondent_refund": (
        "本案未载明被执行人账户。",
        "No account of a respondent is known on the case.",
    ),
    "kinds.none.escrow": ("本院尚未登记提存账户。", "The court has no registered escrow account."),
    "kinds.none.court_transfer": (
        "尚无其他法院登记执行款专户。",
        "No other court has a registered collection account.",
    ),
    "kinds.document": ("法律文书", "Court document"),
    "kinds.document_hint": ("如：（2026）京0105执1234号之一裁定", "e.g. the ruling's number"),
    "kinds.overrides": (
        "文书载明：申请执行人应得款未付清亦予退还",
        "The document orders the refund although an applicant is still owed",
    ),
    "kinds.submit": ("提交发放申请", "Request the disbursement"),
    "kinds.confirm": (
        "确认申请{kind}：{amount} 元，付至 {account}？",
        "Request {kind} of {amount} yuan to {account}?",
    ),
    "kinds.requested": (
        "已提交{kind}申请 #{id}：{amount} 元，付至 {account}。",
        "{kind} #{id} requested: {amount} yuan to {account}.",
    ),
    "balance.fees_paid": ("其中执行费", "of which fees"),
    "entitlement.entitled": ("应得", "Entitled"),
    "entitlement.paid": ("已付", "Paid"),
    "entitlement.due": ("尚欠", "Due"),
    "entitlement.unknown": ("未载明", "not stated"),
    "entitlement.order": ("第 {order} 顺位", "rank {order}"),
    "error.entitlements_unpaid": (
        "申请执行人应得款尚未付清，不得退还被执行人",
        "Applicants are still owed: no refund to the respondent",
    ),
    "error.escrow_not_approved": ("本案无已批准的提存", "No approved escrow on the case"),
    "case_actions.refused.exceeds_entitlement": (
        "超出 {applicant} 尚未支付且未申请的应得款（{unpaid} 元），已拒绝。",
        "Above what {applicant} is still owed and not yet requested ({unpaid} yuan): refused.",
    ),
    "case_actions.refused.entitlements_unpaid": (
        "申请执行人应得款尚未付清（或未载明），不得退还被执行人；如法律文书另有载明，请勾选。",
        "Applicants are still owed (or owed an unknown sum): no refund to the respondent "
        "unless its document orders it (tick the box).",
    ),
    "case_actions.refused.escrow_not_approved": (
        "本案无已批准的提存，不得付往提存账户。",
        "No approved escrow on the case: nothing goes to an escrow account.",
    ),
    "case_actions.invalid.kinds.document_reference": (
        "请填写命令此项发放的法律文书。",
        "Name the court document that orders it.",
    ),
    "kind.unrequested_fee_debit": ("未经申请的执行费支出", "Unrequested fee debit"),
    "reason.unrequested_fee": ("付至本院收费账户，但无对应的执行费申请", "unrequested fee"),
}
