"""What the case page shows beside its ledger for the actions that were API-only: the
receipts the case waits for, and (to finance) the credits placed on it whole."""

from __future__ import annotations

from api.context import services
from reconcile.actors import Actor
from reconcile.expected_receipts import ExpectedSource
from reconcile.permissions import Verb, may
from reconcile.services import expected_receipts, transactions

#: credits listed for 撤回认领; more are on the orphan and statement pages
CREDITS_SHOWN = 50


def more_sections(actor: Actor, case_id: int) -> dict:
    """Return the case page's expected receipts and, for finance, its whole credits."""
    uow = services().uow
    credits = []
    if may(actor.role, Verb.RESOLVE_ORPHAN):
        credits = transactions.list_transactions(
            uow(read_only=True),
            actor,
            status="matched",
            direction="credit",
            case_id=case_id,
            limit=CREDITS_SHOWN,
        )
    return {
        "expected": expected_receipts.list_expected_receipts(uow(read_only=True), actor, case_id),
        "expected_sources": [s.value for s in ExpectedSource],
        "credits": credits,
    }
