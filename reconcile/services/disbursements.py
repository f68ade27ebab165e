"""Disbursements, by what they are asked for: the names callers import, in one place.

payments.py               request a payment, mark it paid, settle it by its debit
refunds.py                request a refund of an orphan; keep its line in step
disbursement_approvals.py approve or reject either, in layers
disbursement_reads.py     get one, list a page
disbursement_books.py     what each of them posts and tells the desk
"""

from __future__ import annotations

from reconcile.services.disbursement_approvals import (
    DISBURSEMENT,
    approve_disbursement,
    reject_disbursement,
)
from reconcile.services.disbursement_reads import get_disbursement, list_disbursements
from reconcile.services.payments import mark_paid, request_disbursement, settle_by_debit
from reconcile.services.refunds import open_refund_request

__all__ = [
    "DISBURSEMENT",
    "approve_disbursement",
    "get_disbursement",
    "list_disbursements",
    "mark_paid",
    "open_refund_request",
    "reject_disbursement",
    "request_disbursement",
    "settle_by_debit",
]
