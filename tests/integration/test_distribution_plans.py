"""Distribution plans (分配方案) through the API: shares, the hold, objections, execution."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reconcile.clock import local_today
from reconcile.db import audit_log, registry
from reconcile.db.tables_alerts import case_events
from reconcile.db.tables_payments import disbursements
from reconcile.services.distribution_plans import execute_due_plans
from tests.integration import payments
from tests.integration.payments import balance

funded_case = payments.funded_case

ACCOUNT_A = "110060149018800012345"
ACCOUNT_B = "622848001122334455"
APPLICANTS = [
    {
        "name": "北京华信商贸有限公司",
        "payee_accounts": [
            {
                "account_number": ACCOUNT_A,
                "account_name": "北京华信商贸有限公司",
                "bank_name": "交通银行",
            }
        ],
    },
    {
        "name": "李明",
        "payee_accounts": [
            {"account_number": ACCOUNT_B, "account_name": "李明", "bank_name": "农业银行"}
        ],
    },
]
LONG_AGO = local_today() - timedelta(days=60)  #: its objection period has ended


@pytest.fixture
def two_applicants(funded_case, engine):
    """Return a funded case with two applicants, and their party ids (A, B)."""

    def make(fen: int) -> tuple[dict, int, int]:
        case = funded_case(fen, applicants=APPLICANTS, amount_due="90000.00")
        with engine.connect() as conn:
            ids = [
                p["id"] for p in registry.parties_of(conn, case["id"]) if p["role"] == "applicant"
            ]
        return case, ids[0], ids[1]

    return make


def issue(client, court, case_id, claims, *, method="pro_rata", served_on=LONG_AGO, **extra):
    return client.post(
        f"/api/v1/cases/{case_id}/distribution-plans",
        json={
            "method": method,
            "claims": claims,
            "document_reference": "（2026）京0105执分1号",
            "served_on": served_on.isoformat(),
            **extra,
        },
        headers=court.headers("enforcement"),
    )


def requests_of(engine, case_id) -> list[tuple[str, int]]:
    d = disbursements.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.payee_account_number, d.amount).where(d.case_id == case_id).order_by(d.id)
        )
        return [tuple(r) for r in rows]


def test_pro_rata_shares_give_the_fen_left_over_to_the_largest_claim(client, court, two_applicants):
    case, a, b = two_applicants(10_000_01)
    response = issue(
        client,
        court,
        case["id"],
        [{"party_id": a, "amount": "20000.00"}, {"party_id": b, "amount": "40000.00"}],
        fee_unpaid="0.00",
    )
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()
    # 1,000,001 fen × 1/3 = 333,333.67 and × 2/3 = 666,667.33: floors 333,333 + 666,667;
    # the fen left over (1) goes to the largest claim, B's
    assert [(s["party_id"], s["share"]) for s in plan["shares"]] == [
        (a, "3333.33"),
        (b, "6666.68"),
    ]
    assert plan["distributable"] == "10000.01"
    assert plan["surplus"] == "0.00"
    assert plan["status"] == "issued"
    assert plan["objection_ends_on"] >= (LONG_AGO + timedelta(days=15)).isoformat()
    money = balance(client, court, case["id"])
    assert money["held"] == "10000.01"
    assert money["available"] == "0.00"


def test_the_order_method_pays_claims_in_full_one_after_another(client, court, two_applicants):
    case, a, b = two_applicants(50_000_00)
    response = issue(
        client,
        court,
        case["id"],
        [
            {"party_id": a, "amount": "40000.00", "order": 2},
            {"party_id": b, "amount": "30000.00", "order": 1},
        ],
        method="order",
        fee_unpaid="0.00",
    )
    assert response.status_code == 201, response.get_json()
    shares = {s["party_id"]: s["share"] for s in response.get_json()["shares"]}
    assert shares == {b: "30000.00", a: "20000.00"}


def test_the_unpaid_execution_fee_stays_on_the_case(client, court, two_applicants):
    case, a, b = two_applicants(1_000_000_00)
    claims = [{"party_id": a, "amount": "600000.00"}, {"party_id": b, "amount": "600000.00"}]
    plan = issue(client, court, case["id"], claims).get_json()
    assert plan["distributable"] == "987600.00"  # less the fee of 12,400.00 (art. 14)
    assert balance(client, court, case["id"])["available"] == "12400.00"


def test_money_beyond_every_claim_is_the_surplus(client, court, two_applicants):
    case, a, b = two_applicants(50_000_00)
    claims = [{"party_id": a, "amount": "10000.00"}, {"party_id": b, "amount": "20000.00"}]
    plan = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    assert plan["surplus"] == "20000.00"
    assert balance(client, court, case["id"])["available"] == "20000.00"


def test_a_second_open_plan_is_refused_and_holds_nothing_more(client, court, two_applicants):
    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    first = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    again = issue(client, court, case["id"], claims, fee_unpaid="0.00")
    assert again.status_code == 409
    assert again.get_json()["plan_id"] == first["id"]
    assert balance(client, court, case["id"])["held"] == "10000.00"


def test_bad_claims_are_refused_with_a_clear_problem(client, court, two_applicants, engine):
    case, a, _b = two_applicants(10_000_00)
    with engine.connect() as conn:
        respondent = next(
            p["id"] for p in registry.parties_of(conn, case["id"]) if p["role"] == "respondent"
        )
    cases = [
        [{"party_id": respondent, "amount": "100.00"}],
        [{"party_id": a, "amount": "100.00"}, {"party_id": a, "amount": "200.00"}],
        [{"party_id": a, "amount": 100}],
        [],
    ]
    for claims in cases:
        response = issue(client, court, case["id"], claims)
        assert response.status_code == 422, claims
        assert response.get_json()["code"] == "validation_error"
    future = issue(
        client,
        court,
        case["id"],
        [{"party_id": a, "amount": "1.00"}],
        served_on=local_today() + timedelta(days=1),
    )
    assert future.status_code == 422
    assert balance(client, court, case["id"])["held"] == "0.00"


def test_an_objection_keeps_the_hold_and_stops_execution(
    client, court, two_applicants, engine, settings
):
    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    plan = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    objected = client.post(
        f"/api/v1/distribution-plans/{plan['id']}/objections",
        json={"party_id": b, "reason": "债权数额有误", "document_reference": "异议书 2026-1"},
        headers=court.headers("enforcement"),
    )
    assert objected.status_code == 201, objected.get_json()
    assert objected.get_json()["status"] == "objected"
    assert objected.get_json()["objections"][0]["reason"] == "债权数额有误"
    execute = client.post(
        f"/api/v1/distribution-plans/{plan['id']}/execute", headers=court.headers("enforcement")
    )
    assert execute.status_code == 409
    assert execute_due_plans(engine, settings)["executed"] == 0
    assert balance(client, court, case["id"])["held"] == "10000.00"
    assert requests_of(engine, case["id"]) == []


def test_withdrawing_releases_the_hold(client, court, two_applicants):
    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    plan = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    response = client.post(
        f"/api/v1/distribution-plans/{plan['id']}/withdraw",
        json={"document_reference": "撤回决定"},
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "withdrawn"
    assert balance(client, court, case["id"])["held"] == "0.00"
    # a new plan may be issued now
    assert issue(client, court, case["id"], claims, fee_unpaid="0.00").status_code == 201


def test_execution_before_the_period_ends_is_refused(client, court, two_applicants):
    case, a, _b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}]
    plan = issue(client, court, case["id"], claims, served_on=local_today(), fee_unpaid="0.00")
    response = client.post(
        f"/api/v1/distribution-plans/{plan.get_json()['id']}/execute",
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 409
    assert response.get_json()["objection_ends_on"] == plan.get_json()["objection_ends_on"]


def test_execution_releases_the_hold_and_requests_each_share(client, court, two_applicants, engine):
    case, a, b = two_applicants(10_000_01)
    claims = [{"party_id": a, "amount": "20000.00"}, {"party_id": b, "amount": "40000.00"}]
    plan = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    response = client.post(
        f"/api/v1/distribution-plans/{plan['id']}/execute", headers=court.headers("enforcement")
    )
    assert response.status_code == 200, response.get_json()
    executed = response.get_json()
    assert executed["status"] == "executed"
    assert executed["refused"] == []
    assert all(s["disbursement_id"] for s in executed["shares"])
    assert requests_of(engine, case["id"]) == [(ACCOUNT_A, 333333), (ACCOUNT_B, 666668)]
    money = balance(client, court, case["id"])
    assert (money["held"], money["pending"], money["available"]) == ("0.00", "10000.01", "0.00")
    again = client.post(
        f"/api/v1/distribution-plans/{plan['id']}/execute", headers=court.headers("enforcement")
    )
    assert again.status_code == 409
    with engine.connect() as conn:
        events = (
            conn.execute(select(case_events.c.event).where(case_events.c.case_id == case["id"]))
            .scalars()
            .all()
        )
    assert "distribution_plan_issued" in events
    assert "distribution_plan_executed" in events
    listed = client.get(
        f"/api/v1/cases/{case['id']}/distribution-plans", headers=court.headers("finance")
    )
    assert [p["status"] for p in listed.get_json()["items"]] == ["executed"]


def test_the_daily_job_executes_due_plans_once(client, court, two_applicants, engine, settings):
    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    issue(client, court, case["id"], claims, fee_unpaid="0.00")
    report = execute_due_plans(engine, settings)
    assert (report["executed"], report["requests"]) == (1, 2)
    assert execute_due_plans(engine, settings)["executed"] == 0
    assert len(requests_of(engine, case["id"])) == 2


def test_every_step_is_audited(client, court, two_applicants, engine):
    case, a, _b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}]
    plan = issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json()
    client.post(
        f"/api/v1/distribution-plans/{plan['id']}/execute", headers=court.headers("enforcement")
    )
    with engine.connect() as conn:
        records = audit_log.records_for(conn, "distribution_plan", str(plan["id"]))
        held = audit_log.records_for(conn, "hold", str(plan["hold_id"]))
    assert [r["action"] for r in records] == [
        "distribution_plan.issued",
        "distribution_plan.executed",
        "distribution_plan.requests_made",
    ]
    assert records[0]["actor"] == "enforcement"
    assert [r["action"] for r in held] == ["hold.placed", "hold.released"]


def test_other_roles_and_courts_may_not_issue(client, court, other_court, two_applicants):
    case, a, _b = two_applicants(10_000_00)
    body = {
        "method": "pro_rata",
        "claims": [{"party_id": a, "amount": "100.00"}],
        "document_reference": "x",
        "served_on": LONG_AGO.isoformat(),
    }
    path = f"/api/v1/cases/{case['id']}/distribution-plans"
    assert client.post(path, json=body, headers=court.headers("finance")).status_code == 403
    assert (
        client.post(path, json=body, headers=other_court.headers("enforcement")).status_code == 404
    )
    assert (
        client.get("/api/v1/distribution-plans/999", headers=court.headers("finance")).status_code
        == 404
    )


@pytest.mark.postgres
def test_two_executors_at_once_request_each_share_once(
    client, court, two_applicants, engine, settings
):
    plans = []
    for _ in range(3):
        case, a, b = two_applicants(10_000_00)
        claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
        plans.append(issue(client, court, case["id"], claims, fee_unpaid="0.00").get_json())
    start = threading.Barrier(2)

    def run():
        start.wait()
        return execute_due_plans(engine, settings)

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda _: run(), range(2)))
    assert sum(r["executed"] for r in reports) == 3
    with engine.connect() as conn:
        made = conn.execute(
            select(func.count())
            .select_from(disbursements)
            .where(disbursements.c.case_id.in_([p["case_id"] for p in plans]))
        ).scalar_one()
    assert made == 6


def test_the_cli_executes_due_plans(
    client, court, two_applicants, engine, database_url, monkeypatch
):
    from click.testing import CliRunner

    from api.cli import cli

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    case, a, _b = two_applicants(10_000_00)
    issue(client, court, case["id"], [{"party_id": a, "amount": "5000.00"}], fee_unpaid="0.00")
    result = CliRunner().invoke(cli, ["plans", "execute-due"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert '"executed": 1' in result.output
    assert requests_of(engine, case["id"]) == [(ACCOUNT_A, 500000)]


def test_a_share_above_the_applicants_entitlement_is_refused(client, court, funded_case, engine):
    applicants = [{**APPLICANTS[0], "amount_due": "3000.00"}, {**APPLICANTS[1]}]
    case = funded_case(10_000_00, applicants=applicants, amount_due="90000.00")
    with engine.connect() as conn:
        a = next(p["id"] for p in registry.parties_of(conn, case["id"]) if p["role"] == "applicant")
    response = issue(
        client, court, case["id"], [{"party_id": a, "amount": "5000.00"}], fee_unpaid="0.00"
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "exceeds_entitlement"
    assert balance(client, court, case["id"])["held"] == "0.00"


@pytest.mark.postgres
def test_two_plans_issued_at_once_hold_the_money_once(app, court, two_applicants, engine):
    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    start = threading.Barrier(2)

    def run():
        start.wait()
        with app.test_client() as c:
            return issue(c, court, case["id"], claims, fee_unpaid="0.00").status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(pool.map(lambda _: run(), range(2)))
    assert answers == [201, 409]
    with app.test_client() as c:
        money = balance(c, court, case["id"])
    assert (money["held"], money["available"]) == ("10000.00", "0.00")


def test_the_draft_names_the_applicants_and_what_may_be_shared(client, court, funded_case):
    applicants = [{**APPLICANTS[0], "amount_due": "3000.00", "order": 1}, APPLICANTS[1]]
    case = funded_case(10_000_00, applicants=applicants, amount_due="90000.00")
    response = client.get(
        f"/api/v1/cases/{case['id']}/distribution-plans/draft", headers=court.headers("finance")
    )
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()
    assert (draft["available"], draft["fee_unpaid"], draft["distributable"]) == (
        "10000.00",
        "50.00",
        "9950.00",
    )
    assert draft["objection_days"] == 15
    assert [(a["name"], a["claim"], a["payee_account_number"]) for a in draft["applicants"]] == [
        ("北京华信商贸有限公司", "3000.00", ACCOUNT_A),
        ("李明", None, ACCOUNT_B),
    ]
    claims = [{"party_id": draft["applicants"][0]["party_id"], "amount": "3000.00"}]
    assert issue(client, court, case["id"], claims).status_code == 201


def test_an_execution_stopped_before_its_requests_is_resumed_once(
    client, court, two_applicants, engine, settings, monkeypatch
):
    from reconcile.services import distribution_plans, holds

    case, a, b = two_applicants(10_000_00)
    claims = [{"party_id": a, "amount": "5000.00"}, {"party_id": b, "amount": "5000.00"}]
    issue(client, court, case["id"], claims, fee_unpaid="0.00")

    def crash(*args, **kwargs):
        raise RuntimeError("the process died")

    with monkeypatch.context() as patched:
        patched.setattr(holds, "release_hold", crash)
        report = execute_due_plans(engine, settings)  # logged; the job goes on
    assert (report["executed"], report["requests"]) == (1, 0)
    assert requests_of(engine, case["id"]) == []
    assert balance(client, court, case["id"])["held"] == "10000.00"
    # not yet stalled: an execution may be running
    assert execute_due_plans(engine, settings)["resumed"] == 0
    monkeypatch.setattr(distribution_plans, "STALLED_AFTER", timedelta(0))
    report = execute_due_plans(engine, settings)
    assert (report["executed"], report["resumed"], report["requests"]) == (0, 1, 2)
    assert execute_due_plans(engine, settings)["resumed"] == 0
    assert len(requests_of(engine, case["id"])) == 2
    assert balance(client, court, case["id"])["held"] == "0.00"


def test_a_claim_without_an_order_takes_the_applicants_registered_one(
    client, court, funded_case, engine
):
    applicants = [{**APPLICANTS[0], "order": 2}, {**APPLICANTS[1], "order": 1}]
    case = funded_case(5_000_00, applicants=applicants, amount_due="90000.00")
    with engine.connect() as conn:
        a, b = (p["id"] for p in registry.parties_of(conn, case["id"]) if p["role"] == "applicant")
    claims = [{"party_id": a, "amount": "4000.00"}, {"party_id": b, "amount": "3000.00"}]
    plan = issue(client, court, case["id"], claims, method="order", fee_unpaid="0.00")
    assert plan.status_code == 201, plan.get_json()
    shares = {s["party_id"]: (s["order"], s["share"]) for s in plan.get_json()["shares"]}
    assert shares == {b: (1, "3000.00"), a: (2, "2000.00")}
