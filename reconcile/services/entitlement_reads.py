"""Each applicant's entitlement on a case with what was paid and reserved for it (art. 20).

The figures come from the case's payments by applicant (`disbursements.party_id`); a caller
that checks a request against them has locked the case's ledger first.
"""

from __future__ import annotations

from reconcile.db import disbursement_store, registry
from reconcile.db.handles import Connection
from reconcile.entitlements import Entitlement, entitled_amount


def entitlements_of(
    conn: Connection,
    case: dict,
    parties: list[dict] | None = None,
    payouts: dict[int, tuple[int, int]] | None = None,
) -> list[Entitlement]:
    """Return the case's applicants' entitlements, in filing order (`parties`, `payouts`:
    the case's parties and its payouts by party where the caller has read them already)."""
    if parties is None:
        parties = registry.parties_of(conn, case["id"])
    applicants = [p for p in parties if p["role"] == "applicant"]
    if payouts is None:
        payouts = disbursement_store.payouts_by_party(conn, case["id"])
    found = []
    for party in applicants:
        paid, reserved = payouts.get(party["id"], (0, 0))
        found.append(
            Entitlement(
                party_id=party["id"],
                name=party["name"],
                entitled=entitled_amount(
                    party.get("amount_due"), case["amount_due"], len(applicants)
                ),
                paid=paid,
                reserved=reserved,
                order=party.get("claim_order"),
            )
        )
    return found
