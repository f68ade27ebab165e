"""Supervision of alerts (art. 8: 及时向有关负责同志报告): every alert has an owner and a due
time; one left unresolved past it is escalated to the court's supervisors; finance may not
close the alerts that are about its own operations.

The rules are data (`[supervision]` in config/settings.toml); this module reads them.
Due times are counted in calendar hours from when the alert was raised: money that went
astray on a Friday is not less urgent on Saturday.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reconcile.permissions import Verb, may

#: critical alerts about finance's own operations: the supervisor or the desk closes them
FINANCE_OPERATION_KINDS = frozenset({"unauthorised_debit", "unmatched_debit", "balance_mismatch"})
ESCALATION_KIND = "alert_escalated"


def owner_role(settings: dict, kind: str) -> str:
    """Return the role that owns an alert of `kind` (until a user takes it up)."""
    rules = settings["supervision"]
    if kind in FINANCE_OPERATION_KINDS or kind == ESCALATION_KIND:
        return rules["supervisor_role"]
    return rules["owners"].get(kind, rules["default_owner"])


def due_at(settings: dict, kind: str, severity: str, raised_at: datetime) -> datetime | None:
    """Return when an alert must be resolved by, or None when it never escalates."""
    rules = settings["supervision"]
    hours = rules["due_hours_by_kind"].get(kind, rules["due_hours"].get(severity, 0))
    return raised_at + timedelta(hours=hours) if hours > 0 else None


def may_resolve(role: str, kind: str) -> bool:
    """Whether `role` may resolve an alert of `kind`: finance's own operations are closed by
    the court's supervisors or the desk, never by finance."""
    return kind not in FINANCE_OPERATION_KINDS or may(role, Verb.SUPERVISE_FINANCE)
