"""The notice prints the collection account's name as the bank registered it."""

from __future__ import annotations

from click.testing import CliRunner

from api.cli import cli
from reconcile.db import registry
from reconcile.services import courts, tokens
from tests.integration.conftest import case_body


def instructions(client, headers, case_id):
    return client.get(f"/api/v1/cases/{case_id}/payment-instructions", headers=headers).get_json()


def test_a_registered_name_is_printed_and_otherwise_the_usual_form(client, court, uow, admin):
    courts.add_court(uow(), admin, "京0108", "北京市海淀区人民法院")
    courts.add_collection_account(
        uow(),
        admin,
        court="京0108",
        number="0200004509014407777",
        bank="中国工商银行北京海淀支行",
        sub_account_prefix="8808",
        account_name="北京市海淀区人民法院（执行款）",
    )
    token = tokens.create_token(uow(), admin, role="enforcement", courts=["京0108"], name="海淀")
    headers = {"Authorization": f"Bearer {token}"}
    named = client.post("/api/v1/cases", json=case_body("京0108"), headers=headers).get_json()
    shown = instructions(client, headers, named["id"])
    assert shown["account_name"] == "北京市海淀区人民法院（执行款）"
    assert "收款户名：北京市海淀区人民法院（执行款）\n" in shown["text"]

    usual = client.post(
        "/api/v1/cases", json=case_body(court.code), headers=court.headers("enforcement")
    ).get_json()
    plain = instructions(client, court.headers("enforcement"), usual["id"])
    assert plain["account_name"] == "北京市朝阳区人民法院执行款专户"


def test_the_cli_takes_the_name(settings, engine, uow, admin):
    courts.add_court(uow(), admin, "京0106", "北京市丰台区人民法院")
    result = CliRunner().invoke(
        cli,
        [
            "accounts",
            "add",
            "--court",
            "京0106",
            "--number",
            "0200004509014408888",
            "--bank",
            "工行丰台支行",
            "--sub-account-prefix",
            "8806",
            "--name",
            "北京市丰台区人民法院执行款专户（代管）",
        ],
        obj=None,
        env={"RECONCILE_DATABASE_URL": str(engine.url.render_as_string(hide_password=False))},
    )
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        account = registry.account_by_number(conn, "0200004509014408888")
    assert account["account_name"] == "北京市丰台区人民法院执行款专户（代管）"
