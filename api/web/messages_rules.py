"""Messages of line rules (流水识别规则, #18): lines that are not case money."""

from __future__ import annotations

RULE_MESSAGES: dict[str, tuple[str | None, str | None]] = {
    "nav.line_rules": ("流水识别规则", "Line rules"),
    "line_rules.title": ("流水识别规则", "Line rules"),
    "line_rules.help": (
        "财务维护的规则：银行结息、手续费、本院账户间划转等非案款流水，导入时按规则识别，"
        "不进入不明款；规则按创建顺序依次适用，第一条相符的规则决定。自动匹配已确定案件的"
        "来款不受规则影响；子账号或案号写错的来款仍为不明款。",
        "Rules the finance office keeps: bank interest, fees, transfers between the court's "
        "own accounts and other lines that are not case money are recognised on import and "
        "kept out of the orphan queue. Rules apply in the order they were made; the first "
        "that fits decides. Credits the automatic rules place are not affected; a credit with "
        "a wrong sub-account or case number stays an orphan.",
    ),
    "line_rules.none": ("尚无规则。", "No rule yet."),
    "line_rules.new": ("新建规则", "New rule"),
    "line_rules.name": ("规则名称", "Rule name"),
    "line_rules.court": ("法院", "Court"),
    "line_rules.conditions": ("条件", "Conditions"),
    "line_rules.conditions_help": (
        "所填条件须全部满足；至少填写对方户名、对方账号、摘要文字或摘要模式之一。",
        "Every condition given must hold; give at least the counterparty's name or account, "
        "or a remark text or pattern.",
    ),
    "line_rules.direction": ("收支方向", "Direction"),
    "line_rules.direction_any": ("收入或支出", "Credit or debit"),
    "line_rules.counterparty_name": ("对方户名包含", "Counterparty name contains"),
    "line_rules.counterparty_account": ("对方账号（完全一致）", "Counterparty account (exactly)"),
    "line_rules.remark_text": ("摘要包含文字", "Remark contains"),
    "line_rules.remark_pattern": (
        "摘要匹配模式（正则表达式）",
        "Remark matches (regular expression)",
    ),
    "line_rules.remark_pattern_help": (
        "最多 200 个字符；不允许反向引用、重复组内再重复等可能导致长时间回溯的写法。"
        "只需查找固定文字时，请用“摘要包含文字”。",
        "At most 200 characters; back-references and repetition inside a repeated group "
        "(which may backtrack for ever) are refused. To find fixed text, use “Remark contains”.",
    ),
    "line_rules.amount_min": ("金额不低于（元）", "Amount at least (yuan)"),
    "line_rules.amount_max": ("金额不高于（元）", "Amount at most (yuan)"),
    "line_rules.outcome": ("识别为", "Outcome"),
    "line_rules.case_number": (
        "案号（识别为案件款时）",
        "Case number (when the outcome is a case)",
    ),
    "line_rules.active": ("启用", "Active"),
    "line_rules.status": ("状态", "Status"),
    "line_rules.is_active": ("启用中", "active"),
    "line_rules.is_inactive": ("已停用", "switched off"),
    "line_rules.changed_by": ("最近修改", "Last changed"),
    "line_rules.created_by": ("创建人", "Made by"),
    "line_rules.create": ("保存规则", "Save the rule"),
    "line_rules.save": ("保存修改", "Save the changes"),
    "line_rules.edit": ("修改", "Edit"),
    "line_rules.deactivate": ("停用", "Switch off"),
    "line_rules.activate": ("启用", "Switch on"),
    "line_rules.matches": ("试用：曾会匹配的流水", "Try it: lines it would have matched"),
    "line_rules.created": ("已保存规则“{name}”。", "Saved the rule “{name}”."),
    "line_rules.saved": ("已修改规则“{name}”。", "Saved the changes to “{name}”."),
    "line_rules.deactivated": ("已停用规则“{name}”。", "Switched off the rule “{name}”."),
    "line_rules.activated": ("已启用规则“{name}”。", "Switched on the rule “{name}”."),
    "line_rules.edit_title": ("修改规则：{name}", "Edit the rule: {name}"),
    "line_rules.matches_title": ("规则“{name}”曾会匹配的流水", "Lines “{name}” would have matched"),
    "line_rules.matches_help": (
        "按规则当前的条件，在所选期间（最长一年）已导入的流水中查找；不改变任何流水。",
        "The rule's present conditions tried on the lines imported for the period (a year at "
        "most); no line is changed.",
    ),
    "line_rules.from": ("自", "From"),
    "line_rules.to": ("至", "To"),
    "line_rules.try": ("查找", "Find"),
    "line_rules.no_matches": ("期间内没有相符的流水。", "No line of the period fits."),
    "line_rules.more": ("继续查找", "Find more"),
    "line_rules.back": ("返回规则列表", "Back to the rules"),
    "line_rules.line_status": ("当前状态", "Stands now"),
    "line_outcome.interest": ("利息", "Interest"),
    "line_outcome.bank_fee": ("手续费", "Bank fee"),
    "line_outcome.court_transfer": ("本院划转", "The court's own transfer"),
    "line_outcome.case": ("案件款（指定案件）", "A named case"),
    "direction.credit": ("收入", "credit"),
    "direction.debit": ("支出", "debit"),
    "outcome.non_case": ("非案款", "Not case money"),
    "status.non_case": ("非案款", "not case money"),
    "audit_status.non_case": ("非案款", "not case money"),
    "rule.line_rule": ("识别规则", "line rule"),
    "reason.interest": ("利息（按识别规则）", "interest (by a line rule)"),
    "reason.bank_fee": ("手续费（按识别规则）", "bank fee (by a line rule)"),
    "reason.court_transfer": (
        "本院划转（按识别规则）",
        "the court's own transfer (by a line rule)",
    ),
    "reason.line_rule": ("按识别规则入案", "placed by a line rule"),
    "error.unsafe_pattern": ("摘要模式不安全或无法识别", "Unsafe or unreadable remark pattern"),
    "suggest.assigned to this case by staff before": (
        "该付款账号的来款曾多次人工分配到本案",
        "staff assigned this payer account's money to the case before",
    ),
}
