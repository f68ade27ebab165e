"""Issue #14: a file without a header row is mapped by its columns' positions, through the
API and the upload page; and finance corrects a saved profile on /statement-profiles."""

from __future__ import annotations

import io

from sqlalchemy import select

from reconcile.db.tables import audit_records
from tests.integration.staff_pages import post_form, sign_in, staff
from tests.integration.statement_files import upload

__all__ = ["staff"]


def headerless(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A headerless export: date; remark; signed amount (decimal comma); currency."""
    return "".join(f"{d};{remark};{amount};{ccy}\r\n" for d, remark, amount, ccy in rows).encode()


FIRST = headerless(
    [
        ("02.11.2026", "Einzahlung 执行款", "+1.000,00", "CNY"),
        ("15.11.2026", "Gebühr", "-20,00", "CNY"),
    ]
)
SECOND = headerless([("03.12.2026", "Einzahlung", "+2.500,50", "CNY")])
POSITIONS = {"booked_on": [1], "remark": [2], "amount": [3], "currency": [4]}


def create(client, court, body: dict):
    return client.post("/api/v1/statement-profiles", json=body, headers=court.headers("finance"))


def test_a_headerless_file_is_refused_with_proposed_positions(client, court):
    response = upload(client, court, FIRST, name="konto.csv")
    assert response.status_code == 422
    problem = response.get_json()
    assert (problem["code"], problem["headerless"]) == ("unknown_layout", True)
    assert problem["positions"] == POSITIONS


def test_a_profile_of_positions_reads_the_next_headerless_file(client, court):
    body = {"name": "奥地利某银行", "court": court.code, "positions": POSITIONS,
            "date_order": "dmy", "decimal_mark": ","}  # fmt: skip
    created = create(client, court, body)
    assert created.status_code == 201, created.get_json()
    first = upload(client, court, FIRST, name="konto-11.csv")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["lines_total"] == 2
    second = upload(client, court, SECOND, name="konto-12.csv")
    assert second.status_code == 201, second.get_json()
    toml = client.get(
        f"/api/v1/statement-profiles/{created.get_json()['id']}/toml",
        headers=court.headers("finance"),
    ).get_data(as_text=True)
    assert "[positions]" in toml and "amount = [3]" in toml


def test_positions_that_place_no_amount_are_refused(client, court):
    body = {"name": "x", "court": court.code, "positions": {"booked_on": [1]}}
    response = create(client, court, body)
    assert response.status_code == 422
    assert "amount" in response.get_json()["detail"]


def test_the_upload_page_maps_a_headerless_file_by_position(client, staff, court):
    assert sign_in(client, staff("finance")).status_code == 302
    response = post_form(
        client, "/statements/upload", "/statements/upload", file=(io.BytesIO(FIRST), "k.csv")
    )
    layout = response.headers["Location"]
    page = client.get(layout).get_data(as_text=True)
    assert 'value="none"' in page and 'data-testid="header-none"' in page
    none_radio = page.split('data-testid="header-none"')[0].rsplit("<input", 1)[1]
    assert "checked" in none_radio  # no header row was found: by position is proposed
    assert '<option value="amount" selected' in page.split('id="column_2"')[1].split("</select>")[0]
    taught = post_form(
        client, layout, layout, name="按列", court=court.code, header_line="none",
        column_0="booked_on", column_1="remark", column_2="amount", date_order="dmy",
        decimal_mark=",",
    )  # fmt: skip
    assert taught.status_code == 302, taught.get_data(as_text=True)
    assert not taught.headers["Location"].endswith("/layout")
    profiles = client.get("/api/v1/statement-profiles", headers=court.headers("finance"))
    [saved] = profiles.get_json()["items"]
    assert saved["definition"]["positions"] == {"booked_on": [1], "amount": [3], "remark": [2]}


def test_finance_edits_a_profile_on_the_profiles_page(client, staff, court, engine):
    columns = {"booked_on": ["Fecha"], "amount": ["Importe"]}
    body = {"name": "西班牙银行", "court": court.code, "detect": ["Fecha", "Importe"],
            "columns": columns, "inherit_columns": False}  # fmt: skip
    profile = create(client, court, body).get_json()
    assert sign_in(client, staff("finance")).status_code == 302
    listed = client.get("/statement-profiles").get_data(as_text=True)
    address = f"/statement-profiles/{profile['id']}"
    assert f'href="{address}"' in listed and 'data-testid="nav-profiles"' in listed
    form = client.get(address).get_data(as_text=True)
    assert 'value="Importe"' in form
    saved = post_form(
        client, address, address, name="西班牙某银行", description="网银导出",
        detect="Fecha\nImporte\nConcepto", field_booked_on="Fecha | F. valor",
        field_debit="Cargo", field_credit="Abono", field_remark="Concepto", date_order="dmy",
        decimal_mark=",", check_running_balance="on",
    )  # fmt: skip
    assert saved.status_code == 302, saved.get_data(as_text=True)
    after = client.get(
        f"/api/v1/statement-profiles/{profile['id']}", headers=court.headers("finance")
    ).get_json()
    assert after["name"] == "西班牙某银行"
    definition = after["definition"]
    assert definition["columns"] == {
        "booked_on": ["Fecha", "F. valor"],
        "debit": ["Cargo"],
        "credit": ["Abono"],
        "remark": ["Concepto"],
    }
    assert (definition["amount_layout"], definition["date_order"]) == ("two_columns", "dmy")
    assert definition["detect"] == ["Fecha", "Importe", "Concepto"]
    assert after["updated_by"]
    with engine.connect() as conn:
        actions = conn.execute(select(audit_records.c.action)).scalars().all()
    assert "statement_profile.changed" in actions


def test_an_edit_that_breaks_the_profile_is_refused_and_changes_nothing(client, staff, court):
    body = {"name": "p", "court": court.code, "positions": POSITIONS}
    profile = create(client, court, body).get_json()
    assert sign_in(client, staff("finance")).status_code == 302
    address = f"/statement-profiles/{profile['id']}"
    refused = post_form(client, address, address, name="p", field_booked_on="1", field_amount="C")
    assert refused.status_code == 422
    assert "“C”" in refused.get_data(as_text=True)
    refused = post_form(client, address, address, name="p", field_booked_on="1")
    assert refused.status_code == 422
    after = client.get(
        f"/api/v1/statement-profiles/{profile['id']}", headers=court.headers("finance")
    ).get_json()
    assert after["definition"]["positions"] == POSITIONS


def test_only_finance_edits_profiles(client, staff, court):
    body = {"name": "p", "court": court.code, "positions": POSITIONS}
    profile = create(client, court, body).get_json()
    assert sign_in(client, staff("approver")).status_code == 302
    assert client.get("/statement-profiles").status_code == 200
    assert client.get(f"/statement-profiles/{profile['id']}").status_code == 403
