"""Issue #14: a layout the service cannot read is never a dead end. The API answers
422 `unknown_layout` with the rows and a guess per column; a statement profile saved for
the court (GET/POST /statement-profiles, PATCH /statement-profiles/{id}) reads the next
file of that layout without asking. And a file in another currency than its account's is
refused, never read as CNY."""

from __future__ import annotations

import io
import re
import tomllib

from sqlalchemy import func, select

from reconcile.db.tables import audit_records as audit_log
from reconcile.db.tables_statements import statement_profiles, upload_previews
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import upload

__all__ = ["staff"]

HEADER = "Fecha;Concepto;Importe;Saldo;Ordenante\n"


def spanish(rows: list[str]) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8")


FIRST = spanish(
    ["02/11/2026;Pago执行款;1.000,00;1.000,00;张伟", "15/11/2026;Comisión;-20,00;980,00;"]
)
SECOND = spanish(["03/12/2026;Pago;2.500,50;3.480,50;李强"])
DEFINITION = {
    "detect": ["Fecha", "Concepto", "Importe", "Saldo", "Ordenante"],
    "columns": {
        "booked_on": ["Fecha"],
        "amount": ["Importe"],
        "balance": ["Saldo"],
        "remark": ["Concepto"],
        "counterparty_name": ["Ordenante"],
    },
    "date_order": "dmy",
    "decimal_mark": ",",
    "inherit_columns": False,
}


def create(client, court, body: dict, role: str = "finance"):
    return client.post("/api/v1/statement-profiles", json=body, headers=court.headers(role))


def test_an_unknown_layout_answers_the_rows_and_a_guess_per_column(client, court):
    response = upload(client, court, FIRST, name="extracto.csv")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "unknown_layout"
    assert problem["rows"][0] == {"line": 1, "cells": HEADER.strip().split(";")}
    by_column = {g["column"]: g for g in problem["guess"]}
    assert by_column[0]["guess"] == "date" and by_column[2]["guess"] == "amount"
    assert "balance" in by_column[3]["header_names"]  # Saldo is a known name
    assert problem["layout"]["rows"] == problem["rows"]


def test_a_saved_profile_reads_the_next_file_of_its_layout(client, court, engine):
    response = create(client, court, {"name": "西班牙银行", "court": court.code, **DEFINITION})
    assert response.status_code == 201, response.get_json()
    profile = response.get_json()
    assert profile["created_by"] and profile["definition"]["columns"]["amount"] == ["Importe"]

    imported = upload(client, court, FIRST, name="extracto.csv")
    assert imported.status_code == 201, imported.get_json()
    report = imported.get_json()
    assert report["lines_total"] == 2 and report["balance_check"] == "ok"
    again = upload(client, court, SECOND, name="extracto-12.csv")
    assert again.status_code == 201, again.get_json()

    listed = client.get("/api/v1/statement-profiles", headers=court.headers("desk")).get_json()
    assert [(p["name"], p["created_by"]) for p in listed["items"]] == [
        ("西班牙银行", profile["created_by"])
    ]
    with engine.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action).where(audit_log.c.entity_type == "statement_profile")
        ).scalars()
        assert list(actions) == ["statement_profile.created"]


def test_a_profile_is_edited_audited_and_exported_as_toml(client, court, engine):
    created = create(client, court, {"name": "es", "court": court.code, **DEFINITION}).get_json()
    path = f"/api/v1/statement-profiles/{created['id']}"
    changed = client.patch(
        path, json={"name": "es-2", "description": "Banco X"}, headers=court.headers("finance")
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["name"] == "es-2" and body["updated_by"]
    assert body["definition"]["description"] == "Banco X"
    exported = client.get(f"{path}/toml", headers=court.headers("finance"))
    assert exported.status_code == 200
    assert tomllib.loads(exported.get_data(as_text=True)) == body["definition"]
    with engine.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action).where(audit_log.c.entity_type == "statement_profile")
        ).scalars()
        assert list(actions) == ["statement_profile.created", "statement_profile.changed"]


def test_profiles_are_refused_when_wrong_taken_or_not_the_roles(client, court, other_court):
    body = {"name": "es", "court": court.code, **DEFINITION}
    assert create(client, court, body).status_code == 201
    taken = create(client, court, body)
    assert taken.status_code == 409 and taken.get_json()["code"] == "conflict"
    wrong = create(client, court, {**body, "name": "x", "columns": {"amount": ["Importe"]}})
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "validation_error"
    bad_key = create(client, court, {**body, "name": "y", "date_order": "ymd"})
    assert bad_key.status_code == 422
    assert create(client, court, {**body, "name": "z"}, role="desk").status_code == 403
    elsewhere = create(client, court, {**body, "name": "z", "court": other_court.code})
    assert elsewhere.status_code == 404
    theirs = client.get("/api/v1/statement-profiles", headers=other_court.headers("finance"))
    assert theirs.get_json()["items"] == []


def test_a_file_in_dollars_is_refused_on_a_yuan_account(client, court):
    data = (
        b'"DATE","TRANSACTION TYPE","DESCRIPTION","AMOUNT","CURRENT BALANCE"\n'
        b'"12/31/2021","DEBIT","TRANSFER","-$7,971.39","$500.00"\n'
        b'"12/30/2021","CREDIT","DEPOSIT","$6,000.36","$8,471.39"\n'
    )
    response = upload(client, court, data, name="dcu.csv")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "invalid_file"
    assert "USD" in problem["detail"] and "CNY" in problem["detail"]


def test_a_currency_above_the_header_is_the_files(client, court):
    data = (
        f"Account Number:,{court.account}\nCurrency:,SGD\n"
        "Transaction Date,Transaction Description,Withdrawal,Deposit\n"
        "30 Jun 2023,Interest Credit,,0.12\n"
    ).encode()
    response = upload(client, court, data, name="uob.csv")
    assert response.status_code == 422, response.get_json()
    assert "SGD" in response.get_json()["detail"]


# ---- the staff pages ----


def test_the_upload_page_keeps_an_unknown_file_and_asks_again_on_a_wrong_mapping(
    client, staff, court, engine
):
    assert sign_in(client, staff("finance")).status_code == 302
    response = post_form(
        client, "/statements/upload", "/statements/upload", file=(io.BytesIO(FIRST), "x.csv")
    )
    assert response.status_code == 302
    layout = response.headers["Location"]
    assert layout.endswith("/layout")
    page = client.get(layout).get_data(as_text=True)
    assert "Ordenante" in page and 'data-testid="column-4"' in page
    wrong = post_form(
        client, layout, layout, name="es", court=court.code, header_line="1", column_2="amount"
    )
    assert wrong.status_code == 422
    assert "请标记记账日期所在的列" in wrong.get_data(as_text=True)  # the page speaks Chinese
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(upload_previews)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(statement_profiles)).scalar_one() == 0
    right = post_form(
        client, layout, layout, name="es", court=court.code, header_line="1",
        column_0="booked_on", column_2="amount", date_order="dmy", decimal_mark=",",
    )  # fmt: skip
    assert right.status_code == 302
    assert not right.headers["Location"].endswith("/layout")
    assert client.get("/statements/profiles").headers["Location"] == "/statement-profiles"
    listed = client.get("/statement-profiles").get_data(as_text=True)
    assert "es" in listed and "finance" in listed
    (address,) = re.findall(r'href="(/statement-profiles/\d+\.toml)"', listed)
    toml = client.get(address)
    assert tomllib.loads(toml.get_data(as_text=True))["columns"]["booked_on"] == ["Fecha"]
