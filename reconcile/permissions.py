"""Who may do what: the one table of roles and verbs.

The use cases check it (`reconcile.services.access.require`), and the staff pages use
the same table to guard their views and to show only the navigation a role may follow.
The CLI and the scheduler act as `system`, which may do everything.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ENFORCEMENT = "enforcement"  #: the enforcement case system and its judges
    FINANCE = "finance"  #: court finance staff (财务)
    APPROVER = "approver"  #: approves payments and requests in layers
    DESK = "desk"  #: the complaint desk (12368)
    ADMIN = "admin"  #: the court's administrator


class Verb(StrEnum):
    READ = "read"  #: cases, ledgers, deadlines, statement lines, requests
    READ_RECONCILIATION = "read reconciliation"
    VERIFY_ACCOUNT = "verify account"  #: is this the case's designated account?
    REGISTER_CASE = "register case"  #: register, change, close a case
    IMPORT_STATEMENT = "import statement"
    VOID_STATEMENT = "void statement"  #: ask to take a wrong import back (approved in layers)
    DEFINE_STATEMENT_PROFILE = "define statement profile"  #: teach a bank export layout
    DEFINE_LINE_RULE = "define line rule"  #: rules for lines that are not case money (利息…)
    RESOLVE_ORPHAN = "resolve orphan"  #: assign, unassign, request a refund
    PLACE_HOLD = "place hold"  #: place and release holds
    REQUEST = "request"  #: payments, deferrals, payee-account changes
    APPROVE = "approve"  #: decide a request at its level
    REVIEW_PAYMENT = "review payment"  #: finance's review after the last level (财务复核)
    PAY = "pay"  #: record a payment made at the bank
    END_DEFERRAL = "end deferral"
    HANDLE_ALERT = "handle alert"  #: acknowledge, resolve
    #: resolve the critical alerts about finance's own operations (reconcile.supervision)
    SUPERVISE_FINANCE = "supervise finance"
    ADMINISTER = "administer"  #: courts, accounts, tokens, users


R = Role
EVERYONE = frozenset(Role)
PERMISSIONS: dict[Verb, frozenset[Role]] = {
    Verb.READ: EVERYONE,
    Verb.READ_RECONCILIATION: frozenset({R.FINANCE, R.APPROVER, R.DESK, R.ADMIN}),
    Verb.VERIFY_ACCOUNT: frozenset({R.DESK, R.ADMIN, R.ENFORCEMENT, R.FINANCE}),
    Verb.REGISTER_CASE: frozenset({R.ENFORCEMENT, R.ADMIN}),
    Verb.IMPORT_STATEMENT: frozenset({R.FINANCE, R.ADMIN}),
    Verb.VOID_STATEMENT: frozenset({R.FINANCE, R.ADMIN}),
    Verb.DEFINE_STATEMENT_PROFILE: frozenset({R.FINANCE, R.ADMIN}),
    Verb.DEFINE_LINE_RULE: frozenset({R.FINANCE, R.ADMIN}),
    Verb.RESOLVE_ORPHAN: frozenset({R.FINANCE, R.ADMIN}),
    Verb.PLACE_HOLD: frozenset({R.ENFORCEMENT, R.ADMIN}),
    Verb.REQUEST: frozenset({R.ENFORCEMENT, R.ADMIN}),
    Verb.APPROVE: frozenset({R.APPROVER, R.ADMIN}),
    Verb.REVIEW_PAYMENT: frozenset({R.FINANCE, R.ADMIN}),
    Verb.PAY: frozenset({R.FINANCE, R.ADMIN}),
    Verb.END_DEFERRAL: frozenset({R.ENFORCEMENT, R.APPROVER, R.ADMIN}),
    #: approvers are the court leadership: they close what supervision escalates (art. 8)
    Verb.HANDLE_ALERT: frozenset({R.DESK, R.FINANCE, R.APPROVER, R.ADMIN}),
    Verb.SUPERVISE_FINANCE: frozenset({R.DESK, R.APPROVER, R.ADMIN}),
    Verb.ADMINISTER: frozenset({R.ADMIN}),
}

SYSTEM_ROLE = "system"


def may(role: str, verb: Verb) -> bool:
    """Whether `role` may do `verb` (the CLI and the scheduler always may)."""
    return role == SYSTEM_ROLE or role in PERMISSIONS[verb]


def roles_for(verb: Verb) -> list[str]:
    """Return the roles that may do `verb`, in the order of `Role`."""
    return [r.value for r in Role if r in PERMISSIONS[verb]]
