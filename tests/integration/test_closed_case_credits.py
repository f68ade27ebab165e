"""Money for a closed case follows its closure type: a case closed as 终结本次执行 takes it,
with a `resume_needed` alert; a case closed for good (执行完毕 and every other final type)
does not: the credit stays an orphan that names the case and proposes refund to the payer,
and staff may not assign money to it (409 `case_closed`). The preview says the same."""

import pytest

from tests.integration.staff_pages import sign_in, staff
from tests.integration.statement_files import Row, csv_statement, upload

__all__ = ["staff"]


def close(client, court, case: dict, closure_type: str) -> None:
    response = client.patch(
        f"/api/v1/cases/{case['id']}",
        json={"status": "closed", "closure_type": closure_type},
        headers=court.headers("enforcement"),
    )
    assert response.status_code == 200, response.get_json()


def alerts(client, court, kind: str) -> list[dict]:
    response = client.get(
        "/api/v1/alerts", query_string={"kind": kind}, headers=court.headers("desk")
    )
    return response.get_json()["items"]


def orphans(client, court) -> list[dict]:
    response = client.get(
        "/api/v1/transactions",
        query_string={"status": "orphan"},
        headers=court.headers("finance"),
    )
    return response.get_json()["items"]


def received(client, court, case: dict) -> str:
    response = client.get(f"/api/v1/cases/{case['id']}", headers=court.headers("finance"))
    return response.get_json()["balance"]["received"]


def post(client, court, path: str, body: dict):
    return client.post(f"/api/v1{path}", json=body, headers=court.headers("finance"))


@pytest.fixture
def closed(client, court, register_case):
    """One case closed as 终结本次执行, one as 执行完毕."""
    resumable, completed = register_case(), register_case()
    close(client, court, resumable, "terminated_this_round")
    close(client, court, completed, "completed")
    return resumable, completed


PAYER = ("张伟", "6222020200112233445")  #: the respondent of conftest's case_body


def credits_for(resumable: dict, completed: dict) -> bytes:
    return csv_statement(
        [
            Row("2026-11-20", "800.00", *PAYER, "", resumable["sub_account_number"], "R1"),
            Row("2026-11-23", "600.00", *PAYER, "", completed["sub_account_number"], "R2"),
        ]
    )


def test_a_credit_for_a_case_terminated_this_round_is_placed_with_a_resume_alert(
    client, court, closed
):
    resumable, completed = closed
    report = upload(client, court, credits_for(resumable, completed)).get_json()
    assert (report["credits_matched"], report["orphans"]) == (1, 1)
    assert received(client, court, resumable) == "800.00"
    [alert] = alerts(client, court, "resume_needed")
    assert (alert["case_id"], alert["severity"]) == (resumable["id"], "warning")
    assert "800.00" in alert["detail"] and "2026-11-20" in alert["detail"]
    case = client.get(f"/api/v1/cases/{resumable['id']}", headers=court.headers("finance"))
    assert case.get_json()["status"] == "closed"  # resuming (执恢) is the court's decision


def test_a_credit_for_a_completed_case_stays_an_orphan_proposing_refund_to_the_payer(
    client, court, closed
):
    resumable, completed = closed
    upload(client, court, credits_for(resumable, completed))
    assert received(client, court, completed) == "0.00"
    [orphan] = orphans(client, court)
    assert (orphan["amount"], orphan["orphan_reason"]) == ("600.00", "closed_case")
    first = orphan["suggestions"][0]
    assert (first["case_id"], first["action"]) == (completed["id"], "refund_to_payer")
    [alert] = alerts(client, court, "closed_case_credit")
    assert alert["case_id"] == completed["id"]
    assert alerts(client, court, "resume_needed")[0]["case_id"] == resumable["id"]


@pytest.mark.parametrize("closure_type", ["terminated", "withdrawn", "not_enforced", "rejected"])
def test_every_other_final_closure_type_keeps_the_credit_off_the_case(
    client, court, register_case, closure_type
):
    case = register_case()
    close(client, court, case, closure_type)
    row = Row("2026-11-20", "70.00", *PAYER, "", case["sub_account_number"])
    report = upload(client, court, csv_statement([row])).get_json()
    assert (report["credits_matched"], report["orphans"]) == (0, 1)
    assert received(client, court, case) == "0.00"
    assert alerts(client, court, "resume_needed") == []


def test_the_preview_shows_the_same_outcomes_and_stores_nothing(client, court, closed):
    resumable, completed = closed
    preview = upload(
        client, court, credits_for(resumable, completed), extra_form={"dry_run": "true"}
    ).get_json()
    outcomes = [(x["outcome"], x["case_id"], x["reason"]) for x in preview["lines"]]
    assert outcomes == [
        ("matched", resumable["id"], "resume_needed"),
        ("orphan", None, "closed_case"),
    ]
    assert alerts(client, court, "resume_needed") == []
    assert received(client, court, resumable) == "0.00"


def test_assigning_to_a_completed_case_is_refused_and_to_a_resumable_one_alerted(
    client, court, closed
):
    resumable, completed = closed
    rows = [
        Row("2026-11-24", "100.00", "某人", "6222999900001111", "货款", "", "U1"),
        Row("2026-11-24", "200.00", "某人", "6222999900001112", "货款", "", "U2"),
    ]
    upload(client, court, csv_statement(rows))
    first, second = orphans(client, court)
    refused = post(
        client, court, f"/transactions/{first['id']}/assign",
        {"case_id": completed["id"], "reason": "认领"},
    )  # fmt: skip
    assert (refused.status_code, refused.get_json()["code"]) == (409, "case_closed")
    assert refused.get_json()["closure_type"] == "completed"
    split = post(
        client, court, f"/transactions/{first['id']}/split",
        {"parts": [{"case_id": completed["id"], "amount": "10.00"}], "reason": "拆分"},
    )  # fmt: skip
    assert (split.status_code, split.get_json()["code"]) == (409, "case_closed")
    bulk = post(
        client, court, "/transactions/assign-bulk",
        {"items": [{"transaction_id": second["id"], "case_id": completed["id"]}], "reason": "批量"},
    )  # fmt: skip
    assert (bulk.status_code, bulk.get_json()["refusal"]) == (422, "case_closed")
    assert received(client, court, completed) == "0.00"

    assigned = post(
        client, court, f"/transactions/{first['id']}/assign",
        {"case_id": resumable["id"], "reason": "被执行人来款"},
    )  # fmt: skip
    assert assigned.status_code == 200, assigned.get_json()
    assert received(client, court, resumable) == "100.00"
    [alert] = alerts(client, court, "resume_needed")
    assert (alert["case_id"], alert["transaction_id"]) == (resumable["id"], first["id"])


def test_a_closed_cases_page_shows_the_credit_and_the_resume_alert(client, court, closed, staff):
    resumable, completed = closed
    upload(client, court, credits_for(resumable, completed))
    sign_in(client, staff("finance", "财务乙"))
    page = client.get(f"/cases/{resumable['id']}").get_data(as_text=True)
    assert 'data-testid="closed-case-credit"' in page
    assert "本案已结案（终结本次执行程序）后仍有来款" in page
    assert 'data-testid="money-alert-resume_needed"' in page
    assert "可能需要恢复执行（执恢）" in page
    page = client.get(f"/cases/{completed['id']}").get_data(as_text=True)
    assert 'data-testid="money-alert-closed_case_credit"' in page
