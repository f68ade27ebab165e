"""What the case page shows beside its ledger for the actions that were API-only: the
receipts the case waits for, (to finance) the credits placed on it whole, and (to who
requests) the lawful destinations of each other kind of disbursement."""

from __future__ import annotations

from api.context import services
from reconcile.actors import Actor
from reconcile.disbursements import CASE_KINDS, DisbursementKind
from reconcile.expected_receipts import ExpectedSource
from reconcile.permissions import Verb, may
from reconcile.services import expected_receipts, payments, transactions

#: credits listed for 撤回认领; more are on the orphan and statement pages
CREDITS_SHOWN = 50
#: the kinds the case page's second request form asks for (payments have their own form)
OTHER_KINDS = tuple(k for k in CASE_KINDS if k != DisbursementKind.PAYMENT)


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
    destinations = {}
    if may(actor.role, Verb.REQUEST):
        destinations = payments.lawful_destinations_of_case(
            uow(read_only=True), actor, case_id, services().settings
        )
    return {
        "expected": expected_receipts.list_expected_receipts(uow(read_only=True), actor, case_id),
        "expected_sources": [s.value for s in ExpectedSource],
        "credits": credits,
        "destination_kinds": [k.value for k in OTHER_KINDS],
        "destinations": {str(k): v for k, v in destinations.items()},
    }
