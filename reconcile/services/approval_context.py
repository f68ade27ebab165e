"""What an approver checks a request against, for a page of the approvals queue at once:
a payment's case (balance, applicants and their payee accounts), its holds and whether
the payee is an account the case lawfully pays (art. 20); a refund's orphan credit and
whether the payee is the account it came from.

The same answers as cases.get_case, holds.holds_of_case, payments.
lawful_destinations_of_case and transactions.get_transaction asked card by card, in a
fixed number of queries a page (they were about eleven a card).
"""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import approval_cards, case_search_store
from reconcile.db.uow import UnitOfWork
from reconcile.disbursements import DisbursementKind as K
from reconcile.errors import NotFound
from reconcile.ledger import Balance
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.destinations import escrow_accounts
from reconcile.services.holds import hold_view


def with_context(
    uow: UnitOfWork, actor: Actor, settings: dict, requests: list[tuple[dict, dict]]
) -> list[dict]:
    """Return each (request, its level) as a card: {"request", the level's keys, "case",
    "holds", "payee_named"} for a case's request, {"request", …, "orphan", "payee_named"}
    for a refund. NotFound if a case or line is not the actor's courts' (as each read)."""
    require(actor, Verb.READ)
    case_ids = sorted({r["case_id"] for r, _ in requests if r["case_id"] is not None})
    line_ids = sorted({r["refund_of_transaction_id"] for r, _ in requests if r["case_id"] is None})
    with uow:
        conn = uow.conn
        found = approval_cards.cases_of(conn, case_ids)
        if not all(_visible(actor, found.get(case_id)) for case_id in case_ids):
            raise NotFound("case not found")
        lines = approval_cards.lines_of(conn, line_ids)
        if not all(_visible(actor, lines.get(line_id)) for line_id in line_ids):
            raise NotFound("transaction not found")
        shown = _cases_shown(found, case_search_store.parties_of_cases(conn, case_ids))
        held = approval_cards.holds_of_cases(conn, case_ids)
        lawful = destinations_of_cases(conn, found, settings)
    cards = []
    for request_, level in requests:
        view = {"request": request_, **level}
        payee = request_["payee_account_number"]
        if request_["case_id"] is not None:
            case_id = request_["case_id"]
            named = lawful[case_id].get(request_["kind"], {})
            view |= {
                "case": shown[case_id],
                "holds": [hold_view(h) for h in held[case_id]],
                "payee_named": payee in named,
            }
        else:
            line = lines[request_["refund_of_transaction_id"]]
            view |= {"orphan": line, "payee_named": payee == line["counterparty_account"]}
        cards.append(view)
    return cards


def destinations_of_cases(conn, found: dict[int, dict], settings: dict) -> dict[int, dict]:
    """Return per case (as approval_cards.cases_of reads them) what
    destinations.lawful_destinations returns for it: per kind, the accounts a disbursement
    may go to, each with whom it belongs to."""
    named = approval_cards.named_accounts_of_cases(conn, list(found))
    accounts = approval_cards.collection_accounts_of_courts(conn) if found else []
    lawful = {}
    for case_id, case in found.items():
        court_id = case["court_id"]
        fee = {n for a in accounts if a["court_id"] == court_id for n in a["court_accounts"] or ()}
        lawful[case_id] = {
            K.PAYMENT: named[case_id]["payee"],
            K.FEE: dict.fromkeys(sorted(fee), case["court"]),
            K.RESPONDENT_REFUND: named[case_id]["respondent"],
            K.ESCROW: dict.fromkeys(escrow_accounts(settings, case["court"]), case["court"]),
            K.COURT_TRANSFER: {
                a["account_number"]: a["court"] for a in accounts if a["court_id"] != court_id
            },
        }
    return lawful


def _visible(actor: Actor, row: dict | None) -> bool:
    return row is not None and actor.may_see(row["court"])


def _cases_shown(found: dict[int, dict], parties: dict[int, list[dict]]) -> dict[int, dict]:
    """What a card shows of its case: as cases.case_view shows it, of the parts a card
    reads (number, balance, the applicants and their accounts)."""
    shown = {}
    for case_id, row in found.items():
        balance = row["balance"] or Balance()
        shown[case_id] = {
            "id": case_id,
            "case_number": row["case_number"],
            "court": row["court"],
            "applicants": [
                {
                    "party_id": p["id"],
                    "name": p["name"],
                    "payee_accounts": [
                        {k: a[k] for k in ("account_number", "account_name", "bank_name")}
                        for a in p["accounts"]
                    ],
                }
                for p in parties[case_id]
                if p["role"] == "applicant"
            ],
            "balance": balance.figures(),
        }
    return shown
