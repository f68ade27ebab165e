"""Each kind of a case's disbursement, and the accounts it may lawfully go to (art. 20).

    payment            an applicant's confirmed payee accounts (checked per applicant)
    fee                the court's registered fee account (its collection accounts' list)
    respondent_refund  a respondent's known account on the case
    escrow             a registered escrow account of the court ([disbursements] setting)
    court_transfer     another registered court's collection account

Read inside the request's unit of work; the page offers the same accounts per kind.
"""

from __future__ import annotations

from reconcile.account_numbers import normalise_account_number
from reconcile.db import disbursement_store
from reconcile.db.handles import Connection
from reconcile.disbursements import DisbursementKind as K


def escrow_accounts(settings: dict, court: str) -> list[str]:
    """Return the court's registered escrow accounts (提存账户), as the settings name them."""
    table = (settings.get("disbursements") or {}).get("escrow_accounts") or {}
    return [normalise_account_number(a) for a in table.get(court, ())]


def lawful_destinations(conn: Connection, case: dict, settings: dict) -> dict[str, dict]:
    """Return, per kind, the accounts a disbursement of the case may go to, each with the
    name of whom it belongs to (an applicant's party id for a payment)."""
    fee = disbursement_store.fee_accounts(conn, case["court_id"])
    return {
        K.PAYMENT: disbursement_store.payee_parties(conn, case["id"]),
        K.FEE: dict.fromkeys(sorted(fee), case["court"]),
        K.RESPONDENT_REFUND: disbursement_store.respondent_accounts(conn, case["id"]),
        K.ESCROW: dict.fromkeys(escrow_accounts(settings, case["court"]), case["court"]),
        K.COURT_TRANSFER: disbursement_store.other_courts_accounts(conn, case["court_id"]),
    }
