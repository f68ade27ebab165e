"""Maker ≠ checker per person (#13.6): a token and a staff sign-in of one person are one.

The attack: an admin's API token requests a payment and the same admin's staff sign-in
approves it. Approvals compare people, not credentials; credentials created without a
person, and those from before people existed, are each their own person, as before.
"""

from __future__ import annotations

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import cli
from reconcile.actors import Actor
from reconcile.db import migrate
from reconcile.db.tables import api_tokens
from reconcile.db.tables_users import people as people_table
from reconcile.db.tables_users import users as users_table
from reconcile.errors import Conflict, Forbidden, ValidationFailed
from reconcile.services import disbursements, tokens, users
from tests.integration import payments
from tests.integration.payments import PAYEE
from tests.integration.staff_pages import PASSWORD, post_form, sign_in
from tests.integration.statement_files import Row, csv_statement, upload

funded_case = payments.funded_case

ZHANG = "张三"
LI = "李四"


@pytest.fixture
def token_of(uow, admin, court):
    """Return a factory of bearer headers: token_of(role, person=None, name=None)."""

    def make(role: str, person: str | None = None, name: str | None = None) -> dict:
        token = tokens.create_token(
            uow(), admin, role=role, courts=[court.code], name=name or role, person=person
        )
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def staff_of(uow, admin, court):
    """Return a factory of staff users: staff_of(role, username, person=None) -> user view."""

    def make(role: str, username: str, person: str | None = None) -> dict:
        return users.create_user(
            uow(),
            admin,
            username=username,
            password=PASSWORD,
            role=role,
            courts=[court.code],
            person=person,
        )

    return make


def request_payment(client, case_id: int, headers: dict, amount: str = "100.00") -> dict:
    response = client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": PAYEE, "note": "发放案款"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def decide(client, disbursement_id: int, headers: dict, verb: str = "approve"):
    return client.post(f"/api/v1/disbursements/{disbursement_id}/{verb}", json={}, headers=headers)


def status_of(client, disbursement_id: int, headers: dict) -> dict:
    return client.get(f"/api/v1/disbursements/{disbursement_id}", headers=headers).get_json()


def approve_on_the_page(app, username: str, disbursement_id: int) -> str:
    """Sign `username` in, approve on the approvals page, return the page it lands on."""
    browser = app.test_client()
    assert sign_in(browser, username).status_code == 302
    done = post_form(browser, "/approvals", f"/approvals/{disbursement_id}/approve", note="")
    assert done.status_code == 302
    return browser.get(done.headers["Location"]).get_data(as_text=True)


# --- the attack: one person, two credentials ---------------------------------------------


def test_an_admin_token_requests_and_the_same_persons_staff_sign_in_cannot_approve(
    client, app, court, funded_case, token_of, staff_of
):
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], token_of("admin", ZHANG, "张三的令牌"))
    staff_of("admin", "zhangsan", ZHANG)
    page = approve_on_the_page(app, "zhangsan", made["id"])
    assert "无权操作" in page and "本人提出的申请" in page
    after = status_of(client, made["id"], court.headers("finance"))
    assert (after["status"], after["approvals"]) == ("requested", [])


def test_the_same_persons_staff_sign_in_is_refused_with_the_self_approval_code(
    uow, court, funded_case, client, token_of, staff_of
):
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], token_of("admin", ZHANG))
    user = staff_of("approver", "zhangsan", ZHANG)
    actor = users.staff_actor(uow(), user["id"])
    assert actor.person == ZHANG
    with pytest.raises(Forbidden) as refused:
        disbursements.approve_disbursement(uow(), actor, made["id"])
    assert refused.value.code == "forbidden"
    with pytest.raises(Forbidden):
        disbursements.reject_disbursement(uow(), actor, made["id"])


def test_another_token_of_the_same_person_is_refused_through_the_api(
    client, court, funded_case, token_of
):
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], token_of("admin", ZHANG))
    own_approver_token = token_of("approver", ZHANG, "张三审批")
    for verb in ("approve", "reject"):
        refused = decide(client, made["id"], own_approver_token, verb)
        assert refused.status_code == 403
        assert refused.get_json()["code"] == "forbidden"
    assert status_of(client, made["id"], court.headers("finance"))["status"] == "requested"


def test_a_staff_request_cannot_be_approved_by_the_same_persons_token(
    client, court, funded_case, token_of, staff_of, uow, settings
):
    case = funded_case(50_000_00)
    user = staff_of("admin", "zhangsan", ZHANG)
    actor = users.staff_actor(uow(), user["id"])
    made = disbursements.request_disbursement(
        uow(), actor, case["id"], amount=100_00, payee_account_number=PAYEE, settings=settings
    )
    refused = decide(client, made["id"], token_of("approver", ZHANG))
    assert (refused.status_code, refused.get_json()["code"]) == (403, "forbidden")
    assert decide(client, made["id"], token_of("approver", LI)).status_code == 200


def test_one_person_is_not_two_approvers_at_two_levels(
    client, court, funded_case, token_of, staff_of, uow
):
    case = funded_case(200_000_00)
    made = request_payment(client, case["id"], court.headers("enforcement"), "100000.01")
    assert made["levels_required"] == 2
    first = decide(client, made["id"], token_of("approver", ZHANG))
    assert first.get_json()["approvals_count"] == 1
    # the same person's other token, and their staff sign-in, are not a second approver
    twice = decide(client, made["id"], token_of("admin", ZHANG, "张三管理"))
    assert (twice.status_code, twice.get_json()["code"]) == (409, "conflict")
    user = staff_of("approver", "zhangsan", ZHANG)
    with pytest.raises(Conflict):
        disbursements.approve_disbursement(uow(), users.staff_actor(uow(), user["id"]), made["id"])
    second = decide(client, made["id"], token_of("approver", LI))
    assert second.get_json()["status"] == "approved"


def test_deferrals_and_statement_voids_compare_people_too(client, court, register_case, token_of):
    """Every kind of request goes through the one approval flow, so the one rule."""
    case = register_case()
    deferral = client.post(
        f"/api/v1/cases/{case['id']}/deferrals",
        json={
            "ground": "执行异议",
            "document_reference": "（2026）执异2号",
            "review_on": "2099-12-31",
        },
        headers=token_of("admin", ZHANG),
    ).get_json()
    data = csv_statement([Row("2026-11-02", "200.00", "某某公司", "123456", "货款", reference="T")])
    statement = upload(client, court, data).get_json()
    void = client.post(
        f"/api/v1/statements/{statement['id']}/void",
        json={"reason": "误选专户"},
        headers=token_of("finance", ZHANG, "张三财务"),
    ).get_json()
    own, other = token_of("approver", ZHANG, "张三审批"), token_of("approver", LI)
    for path in (f"/api/v1/deferrals/{deferral['id']}", f"/api/v1/statement-voids/{void['id']}"):
        refused = client.post(f"{path}/approve", json={}, headers=own)
        assert (refused.status_code, refused.get_json()["code"]) == (403, "forbidden")
        assert client.post(f"{path}/approve", json={}, headers=other).status_code == 200


# --- different people may -----------------------------------------------------------------


def test_a_different_persons_staff_sign_in_approves(
    client, app, court, funded_case, token_of, staff_of
):
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], token_of("admin", ZHANG))
    staff_of("approver", "lisi", LI)
    page = approve_on_the_page(app, "lisi", made["id"])
    assert "无权操作" not in page
    assert status_of(client, made["id"], court.headers("finance"))["status"] == "approved"


def test_a_hand_built_actor_cannot_claim_another_person(
    client, court, funded_case, token_of, uow, engine
):
    """The rule asks the database whose a credential is, not what an Actor says."""
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], token_of("admin", ZHANG))
    with engine.connect() as conn:
        token_id = conn.execute(select(api_tokens.c.id).order_by(api_tokens.c.id.desc())).first()
    impostor = Actor(
        name="x", role="approver", courts=frozenset({court.code}), id=f"token:{token_id[0]}"
    )
    object.__setattr__(impostor, "person", LI)
    with pytest.raises(Forbidden):
        disbursements.approve_disbursement(uow(), impostor, made["id"])


# --- credentials without a person, and those from before ----------------------------------


def test_credentials_without_a_person_are_each_their_own_person(
    client, court, funded_case, token_of, staff_of, uow
):
    case = funded_case(50_000_00)
    made = request_payment(client, case["id"], court.headers("admin"))
    assert decide(client, made["id"], court.headers("admin")).status_code == 403
    user = staff_of("approver", "wang")
    assert user["person"] == f"user:{user['id']}"
    approved = disbursements.approve_disbursement(
        uow(), users.staff_actor(uow(), user["id"]), made["id"]
    )
    assert approved["status"] == "approved"


def test_the_migration_makes_every_earlier_credential_its_own_person(
    client, app, court, funded_case, engine, staff_of
):
    case = funded_case(50_000_00)
    staff_of("approver", "wang")
    made = request_payment(client, case["id"], court.headers("admin"))
    with engine.connect() as conn:
        config = migrate.alembic_config(conn)
        try:
            command.downgrade(config, "0010")
            conn.commit()
        finally:
            command.upgrade(config, "heads")
            conn.commit()
        names = set(conn.execute(select(people_table.c.name)).scalars())
        tokens_ = conn.execute(select(api_tokens.c.id, api_tokens.c.person_id)).all()
        user_ids = set(conn.execute(select(users_table.c.id)).scalars())
    assert names == {f"token:{t.id}" for t in tokens_} | {f"user:{u}" for u in user_ids}
    app.extensions["token_cache"].clear()
    # as before: the requester's token may not, another token and the staff user may
    assert decide(client, made["id"], court.headers("admin")).status_code == 403
    page = approve_on_the_page(app, "wang", made["id"])
    assert "无权操作" not in page
    assert status_of(client, made["id"], court.headers("finance"))["status"] == "approved"


# --- the command line and the pages -------------------------------------------------------


def test_the_cli_attaches_tokens_and_users_to_a_person_and_lists_it(
    court, database_url, monkeypatch, engine
):
    monkeypatch.setenv("RECONCILE_DATABASE_URL", database_url)
    monkeypatch.setenv("RECONCILE_PASSWORD", PASSWORD)
    runner = CliRunner()
    made = runner.invoke(
        cli, ["tokens", "create", "--role", "admin", "--court", court.code, "--person", ZHANG]
    )
    assert made.exit_code == 0, made.output
    account = ["--username", "zhangsan", "--role", "approver", "--court", court.code]
    user = runner.invoke(cli, ["users", "create", *account, "--person", ZHANG])
    assert user.exit_code == 0, user.output
    assert f"for person {ZHANG}" in user.output and "(new)" not in user.output
    listed = runner.invoke(cli, ["tokens", "list"]).output.splitlines()
    assert sum(ZHANG in line for line in listed) == 1
    assert all("token:" in line for line in listed if ZHANG not in line)
    with engine.connect() as conn:
        assert conn.execute(select(people_table.c.id).where(people_table.c.name == ZHANG)).one()
    refused = runner.invoke(
        cli, ["tokens", "create", "--role", "admin", "--court", court.code, "--person", "token:1"]
    )
    assert refused.exit_code != 0


@pytest.mark.parametrize("name", ["", "  ", "token:1", "a\nb", "x" * 201])
def test_a_persons_name_has_no_colon_and_is_not_empty(uow, admin, court, name):
    with pytest.raises(ValidationFailed):
        tokens.create_token(uow(), admin, role="admin", courts=[court.code], name="t", person=name)


def test_the_pages_show_the_signed_in_person(client, staff_of):
    staff_of("approver", "zhangsan", ZHANG)
    sign_in(client, "zhangsan")
    page = client.get("/").get_data(as_text=True)
    assert f'data-testid="signed-in-person">{ZHANG}<' in page
