"""Disbursements through the API: payee named, money reserved, maker ≠ checker, layers."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from reconcile.actors import cli_actor
from reconcile.audit import to_json_data
from reconcile.db import audit_log, disbursement_store, registry
from reconcile.db.tables import audit_records, ledger_entries
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_payments import approvals, disbursements
from reconcile.db.uow import UnitOfWork
from reconcile.errors import IllegalTransition
from reconcile.services import disbursements as service
from tests.integration import payments
from tests.integration.conftest import COLLECTION_ACCOUNT
from tests.integration.money import credit_suspense
from tests.integration.payments import PAYEE, balance

OTHER_ACCOUNT = "6222020200119999888"

# fixtures of the payment tests (the app with every payment endpoint, …)
funded_case = payments.funded_case
people = payments.people


def request(client, court, case_id, amount, payee=PAYEE, headers=None):
    return client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": payee, "note": "发放案款"},
        headers=headers or court.headers("enforcement"),
    )


def decide(client, disbursement_id, verb, headers):
    return client.post(f"/api/v1/disbursements/{disbursement_id}/{verb}", json={}, headers=headers)


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_a_request_reserves_the_money_at_once(client, court, funded_case):
    case = funded_case(50_000_00)
    response = request(client, court, case["id"], "20000.00")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["amount"], body["levels_required"]) == ("requested", "20000.00", 1)
    assert balance(client, court, case["id"])["pending"] == "20000.00"
    assert balance(client, court, case["id"])["available"] == "30000.00"


def test_a_request_answers_and_audits_the_disbursement_as_it_reads_back(
    client, court, funded_case, engine
):
    case = funded_case(50_000_00)
    answered = request(client, court, case["id"], "20000.00").get_json()
    read_back = client.get(
        f"/api/v1/disbursements/{answered['id']}", headers=court.headers("enforcement")
    )
    assert answered == read_back.get_json()
    assert (answered["case_number"], answered["court"], answered["approvals"]) == (
        case["case_number"],
        court.code,
        [],
    )
    with engine.connect() as conn:
        audited = audit_log.records_for(conn, "disbursement", str(answered["id"]))[0]["after"]
    stored = service.get_disbursement(UnitOfWork(engine), cli_actor("t"), answered["id"])
    assert audited == to_json_data(stored)


def test_more_than_available_is_refused_and_reserves_nothing(client, court, funded_case, engine):
    case = funded_case(50_000_00)
    response = request(client, court, case["id"], "50000.01")
    assert response.status_code == 422
    assert response.get_json()["code"] == "insufficient_available"
    assert count(engine, disbursements) == 0


def test_a_payee_not_named_is_refused_and_the_desk_is_told_who_tried(
    client, court, funded_case, engine
):
    case = funded_case(50_000_00)
    headers = court.headers("enforcement", **{"Idempotency-Key": "pay-1"})
    response = request(client, court, case["id"], "100.00", payee=OTHER_ACCOUNT, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["code"] == "payee_not_named"
    assert count(engine, disbursements) == 0
    with engine.connect() as conn:
        alert = conn.execute(select(alerts).where(alerts.c.kind == "unnamed_payee_attempt")).one()
        refusal = conn.execute(
            select(audit_records).where(audit_records.c.action == "disbursement.refused")
        ).one()
    assert alert.case_id == case["id"]
    assert alert.facts["requested_by"] == "enforcement"
    assert alert.facts["payee_account_number"].endswith("9888")
    assert refusal.actor == "enforcement"
    # The refusal does not use up the Idempotency-Key: the corrected request goes through.
    assert request(client, court, case["id"], "100.00", headers=headers).status_code == 201


def test_the_requester_never_approves_their_own_request(client, court, funded_case):
    case = funded_case(50_000_00)
    made = request(client, court, case["id"], "100.00", headers=court.headers("admin")).get_json()
    response = decide(client, made["id"], "approve", court.headers("admin"))
    assert response.status_code == 403
    assert decide(client, made["id"], "reject", court.headers("admin")).status_code == 403


def test_a_request_below_100000_yuan_needs_one_approval(client, court, funded_case):
    case = funded_case(200_000_00)
    made = request(client, court, case["id"], "99999.99").get_json()
    approved = decide(client, made["id"], "approve", court.headers("approver")).get_json()
    assert approved["status"] == "approved"
    assert balance(client, court, case["id"])["approved_unpaid"] == "99999.99"
    assert balance(client, court, case["id"])["pending"] == "0.00"


def test_from_100000_yuan_a_second_approver_must_approve_and_nobody_approves_twice(
    client, court, funded_case, people
):
    case = funded_case(200_000_00)
    made = request(client, court, case["id"], "100000.00").get_json()
    assert made["levels_required"] == 2
    first = decide(client, made["id"], "approve", court.headers("approver")).get_json()
    assert (first["status"], first["approvals_count"]) == ("requested", 1)
    twice = decide(client, made["id"], "approve", court.headers("approver"))
    assert twice.status_code == 409
    second = decide(client, made["id"], "approve", people("approver", "庭长"))
    assert second.get_json()["status"] == "approved"
    assert [a["approver_name"] for a in second.get_json()["approvals"]] == ["approver", "庭长"]


def test_a_rejection_makes_the_money_available_again(client, court, funded_case):
    case = funded_case(50_000_00)
    made = request(client, court, case["id"], "50000.00").get_json()
    rejected = decide(client, made["id"], "reject", court.headers("approver")).get_json()
    assert rejected["status"] == "rejected"
    assert balance(client, court, case["id"])["available"] == "50000.00"
    assert decide(client, made["id"], "approve", court.headers("approver")).status_code == 409


def approved_payment(client, court, case, amount="20000.00") -> dict:
    made = request(client, court, case["id"], amount).get_json()
    return decide(client, made["id"], "approve", court.headers("approver")).get_json()


def test_mark_paid_records_the_bank_payment_and_the_debit_confirms_it(
    client, court, funded_case, engine
):
    case = funded_case(50_000_00)
    payment = approved_payment(client, court, case)
    marked = client.post(
        f"/api/v1/disbursements/{payment['id']}/mark-paid",
        json={"bank_reference": "ICBC20261012001", "paid_on": "2026-10-12"},
        headers=court.headers("finance"),
    ).get_json()
    assert (marked["status"], marked["confirmed"], marked["paid_on"]) == (
        "marked_paid",
        False,
        "2026-10-12",
    )
    assert balance(client, court, case["id"])["paid"] == "20000.00"
    with UnitOfWork(engine) as uow:
        account_id = registry.account_by_number(uow.conn, COLLECTION_ACCOUNT)["id"]
        [awaiting] = disbursement_store.approved_awaiting_payment(uow.conn, account_id)
        assert (awaiting["status"], awaiting["bank_reference"]) == (
            "marked_paid",
            "ICBC20261012001",
        )
        settled = service.settle_by_debit(uow, cli_actor("import"), payment["id"], 77, date.today())
        uow.commit()
    assert (settled["status"], settled["confirmed"], settled["transaction_id"]) == (
        "paid",
        True,
        77,
    )
    assert balance(client, court, case["id"])["paid"] == "20000.00"


def test_a_debit_settles_an_approved_disbursement_once(client, court, funded_case, engine):
    case = funded_case(50_000_00)
    payment = approved_payment(client, court, case)
    with UnitOfWork(engine) as uow:
        service.settle_by_debit(uow, cli_actor("import"), payment["id"], 78, date(2026, 10, 13))
        with pytest.raises(IllegalTransition):
            service.settle_by_debit(uow, cli_actor("import"), payment["id"], 79, date(2026, 10, 13))
        uow.commit()
    after = client.get(
        f"/api/v1/disbursements/{payment['id']}", headers=court.headers("finance")
    ).get_json()
    assert (after["status"], after["paid_on"]) == ("paid", "2026-10-13")
    assert balance(client, court, case["id"])["approved_unpaid"] == "0.00"
    assert balance(client, court, case["id"])["paid"] == "20000.00"


def test_disbursements_are_listed_by_status_for_the_courts_one_may_see(
    client, court, other_court, funded_case
):
    case = funded_case(50_000_00)
    approved = approved_payment(client, court, case, "100.00")
    request(client, court, case["id"], "200.00")
    listed = client.get("/api/v1/disbursements?status=approved", headers=court.headers("finance"))
    assert [d["id"] for d in listed.get_json()["items"]] == [approved["id"]]
    of_case = client.get(f"/api/v1/cases/{case['id']}/disbursements", headers=court.headers("desk"))
    assert len(of_case.get_json()["items"]) == 2
    elsewhere = client.get("/api/v1/disbursements", headers=other_court.headers("finance"))
    assert elsewhere.get_json()["items"] == []


def test_a_refund_of_unidentified_funds_goes_through_the_same_approval(
    client, court, engine, people, settings
):
    with engine.connect() as conn:
        account_id = registry.account_by_number(conn, COLLECTION_ACCOUNT)["id"]
    credit_suspense(engine, account_id, 5_000_00)
    finance = cli_actor("finance")
    with UnitOfWork(engine) as uow:
        refund = service.open_refund_request(
            uow,
            finance,
            collection_account_id=account_id,
            court=court.code,
            transaction_id=501,
            amount=5_000_00,
            payer_account_number="6222020200112233445",
            reason="付款人误汇",
            settings=settings,
        )
        uow.commit()
    assert (refund["kind"], refund["case_id"], refund["status"]) == ("refund", None, "requested")
    approved = decide(client, refund["id"], "approve", court.headers("approver")).get_json()
    assert approved["status"] == "approved"


def test_a_new_payee_account_needs_a_document_and_an_approval_and_tells_the_desk(
    client, court, funded_case, engine
):
    case = funded_case(50_000_00)
    change = client.post(
        f"/api/v1/cases/{case['id']}/payee-accounts",
        json={
            "applicant_name": "北京华信商贸有限公司",
            "account_number": OTHER_ACCOUNT,
            "bank_name": "招商银行北京分行",
            "document_reference": "（2026）京0105执1000号之一",
        },
        headers=court.headers("enforcement"),
    ).get_json()
    assert change["status"] == "requested"
    assert request(client, court, case["id"], "100.00", payee=OTHER_ACCOUNT).status_code == 422
    approved = client.post(
        f"/api/v1/payee-account-changes/{change['id']}/approve",
        json={},
        headers=court.headers("approver"),
    )
    assert approved.get_json()["status"] == "approved"
    assert request(client, court, case["id"], "100.00", payee=OTHER_ACCOUNT).status_code == 201
    assert count(engine, alerts, alerts.c.kind == "payee_accounts_changed") == 1


# ---- concurrency, on PostgreSQL with real parallel connections ----


@pytest.mark.postgres
def test_concurrent_approvals_of_one_request_make_exactly_one_transition(
    app, court, funded_case, people, engine, client
):
    case = funded_case(50_000_00)
    made = request(client, court, case["id"], "30000.00").get_json()
    approvers = [people("approver", f"审批人{i}") for i in range(8)]

    def approve(headers):
        with app.test_client() as c:
            return decide(c, made["id"], "approve", headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(approve, approvers + approvers))
    assert sorted(statuses).count(200) == 1
    assert set(statuses) == {200, 409}
    assert count(engine, approvals, approvals.c.subject_id == made["id"]) == 1
    assert count(engine, ledger_entries, ledger_entries.c.kind == "disbursement_approved") == 2
    assert balance(client, court, case["id"])["approved_unpaid"] == "30000.00"


@pytest.mark.postgres
def test_many_requests_against_a_case_that_can_fund_three_fund_exactly_three(
    app, court, funded_case, engine, client
):
    case = funded_case(100_000_00)

    def post(_):
        with app.test_client() as c:
            return request(c, court, case["id"], "30000.00").status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(post, range(10)))
    assert statuses.count(201) == 3
    assert statuses.count(422) == 7
    assert balance(client, court, case["id"])["pending"] == "90000.00"


def test_the_openapi_document_describes_the_payment_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/cases/{case_id}/holds",
        "/api/v1/holds/{hold_id}/release",
        "/api/v1/cases/{case_id}/disbursements",
        "/api/v1/disbursements/{disbursement_id}/approve",
        "/api/v1/disbursements/{disbursement_id}/mark-paid",
        "/api/v1/cases/{case_id}/deferrals",
        "/api/v1/cases/{case_id}/payee-accounts",
        "/api/v1/cases/{case_id}/deadlines",
    ):
        assert path in paths
