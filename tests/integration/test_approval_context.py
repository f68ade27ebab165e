"""The approvals queue's cards read for a page at once (approval_context) show what the
reads card by card showed: the case (number, balance, applicants and their accounts),
its holds, whether the payee is a lawful account of the request's kind, a refund's orphan
credit; and nothing of another court's (#20)."""

from __future__ import annotations

import pytest

from reconcile.actors import Actor
from reconcile.errors import NotFound
from reconcile.services import (
    approval_context,
    approval_queue,
    cases,
    holds,
    payments,
    transactions,
)
from reconcile.services.destinations import lawful_destinations
from reconcile.services.disbursement_lists import filters
from tests.integration import payments as payment_flow
from tests.integration.conftest import OTHER_COLLECTION_ACCOUNT
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_disbursement_kinds import FEE_ACCOUNT, request, settings

funded_case = payment_flow.funded_case
__all__ = ["settings"]

HOLD = {"amount": "300.00", "reason": "案外人异议", "document_reference": "（2026）京0105执异7号"}
TRANSFER = {"document_reference": "（2026）沪0115执恢5号 参与分配"}


@pytest.fixture
def waiting(client, court, other_court, funded_case):
    """A payment, a fee and a transfer on cases with and without holds, and a refund."""
    plain, held = funded_case(50_000_00), funded_case(50_000_00)
    placed = client.post(
        f"/api/v1/cases/{held['id']}/holds", json=HOLD, headers=court.headers("enforcement")
    )
    assert placed.status_code == 201, placed.get_json()
    for case, kind, amount, account, extra in (
        (plain, "payment", "100.00", PAYEE, {}),
        (held, "payment", "200.00", PAYEE, {}),
        (held, "fee", "30.00", FEE_ACCOUNT, {}),
        (plain, "court_transfer", "400.00", OTHER_COLLECTION_ACCOUNT, TRANSFER),
    ):
        made = request(client, court, case["id"], kind, amount, account, **extra)
        assert made.status_code == 201, made.get_json()
    rows = [Row("2026-11-03", "66.00", "某人", "6217000011112222333", "货款")]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=court.headers("finance")
    ).get_json()["items"]
    refunded = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "付款人误汇"},
        headers=court.headers("finance"),
    )
    assert refunded.status_code == 200, refunded.get_json()


def approver(court_code: str) -> Actor:
    return Actor(name="审批人", role="approver", courts=frozenset({court_code}), id="user:999")


def test_the_cards_show_what_each_read_alone_showed(uow, court, settings, waiting):
    actor = approver(court.code)
    chosen = filters(actor, statuses=("requested",))
    page = approval_queue.waiting_page(uow(), actor, chosen)
    assert len(page) == 5
    cards = approval_context.with_context(uow(), actor, settings, page)
    assert [c["request"] for c in cards] == [d for d, _ in page]
    for card, (d, level) in zip(cards, page, strict=True):
        assert {k: card[k] for k in level} == level
        if d["case_id"] is None:
            line = transactions.get_transaction(uow(), actor, d["refund_of_transaction_id"])
            assert card["orphan"] == {k: line[k] for k in card["orphan"]}
            assert card["payee_named"] is (
                d["payee_account_number"] == line["counterparty_account"]
            )
            continue
        case = cases.get_case(uow(), actor, d["case_id"])
        assert card["case"]["balance"] == {
            k: v for k, v in case["balance"].items() if k != "fees_paid"
        }
        assert card["case"]["applicants"] == [
            {k: a[k] for k in ("party_id", "name", "payee_accounts")} for a in case["applicants"]
        ]
        assert (card["case"]["id"], card["case"]["case_number"]) == (
            case["id"],
            case["case_number"],
        )
        assert card["holds"] == holds.holds_of_case(uow(), actor, d["case_id"])
        named = payments.lawful_destinations_of_case(uow(), actor, d["case_id"], settings)
        assert card["payee_named"] is (d["payee_account_number"] in named.get(d["kind"], {}))
        assert card["payee_named"]
    assert sum(bool(c.get("holds")) for c in cards) == 2


def test_the_lawful_accounts_of_many_cases_are_those_of_each(uow, court, settings, waiting):
    from reconcile.db import approval_cards, registry

    with uow() as unit:
        ids = [r.id for r in unit.conn.exec_driver_sql("SELECT id FROM cases ORDER BY id")]
        found = approval_cards.cases_of(unit.conn, ids)
        together = approval_context.destinations_of_cases(unit.conn, found, settings)
        for case_id in ids:
            alone = lawful_destinations(
                unit.conn, registry.case_by_id(unit.conn, case_id), settings
            )
            assert together[case_id] == alone
            assert list(together[case_id]["court_transfer"]) == list(alone["court_transfer"])


def test_another_courts_approver_reads_none_of_the_cards(uow, court, settings, waiting):
    page = approval_queue.waiting_page(uow(), approver(court.code), filters(approver(court.code)))
    elsewhere = approver("沪0115")
    with pytest.raises(NotFound):
        approval_context.with_context(uow(), elsewhere, settings, page[:1])
    with pytest.raises(NotFound):
        approval_context.with_context(uow(), elsewhere, settings, page[-1:])  # the refund
    assert approval_queue.waiting_page(uow(), elsewhere, filters(elsewhere)) == []
