"""POST /api/v1/disbursements/bulk-approve: the approvals page's 批量同意 in the API (#20),
through the same use case: each request approved at its next level with one note and
audited, or — when one is refused — none, the refused one named."""

from __future__ import annotations

from reconcile.db import audit_log
from tests.integration import court_flow
from tests.integration.court_flow import approve, request

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded

URL = "/api/v1/disbursements/bulk-approve"


def test_bulk_approval_approves_each_with_the_note_and_audits_each(client, staff, funded, engine):
    case = funded(100_000_00)
    made = [request(client, case["id"], a, staff.judge).get_json() for a in ("100.00", "250.50")]
    ids = [m["id"] for m in made]
    answer = client.post(URL, json={"ids": ids, "note": "同意发放"}, headers=staff.director)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["count"], body["amount"]) == (2, "350.50")
    assert [d["id"] for d in body["items"]] == ids
    for d in body["items"]:
        assert d["approvals_count"] == 1
        assert [(a["decision"], a["note"]) for a in d["approvals"]] == [("approve", "同意发放")]
    with engine.connect() as conn:
        for i in ids:
            actions = [r["action"] for r in audit_log.records_for(conn, "disbursement", str(i))]
            assert any(a.startswith("disbursement.approved") for a in actions), actions


def test_one_refused_approves_none_and_is_named(client, staff, funded):
    case = funded(100_000_00)
    fresh = request(client, case["id"], "100.00", staff.judge).get_json()
    decided = request(client, case["id"], "200.00", staff.judge).get_json()
    assert approve(client, decided["id"], staff.director).status_code == 200
    answer = client.post(
        URL, json={"ids": [fresh["id"], decided["id"]]}, headers=staff.other_director
    )
    assert answer.status_code == 422
    problem = answer.get_json()
    assert problem["code"] == "validation_error"
    assert problem["disbursement_id"] == decided["id"]
    still = client.get(f"/api/v1/disbursements/{fresh['id']}", headers=staff.director).get_json()
    assert (still["status"], still["approvals_count"]) == ("requested", 0)


def test_only_an_approver_may_and_the_list_is_bounded(client, staff, funded):
    case = funded(100_000_00)
    made = request(client, case["id"], "100.00", staff.judge).get_json()
    refused = client.post(URL, json={"ids": [made["id"]]}, headers=staff.judge)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "forbidden")
    for ids in ([], list(range(1, 202))):
        answer = client.post(URL, json={"ids": ids}, headers=staff.director)
        assert (answer.status_code, answer.get_json()["code"]) == (422, "validation_error")
