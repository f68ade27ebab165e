"""The words of the case registration page, /cases/new (登记案件, #19)."""

CASE_REGISTRATION_MESSAGES = {
    "register.link": ("登记案件", "Register a case"),
    "register.title": ("登记案件", "Register a case"),
    "register.hint": (
        "案件通常由执行案件管理系统推送；系统未推送时在此登记。收款账户须在立案时确认"
        "（第二十条）：至少一名申请执行人须填写收款账户。空白行不登记。",
        "Cases usually come from the enforcement case system; register one here when it did "
        "not send it. The payee account is confirmed at filing (art. 20): at least one "
        "applicant needs one. Empty rows are ignored.",
    ),
    "register.case": ("案件", "The case"),
    "register.case_number": ("案号", "Case number"),
    "register.case_number_hint": ("如：（2026）京0105执1234号", "e.g. （2026）京0105执1234号"),
    "register.court": ("法院", "Court"),
    "register.amount_due": ("申请执行标的（元）", "Amount to enforce (yuan)"),
    "register.filed_on": ("立案日期（不填为今天）", "Filed on (blank: today)"),
    "register.collection_account": ("执行款专户", "Collection account"),
    "register.default_account": ("本院默认专户", "The court's account"),
    "register.sub_account_number": (
        "子账号（银行已分配时填写）",
        "Sub-account (when the bank issued one)",
    ),
    "register.applicants": ("申请执行人", "Applicants"),
    "register.applicant_n": ("申请执行人 {n}", "Applicant {n}"),
    "register.respondents": ("被执行人", "Respondents"),
    "register.respondent_n": ("被执行人 {n}", "Respondent {n}"),
    "register.name": ("姓名或名称", "Name"),
    "register.id_number": ("身份证号 / 统一社会信用代码", "ID or credit code"),
    "register.applicant_amount": ("应得金额（元，可不填）", "Own entitlement (yuan, optional)"),
    "register.order": ("分配顺位（可不填）", "Rank in a distribution (optional)"),
    "register.account_number": ("收款账号", "Payee account number"),
    "register.account_name": ("收款户名", "Account name"),
    "register.bank_name": ("开户行", "Bank"),
    "register.respondent_account": ("账号（可不填）", "Account number (optional)"),
    "register.submit": ("登记案件", "Register the case"),
    "register.cancel": ("返回案件列表", "Back to the cases"),
    "register.done": (
        "已登记案件 {case_number}，子账号 {sub_account}。",
        "Case {case_number} registered, sub-account {sub_account}.",
    ),
    "case_actions.invalid.register.amount_due": (
        "申请执行标的须为大于零的金额，如 500000.00。",
        "The amount to enforce is a sum of yuan above zero, e.g. 500000.00.",
    ),
    "case_actions.invalid.register.applicant_amount": (
        "申请执行人的应得金额须为大于零的金额，如 1000.00。",
        "An applicant's entitlement is a sum of yuan above zero, e.g. 1000.00.",
    ),
    "case_actions.invalid.register.order": (
        "分配顺位须为 1 至 10000 的整数。",
        "The rank is a whole number from 1 to 10,000.",
    ),
    "case_actions.invalid.register.too_long": (
        "“{member}”最多 {most} 个字符。",
        "“{member}” is at most {most} characters.",
    ),
    "case_actions.invalid.register.filed_on": ("立案日期有误。", "The filing date is wrong."),
}
