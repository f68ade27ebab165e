"""The case page's section on returned payouts (退汇) and credits to a closed case."""

from __future__ import annotations

from api.context import services
from reconcile.actors import Actor
from reconcile.services import alerts, returned_payments

#: the alerts this section shows while unresolved
KINDS = ("payment_returned", "resume_needed", "closed_case_credit")
SHOWN = 20


def return_sections(actor: Actor, case_id: int) -> dict:
    """Return the case's returned payouts and its open alerts about them."""
    uow = services().uow
    found = []
    for kind in KINDS:
        found += alerts.list_alerts(
            uow(read_only=True), actor, kind=kind, case_id=case_id, limit=SHOWN
        )
    return {
        "returned_payouts": returned_payments.returned_of_case(uow(read_only=True), actor, case_id),
        "money_alerts": sorted(
            (a for a in found if a["status"] != "resolved"), key=lambda a: a["id"], reverse=True
        ),
    }
