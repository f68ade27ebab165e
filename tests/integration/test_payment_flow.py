"""Paying out as the court does (#21): levels by position and in order, then finance's
review, which approves the payment or returns it to the requester, who may ask again."""

from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, LEADER, approve, request, review
from tests.integration.payments import balance

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


def test_a_payment_of_100000_needs_the_director_then_the_leader(client, court, staff, funded):
    case = funded(200_000_00)
    made = request(client, case["id"], "100000.00", staff.judge).get_json()
    assert (made["levels_required"], made["level_positions"]) == (2, [DIRECTOR, LEADER])
    first = approve(client, made["id"], staff.director).get_json()
    assert (first["status"], first["approvals_count"]) == ("requested", 1)
    second = approve(client, made["id"], staff.leader).get_json()
    assert second["status"] == "in_review"
    assert [
        (a["level"], a["approver_name"], a["approver_position"]) for a in second["approvals"]
    ] == [
        (1, "执行局长 周强", DIRECTOR),
        (2, "副院长 李华", LEADER),
    ]
    assert balance(client, court, case["id"])["pending"] == "100000.00"  # until finance decides


def test_one_fen_less_needs_the_director_only(client, staff, funded):
    case = funded(200_000_00)
    made = request(client, case["id"], "99999.99", staff.judge).get_json()
    assert (made["levels_required"], made["level_positions"]) == (1, [DIRECTOR])
    assert approve(client, made["id"], staff.director).get_json()["status"] == "in_review"


def test_an_approval_out_of_order_or_by_the_wrong_position_is_refused_naming_the_level(
    client, staff, funded
):
    case = funded(200_000_00)
    made = request(client, case["id"], "100000.00", staff.judge).get_json()
    early = approve(client, made["id"], staff.leader)
    assert early.status_code == 403
    problem = early.get_json()
    assert (problem["code"], problem["level"], problem["position"]) == (
        "wrong_position",
        1,
        DIRECTOR,
    )
    assert problem["your_position"] == LEADER
    assert approve(client, made["id"], staff.unplaced_approver).get_json()["code"] == (
        "wrong_position"
    )
    assert approve(client, made["id"], staff.director).status_code == 200
    again = approve(client, made["id"], staff.other_director)  # a director at level 2
    assert (again.status_code, again.get_json()["position"]) == (403, LEADER)
    rejected = client.post(
        f"/api/v1/disbursements/{made['id']}/reject", json={"note": "x"}, headers=staff.director
    )
    assert rejected.status_code in (403, 409)  # level 2 is the leader's to decide
    assert (
        client.get(f"/api/v1/disbursements/{made['id']}", headers=staff.judge).get_json()[
            "approvals_count"
        ]
        == 1
    )


def test_finance_approves_after_the_last_level_and_the_money_is_approved_unpaid(
    client, court, staff, funded
):
    case = funded(50_000_00)
    made = request(client, case["id"], "20000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    assert review(client, made["id"], staff.director).status_code == 403  # an approver's role
    answer = review(client, made["id"], staff.finance, note="复核无误")
    reviewed = answer.get_json()
    assert answer.status_code == 200, reviewed
    assert (reviewed["status"], reviewed["reviewed_by"], reviewed["review_note"]) == (
        "approved",
        "财务 王静",
        "复核无误",
    )
    assert reviewed["reference"] == f"AK{made['id']:010d}"
    money = balance(client, court, case["id"])
    assert (money["pending"], money["approved_unpaid"]) == ("0.00", "20000.00")
    twice = review(client, made["id"], staff.other_finance)
    assert (twice.status_code, twice.get_json()["code"]) == (409, "illegal_transition")


def test_finance_reviews_only_after_the_last_level(client, staff, funded):
    case = funded(200_000_00)
    made = request(client, case["id"], "100000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    early = review(client, made["id"], staff.finance)
    assert (early.status_code, early.get_json()["code"]) == (409, "illegal_transition")


def test_finance_returns_with_a_reason_and_the_requester_resubmits_once(
    client, court, staff, funded
):
    case = funded(50_000_00)
    made = request(client, case["id"], "20000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    no_reason = review(client, made["id"], staff.finance, decision="return")
    assert (no_reason.status_code, no_reason.get_json()["code"]) == (422, "validation_error")
    returned = review(
        client, made["id"], staff.finance, "return", "收款人户名与判决书不符"
    ).get_json()
    assert (returned["status"], returned["review_note"]) == ("returned", "收款人户名与判决书不符")
    assert balance(client, court, case["id"])["available"] == "50000.00"
    url = f"/api/v1/disbursements/{made['id']}/resubmit"
    assert client.post(url, json={}, headers=staff.other_judge).status_code == 403
    again = client.post(url, json={"note": "已核对户名"}, headers=staff.judge)
    assert again.status_code == 201, again.get_json()
    fresh = again.get_json()
    assert (fresh["status"], fresh["resubmission_of"], fresh["amount"], fresh["note"]) == (
        "requested",
        made["id"],
        "20000.00",
        "已核对户名",
    )
    assert fresh["id"] != made["id"] and fresh["approvals"] == []
    assert client.post(url, json={}, headers=staff.judge).status_code == 409
    approve(client, fresh["id"], staff.director)
    assert review(client, fresh["id"], staff.finance).get_json()["status"] == "approved"


def test_only_a_returned_payment_is_resubmitted(client, staff, funded):
    case = funded(50_000_00)
    made = request(client, case["id"], "20000.00", staff.judge).get_json()
    answer = client.post(
        f"/api/v1/disbursements/{made['id']}/resubmit", json={}, headers=staff.judge
    )
    assert (answer.status_code, answer.get_json()["code"]) == (409, "illegal_transition")


def test_the_requester_and_the_approvers_never_review_per_person(
    client, court, staff, funded, uow, admin, settings
):
    from reconcile.services import tokens

    finance_token_of_the_director = tokens.create_token(
        uow(),
        admin,
        role="finance",
        courts=[court.code],
        name="周强 finance",
        person="执行局长 周强",
    )
    case = funded(50_000_00)
    made = request(client, case["id"], "20000.00", staff.judge).get_json()
    approve(client, made["id"], staff.director)
    same_person = review(
        client, made["id"], {"Authorization": f"Bearer {finance_token_of_the_director}"}
    )
    assert (same_person.status_code, same_person.get_json()["code"]) == (403, "forbidden")


def test_the_position_must_be_one_of_the_courts(uow, admin, court, settings):
    import pytest

    from reconcile.errors import ValidationFailed
    from reconcile.services import tokens

    with pytest.raises(ValidationFailed, match="not a position"):
        tokens.create_token(
            uow(),
            admin,
            role="approver",
            courts=[court.code],
            name="x",
            position="院长助理",
            settings=settings,
        )


def test_a_person_holds_one_position(uow, admin, court, settings):
    import pytest

    from reconcile.errors import ValidationFailed
    from reconcile.services import tokens

    tokens.create_token(
        uow(),
        admin,
        role="approver",
        courts=[court.code],
        name="a",
        person="钱七",
        position=DIRECTOR,
        settings=settings,
    )
    with pytest.raises(ValidationFailed, match="holds the position"):
        tokens.create_token(
            uow(),
            admin,
            role="approver",
            courts=[court.code],
            name="b",
            person="钱七",
            position=LEADER,
            settings=settings,
        )


def test_the_cli_gives_tokens_and_staff_users_a_position(database_url, court, monkeypatch):
    from click.testing import CliRunner

    from api.cli import cli

    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    monkeypatch.setenv("RECONCILE_PASSWORD", "correct horse battery")
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["tokens", "create", "--role", "approver", "--court", court.code, "--name", "周",
         "--person", "周强", "--position", DIRECTOR],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    user = runner.invoke(
        cli,
        ["users", "create", "--username", "zhouqiang", "--role", "approver", "--court",
         court.code, "--person", "周强", "--position", DIRECTOR],
    )  # fmt: skip
    assert user.exit_code == 0 and DIRECTOR in user.output, user.output
    listed = runner.invoke(cli, ["tokens", "list"])
    assert any("周强" in line and DIRECTOR in line for line in listed.output.splitlines())
    wrong = runner.invoke(
        cli,
        ["tokens", "create", "--role", "approver", "--court", court.code, "--position", "院长助理"],
    )
    assert wrong.exit_code != 0 and "not a position" in str(wrong.exception)  # main() prints it
