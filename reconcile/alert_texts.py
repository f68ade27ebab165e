"""What each alert says: one English template per kind, filled from the alert's facts.

An alert stores its kind and facts (personal data masked); its text is the kind's template
over those facts, so the edge can say it in the reader's language from the catalogue
(api/message_catalogue.py) and the stored `detail` is the English of the same words. A
kind whose facts vary in shape has variants, chosen by `template_of`.
"""

from __future__ import annotations

from reconcile.alerts import AlertKind
from reconcile.errors import N_, fill, placeholders

K = AlertKind

TEMPLATES: dict[str, str] = {
    K.ORPHAN_FUNDS: N_(
        "credit of {amount} yuan from {counterparty_name} ({counterparty_account}) on "
        "{booked_on} could not be placed on exactly one case"
    ),
    f"{K.ORPHAN_FUNDS}.refund_rejected": N_(
        "the refund of {amount} yuan (payment {refund_disbursement_id}) was rejected: the "
        "credit is unidentified again"
    ),
    K.ORPHAN_AGEING: N_(
        "unidentified credit of {amount} yuan from {booked_on} still unresolved after "
        "{working_days} working days"
    ),
    K.IDENTIFICATION_OVERDUE: N_(
        "unidentified credit of {amount} yuan from {booked_on} was due to be identified by {due}"
    ),
    K.CLOSED_CASE_CREDIT: N_(
        "credit of {amount} yuan from {counterparty_name} on {booked_on} is for a closed case"
    ),
    K.UNNAMED_PAYEE_ATTEMPT: N_(
        "{requested_by} requested a payment of {amount} yuan from case {case_number} to an "
        "account its court documents do not name ({payee_account_number})"
    ),
    K.UNAUTHORISED_DEBIT: N_(
        "debit of {amount} yuan on {booked_on} to {counterparty_name} ({counterparty_account}): "
        "the payee account is named in no court document"
    ),
    K.UNMATCHED_DEBIT: N_(
        "debit of {amount} yuan on {booked_on} to {counterparty_name} ({counterparty_account}): "
        "no approved payment to this account for this amount awaits the bank"
    ),
    K.UNREQUESTED_FEE_DEBIT: N_(
        "debit of {amount} yuan on {booked_on}: to the court's fee account, but no requested "
        "fee for this amount awaits the bank"
    ),
    K.PAID_WHILE_HELD: N_(
        "the bank paid {amount} yuan for payment {disbursement_id} on {booked_on}, but a hold "
        "placed after its approval covers {shortfall} yuan of it"
    ),
    K.NOTICE_DUE_SOON: N_("case {case_number}: {amount} yuan, notice due {due}"),
    K.NOTICE_OVERDUE: N_("case {case_number}: {amount} yuan, notice overdue since {due}"),
    K.PAYMENT_DUE_SOON: N_("case {case_number}: {amount} yuan, payment due {due}"),
    K.PAYMENT_OVERDUE: N_("case {case_number}: {amount} yuan, payment overdue since {due}"),
    f"{K.PAYMENT_DUE_SOON}.marked_paid": N_(
        "case {case_number}: {amount} yuan, payment due {due}, marked paid on "
        "{marked_paid_on}: awaiting confirmation by a statement debit"
    ),
    f"{K.PAYMENT_OVERDUE}.marked_paid": N_(
        "case {case_number}: {amount} yuan, payment overdue since {due}, marked paid on "
        "{marked_paid_on}: awaiting confirmation by a statement debit"
    ),
    K.PAYMENT_UNCONFIRMED: N_(
        "payment of {amount} yuan approved on {since}: no statement debit confirms it after "
        "{working_days} working days"
    ),
    f"{K.PAYMENT_UNCONFIRMED}.marked_paid": N_(
        "payment of {amount} yuan marked paid on {since}: no statement debit confirms it after "
        "{working_days} working days"
    ),
    K.BALANCE_MISMATCH: N_(
        "on {date} the bank holds {bank_balance} yuan, the books {books} yuan: {difference} "
        "yuan apart"
    ),
    K.STATEMENT_BALANCE_BREAK: N_(
        "the statement's balances break {break_count} time(s), first at line {first_line}: "
        "expected {expected}, found {found}; a line may be missing or altered"
    ),
    f"{K.STATEMENT_BALANCE_BREAK}.closing": N_(
        "the statement's balances break {break_count} time(s), first at the closing balance: "
        "expected {expected}, found {found}; a line may be missing or altered"
    ),
    K.CALENDAR_PROVISIONAL: N_(
        "deadlines reaching {year} are counted on weekends alone: add {calendar_file} once the "
        "State Council's holiday notice is out"
    ),
    K.PAYEE_ACCOUNTS_CHANGED: N_(
        "case {case_number}: payee account {account_number} added for {applicant_name} by "
        "{document_reference}"
    ),
    K.DELIVERY_DEAD_LETTER: N_("delivery {delivery_id} ({topic}) was given up: {last_error}"),
    K.ALERT_ESCALATED: N_(
        "alert {alert_id} owned by {owner} is unresolved past its due time {due_at}"
    ),
    K.STATEMENT_MISSING: N_(
        "no statement of account {account} imported since {last_day} ({working_days} working days)"
    ),
    K.RESUME_NEEDED: N_(
        "{amount} yuan arrived on {booked_on} for case {case_number}, closed as terminated "
        "this round: it may need resuming (执恢)"
    ),
    K.PAYMENT_RETURNED: N_(
        "the bank returned payment {reference} of {amount} yuan (paid {paid_on}) on "
        "{returned_on}: the money is on case {case_number} again; ask the applicant for a "
        "working account and pay anew"
    ),
    K.DEFERRAL_REVIEW_DUE: N_(
        "deferral #{deferral_id} of case {case_number} is to be reviewed on {review_on}: end "
        "it, or keep it with a new review day"
    ),
    K.DEFERRAL_LATE: N_(
        "deferral #{deferral_id} of case {case_number} was requested on {requested_on}, after "
        "the clock it pauses was due on {due}"
    ),
    K.EXPECTED_RECEIPT_MISSING: N_(
        "expected receipt #{expected_receipt_id} of case {case_number} ({amount} yuan) was "
        "expected by {expected_by} and has not reached the collection account by {due}"
    ),
}


def template_of(kind: str, facts: dict) -> str | None:
    """Return the template of an alert of `kind` with `facts`; None for a kind without one."""
    variant = None
    if kind == K.ORPHAN_FUNDS and "refund_disbursement_id" in facts:
        variant = "refund_rejected"
    elif (kind in (K.PAYMENT_DUE_SOON, K.PAYMENT_OVERDUE) and facts.get("marked_paid_on")) or (
        kind == K.PAYMENT_UNCONFIRMED and facts.get("status") == "marked_paid"
    ):
        variant = "marked_paid"
    elif kind == K.STATEMENT_BALANCE_BREAK and facts.get("first_line") is None:
        variant = "closing"
    if variant is not None:
        return TEMPLATES[f"{kind}.{variant}"]
    return TEMPLATES.get(kind)


def said_by(kind: str, facts: dict) -> str | None:
    """Return the template that says an alert, if its facts fill it: an alert stored
    before its kind had a template may lack a fact, and then keeps its stored detail."""
    template = template_of(kind, facts)
    if template is None or not placeholders(template) <= set(facts):
        return None
    return template


#: set by the test suite: a new alert whose facts do not fill its kind's template fails
#: the test that raised it, so every raise site is checked by the tests that reach it
STRICT = False


def detail_of(kind: str, facts: dict) -> str | None:
    """Return the English text of a new alert of `kind` with `facts`."""
    template = said_by(kind, facts)
    if template is None and STRICT:
        wanted = template_of(kind, facts)
        missing = sorted(placeholders(wanted) - set(facts)) if wanted else "no template"
        raise ValueError(f"an alert {kind} raised without {missing}")
    return fill(template, facts) if template else None
