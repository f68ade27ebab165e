"""The API against its own OpenAPI document, and other courts' data invisible everywhere.

Schemathesis reads /api/v1/openapi.json from the app (WSGI, no server) and sends each
operation generated requests with a valid token of a random role; half of them address
the real resources of a small world (a funded case, a hold, payments, orphans, alerts,
a deferral, a payee-account change). No answer may be a 5xx, and every answer must match
the documented schema. Quick profile: 20 examples per operation; `RECONCILE_LONG_PROOF=1`:
300.

Then every operation of the document with a path id, called with this court's admin token
on the other court's resource (and a valid body), must answer 404: not 403, not 200.
"""

from __future__ import annotations

import io
import re

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, note, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from reconcile.db import registry
from tests.integration import payments
from tests.integration.conftest import ROLES, case_body
from tests.integration.conftest_proof import LONG, profile
from tests.integration.money import credit_case
from tests.integration.payments import PAYEE
from tests.integration.statement_files import Row, csv_statement

people = payments.people


def build_world(client, court, engine, approver_headers) -> dict:
    """Make one resource of every kind in `court`; return their ids by path parameter."""
    enforcement = court.headers("enforcement")
    case = client.post("/api/v1/cases", json=case_body(court.code), headers=enforcement)
    case = case.get_json()
    credit_case(engine, case["id"], 100_000_00)
    hold = client.post(
        f"/api/v1/cases/{case['id']}/holds",
        json={"amount": "10.00", "reason": "执行异议", "document_reference": "（2026）执异1号"},
        headers=enforcement,
    ).get_json()
    payment = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "100.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=enforcement,
    ).get_json()
    statement = csv_statement(
        [
            Row("2026-11-02", "50.00", "丁", "6222000000000004", "货款", "", f"{court.code}-1"),
            Row("2026-11-03", "-5.00", "某人", "6222888877776666", "转账", "", f"{court.code}-2"),
        ]
    )
    report = client.post(
        "/api/v1/statements",
        data={"file": (io.BytesIO(statement), "s.csv"), "account": court.account},
        content_type="multipart/form-data",
        headers=court.headers("finance"),
    ).get_json()
    finance = court.headers("finance")
    [orphan] = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=finance
    ).get_json()["items"]
    alert = client.get("/api/v1/alerts", headers=court.headers("desk")).get_json()["items"][0]
    deferral = client.post(
        f"/api/v1/cases/{case['id']}/deferrals",
        json={
            "ground": "执行异议",
            "document_reference": "（2026）执异2号",
            "review_on": "2099-12-31",
        },
        headers=enforcement,
    ).get_json()
    change = client.post(
        f"/api/v1/cases/{case['id']}/payee-accounts",
        json={
            "applicant_name": "北京华信商贸有限公司",
            "account_number": "6222020200119999888",
            "document_reference": "（2026）执3号",
        },
        headers=enforcement,
    ).get_json()
    void = client.post(
        f"/api/v1/statements/{report['id']}/void", json={"reason": "导错了账户"}, headers=finance
    ).get_json()
    profile = client.post(
        "/api/v1/statement-profiles",
        json={
            "name": f"西班牙银行 {court.code}",
            "court": court.code,
            "detect": ["Fecha", "Importe"],
            "columns": {"booked_on": ["Fecha"], "amount": ["Importe"]},
        },
        headers=finance,
    ).get_json()
    with engine.connect() as conn:
        [applicant] = [p for p in registry.parties_of(conn, case["id"]) if p["role"] == "applicant"]
    plan = client.post(
        f"/api/v1/cases/{case['id']}/distribution-plans",
        json={
            **BODIES["distribution-plans"],
            "claims": [{"party_id": applicant["id"], "amount": "1000.00"}],
        },
        headers=enforcement,
    ).get_json()
    rule = client.post(
        "/api/v1/line-rules",
        json={"court": court.code, "name": "结息", "remark_text": "结息", "outcome": "interest"},
        headers=finance,
    ).get_json()
    exported = client.post(
        f"/api/v1/cases/{case['id']}/disbursements",
        json={"amount": "50.00", "payee_account_number": PAYEE, "note": "发放"},
        headers=enforcement,
    ).get_json()
    client.post(
        f"/api/v1/disbursements/{exported['id']}/approve",
        json={},
        headers=court.headers("approver"),
    )
    batch = client.get("/api/v1/disbursements/payment-file", headers=finance)
    assert batch.status_code == 200, batch.get_json()
    made = (hold, payment, deferral, change, void, profile, plan, rule)
    assert all(isinstance(x, dict) and "id" in x for x in made), made
    return {
        "case_id": case["id"],
        "hold_id": hold["id"],
        "disbursement_id": payment["id"],
        "statement_id": report["id"],
        "transaction_id": orphan["id"],
        "alert_id": alert["id"],
        "deferral_id": deferral["id"],
        "change_id": change["id"],
        "void_id": void["id"],
        "profile_id": profile["id"],
        "batch_id": int(batch.headers["X-Payment-Batch-Id"]),
        "plan_id": plan["id"],
        "rule_id": rule["id"],
    }


def body_for(path: str) -> dict | None:
    """Return a valid body for an operation, by its resource and action or its action alone."""
    resource, action = path.split("/")[3], path.rsplit("/", 1)[-1]
    return BODIES.get(f"{resource} {action}", BODIES.get(action))


@pytest.fixture
def world(client, court, engine, people):
    return build_world(client, court, engine, people("approver", "审批人"))


CHECKS = (not_a_server_error, response_schema_conformance, content_type_conformance)


def test_no_request_is_a_server_error_and_every_answer_is_as_documented(app, court, world):
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:

        @settings(
            max_examples=profile(20, 300),
            derandomize=not LONG,  # CI sees the same examples every run; long runs explore
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy(), role=st.sampled_from(ROLES), real=st.booleans())
        def answers_as_documented(case, role, real):
            note(operation.label)  # noqa: B023 - run before the loop moves on
            if real and case.path_parameters:
                ids = case.path_parameters.items()
                case.path_parameters = {k: world.get(k, v) for k, v in ids}
            case.headers = {**(case.headers or {}), **court.headers(role)}
            case.validate_response(case.call(), checks=CHECKS)

        answers_as_documented()


# ---- other courts' data is invisible ----

BODIES = {
    "assign": {"case_id": 0, "reason": "来电确认"},
    "unassign": {"reason": "分配错误"},
    "refund": {"reason": "退回"},
    "split": {"parts": [{"case_id": 1, "amount": "1.00"}], "reason": "分案"},
    "expected-receipts": {
        "source": "auction",
        "reference": "R1",
        "amount": "1.00",
        "expected_by": "2026-03-10",
    },
    "holds": {"amount": "1.00", "reason": "执行异议", "document_reference": "（2026）执异1号"},
    "release": {},
    "disbursements": {"amount": "1.00", "payee_account_number": PAYEE, "note": "发放"},
    "approve": {},
    "reject": {},
    "mark-paid": {"bank_reference": "B1"},
    "review": {"decision": "approve"},
    "resubmit": {},
    "acknowledge": {},
    "resolve": {"note": "已处理"},
    "void": {"reason": "导错了账户"},
    "end": {},
    "deferrals review": {"review_on": "2099-12-30", "note": "复查"},
    "deferrals": {
        "ground": "执行异议",
        "document_reference": "（2026）执异2号",
        "review_on": "2099-12-31",
    },
    "payee-accounts": {
        "applicant_name": "北京华信商贸有限公司",
        "account_number": "6222020200119999888",
        "document_reference": "（2026）执3号",
    },
    "{case_id}": {"status": "closed", "closure_type": "completed"},
    "distribution-plans": {
        "method": "pro_rata",
        "claims": [{"party_id": 1, "amount": "1.00"}],
        "document_reference": "（2026）京0105执分1号",
        "served_on": "2026-01-05",
        "fee_unpaid": "0.00",
    },
    "objections": {"party_id": 1, "reason": "异议", "document_reference": "异议书"},
    "withdraw": {},
    "execute": {},
}


def operations_with_ids(client) -> list[tuple[str, str]]:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    return [
        (method, path)
        for path, operations in paths.items()
        if "{" in path
        for method in operations
        if method in ("get", "post", "patch", "put", "delete")
    ]


def test_every_operation_on_another_courts_resource_answers_404(
    app, client, court, other_court, engine, people
):
    ours = build_world(client, court, engine, people("approver", "审批人"))
    theirs = build_world(client, other_court, engine, people("approver", "审批人2"))
    operations = operations_with_ids(client)
    assert len(operations) >= 25
    answers = {}
    for method, path in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: str(theirs[m.group(1)]), path)
        body = (body_for(path) or {}) if method != "get" else None
        if body and "case_id" in body:
            body = {**body, "case_id": ours["case_id"]}
        response = client.open(url, method=method, json=body, headers=court.headers("admin"))
        answers[f"{method.upper()} {path}"] = response.status_code
    assert {op: status for op, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("resource", ["transactions", "disbursements", "alerts"])
def test_a_query_id_beyond_any_database_id_is_refused_not_a_server_error(client, court, resource):
    response = client.get(
        f"/api/v1/{resource}", query_string={"case_id": 10**25}, headers=court.headers("admin")
    )
    assert (response.status_code, response.get_json()["code"]) == (422, "validation_error")


def test_an_assignment_to_a_case_id_beyond_any_database_id_is_refused(client, court, world):
    response = client.post(
        f"/api/v1/transactions/{world['transaction_id']}/assign",
        json={"case_id": 10**25, "reason": "来电确认"},
        headers=court.headers("finance"),
    )
    assert response.status_code == 422
