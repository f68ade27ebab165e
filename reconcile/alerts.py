"""Alerts (预警): what is found, how serious it is, its lifecycle, and what the desk may see.

An alert is raised once per finding: its `subject` (e.g. `transaction:123`,
`case:5:notice:2026-11-20`) is a stable key, unique per kind. The lifecycle is
`open → acknowledged → resolved`; an open alert may be resolved at once (resolving implies
acknowledging it), and nothing leaves `resolved`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Any

from reconcile.account_numbers import mask_account_number
from reconcile.lifecycle import Lifecycle


class AlertKind(StrEnum):
    ORPHAN_FUNDS = "orphan_funds"  #: a credit no rule places on exactly one case (不明款)
    ORPHAN_AGEING = "orphan_ageing"  #: an orphan still unresolved after N working days
    UNNAMED_PAYEE_ATTEMPT = "unnamed_payee_attempt"  #: a payment request to an unnamed account
    UNAUTHORISED_DEBIT = "unauthorised_debit"  #: money left for an account no document names
    UNMATCHED_DEBIT = "unmatched_debit"  #: a debit matching no approved disbursement
    #: a debit to the court's fee account that settles no requested fee (warning, #17)
    UNREQUESTED_FEE_DEBIT = "unrequested_fee_debit"
    PAID_WHILE_HELD = "paid_while_held"  #: the bank paid money a hold placed since covers
    NOTICE_DUE_SOON = "notice_due_soon"  #: the payment notice's deadline is near
    NOTICE_OVERDUE = "notice_overdue"  #: no payment notice within 10 working days
    PAYMENT_DUE_SOON = "payment_due_soon"  #: the payment's deadline is near
    PAYMENT_OVERDUE = "payment_overdue"  #: no payment within 5 working days of the notice
    PAYMENT_UNCONFIRMED = "payment_unconfirmed"  #: approved and paid, no statement debit yet
    BALANCE_MISMATCH = "balance_mismatch"  #: bank balance ≠ case balances + orphans
    #: an imported statement's running balance breaks, or opening + lines ≠ closing
    STATEMENT_BALANCE_BREAK = "statement_balance_break"
    CLOSED_CASE_CREDIT = "closed_case_credit"  #: money arrived on a closed case
    CALENDAR_PROVISIONAL = "calendar_provisional"  #: a deadline counted without a schedule
    PAYEE_ACCOUNTS_CHANGED = "payee_accounts_changed"  #: a case's lawful destinations changed
    DELIVERY_DEAD_LETTER = "delivery_dead_letter"  #: a webhook delivery was given up
    #: an alert unresolved past its due time, reported to the supervisors (art. 8)
    ALERT_ESCALATED = "alert_escalated"
    STATEMENT_MISSING = "statement_missing"  #: no statement of an account for N working days
    #: an orphan still unidentified N working days after its booking (art. 22)
    IDENTIFICATION_OVERDUE = "identification_overdue"
    #: money was placed on a case closed as 终结本次执行: it may need 恢复执行 (执恢)
    RESUME_NEEDED = "resume_needed"
    #: the bank sent a paid disbursement back (退汇): the money is on the case again
    PAYMENT_RETURNED = "payment_returned"
    #: a deferral's review day has come (issue #18): end it, or keep it with reason
    DEFERRAL_REVIEW_DUE = "deferral_review_due"
    #: a deferral requested after a clock it pauses was already due (issue #18)
    DEFERRAL_LATE = "deferral_late"
    #: money registered as expected has not reached the collection account (art. 20)
    EXPECTED_RECEIPT_MISSING = "expected_receipt_missing"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


K, S = AlertKind, Severity

SEVERITY: dict[AlertKind, Severity] = {
    K.ORPHAN_FUNDS: S.WARNING,
    K.ORPHAN_AGEING: S.WARNING,
    K.UNNAMED_PAYEE_ATTEMPT: S.CRITICAL,
    K.UNAUTHORISED_DEBIT: S.CRITICAL,
    K.UNMATCHED_DEBIT: S.CRITICAL,
    K.UNREQUESTED_FEE_DEBIT: S.WARNING,
    K.PAID_WHILE_HELD: S.CRITICAL,
    K.NOTICE_DUE_SOON: S.INFO,
    K.NOTICE_OVERDUE: S.WARNING,
    K.PAYMENT_DUE_SOON: S.INFO,
    K.PAYMENT_OVERDUE: S.WARNING,
    K.PAYMENT_UNCONFIRMED: S.WARNING,
    K.BALANCE_MISMATCH: S.CRITICAL,
    K.STATEMENT_BALANCE_BREAK: S.WARNING,
    K.CLOSED_CASE_CREDIT: S.WARNING,
    K.CALENDAR_PROVISIONAL: S.INFO,
    K.PAYEE_ACCOUNTS_CHANGED: S.INFO,
    K.DELIVERY_DEAD_LETTER: S.CRITICAL,
    K.ALERT_ESCALATED: S.CRITICAL,
    K.STATEMENT_MISSING: S.WARNING,
    K.IDENTIFICATION_OVERDUE: S.WARNING,
    K.RESUME_NEEDED: S.WARNING,
    K.PAYMENT_RETURNED: S.WARNING,
    K.DEFERRAL_REVIEW_DUE: S.WARNING,
    K.DEFERRAL_LATE: S.WARNING,
    K.EXPECTED_RECEIPT_MISSING: S.CRITICAL,
}


class AlertStatus(StrEnum):
    OPEN = "open"  #: raised, nobody has taken it up
    ACKNOWLEDGED = "acknowledged"  #: someone is on it
    RESOLVED = "resolved"  #: dealt with; final


class AlertAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


ALERT_LIFECYCLE = Lifecycle(
    "alert",
    AlertStatus,
    AlertAction,
    {
        (AlertStatus.OPEN, AlertAction.ACKNOWLEDGE): AlertStatus.ACKNOWLEDGED,
        (AlertStatus.OPEN, AlertAction.RESOLVE): AlertStatus.RESOLVED,
        (AlertStatus.ACKNOWLEDGED, AlertAction.RESOLVE): AlertStatus.RESOLVED,
    },
)


def severity_of(kind: str) -> Severity:
    """Return the severity of `kind`; an unknown kind is a ValueError."""
    return SEVERITY[AlertKind(kind)]


# ---- masking: the desk gets what it needs to act, not the parties' personal data ----

#: keys that name the court's own accounts (printed on every notice, not personal data);
#: `account` is the collection account, as in the API. Name a party's account otherwise,
#: e.g. `counterparty_account`, `payee_account_number`: those are masked.
COURT_ACCOUNT_KEYS = frozenset(
    {
        "account",
        "sub_account_number",
        "sub_account",
        "collection_account",
        "court_account",
        "court_accounts",
    }
)
_ID_KEYS = re.compile(r"(^|_)id_(number|card)$")
_ACCOUNT_KEYS = re.compile(r"(^|_)accounts?(_numbers?)?$")
#: runs of 12+ digits in free text: account and ID numbers (case numbers have shorter runs)
_LONG_NUMBER = re.compile(r"\d[\d ]{10,}[\dXx]")


def mask_id_number(text: str | None) -> str | None:
    """Keep the last four characters of an ID number: 110105199001011234 -> ****1234."""
    if not text:
        return text
    return "****" + text.strip()[-4:]


def mask_facts(facts: Any, key: str = "") -> Any:
    """Return `facts` with parties' account and ID numbers masked, at any depth."""
    if isinstance(facts, dict):
        return {k: mask_facts(v, k) for k, v in facts.items()}
    if isinstance(facts, list):
        return [mask_facts(v, key) for v in facts]
    if not isinstance(facts, str):
        return facts
    masker = _masker_of(key)
    return facts if masker is None else masker(facts)


@lru_cache(maxsize=1024)
def _masker_of(key: str):
    """How a text under `key` is masked (None: kept), decided once per key."""
    if key in COURT_ACCOUNT_KEYS:
        return None
    if _ID_KEYS.search(key):
        return mask_id_number
    if _ACCOUNT_KEYS.search(key):
        return mask_account_number
    return None


def mask_text(text: str | None, keep: frozenset[str] = frozenset()) -> str | None:
    """Mask long digit runs (account, ID numbers) in free text, except the numbers in `keep`."""
    if not text:
        return text

    def masked(match: re.Match) -> str:
        number = match.group(0).replace(" ", "")
        return number if number in keep else mask_account_number(number)

    return _LONG_NUMBER.sub(masked, text)


def court_accounts_in(facts: dict) -> frozenset[str]:
    """Return the court's own account numbers mentioned in `facts` (safe to show in text)."""
    found: set[str] = set()
    for key in COURT_ACCOUNT_KEYS & facts.keys():
        value = facts[key]
        found.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    return frozenset(found)
