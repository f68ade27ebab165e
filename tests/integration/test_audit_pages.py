"""The audit trail pages: a case's trail and one object's, checked record by record."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from reconcile.db.tables import audit_records
from reconcile.services import audit_trail, users
from tests.integration import payments
from tests.integration.staff_pages import PASSWORD, sign_in, staff

__all__ = ["staff"]
funded_case = payments.funded_case

HOLD = {"amount": "300.00", "reason": "案外人异议", "document_reference": "（2026）京0105执异12号"}


@pytest.fixture
def held_case(client, court, funded_case):
    case = funded_case(100_000)
    hold = client.post(
        f"/api/v1/cases/{case['id']}/holds", json=HOLD, headers=court.headers("enforcement")
    ).get_json()
    client.post(
        f"/api/v1/holds/{hold['id']}/release",
        json={"amount": "100.00"},
        headers=court.headers("enforcement"),
    )
    return case, hold


@pytest.fixture
def reader(app, staff):
    page = app.test_client()
    sign_in(page, staff("desk", "投诉专员"))
    return page


def actions(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-action="')[1:]]


def test_a_case_trail_shows_the_case_and_its_holds_in_order(reader, held_case):
    case, hold = held_case
    page = reader.get(f"/cases/{case['id']}/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert actions(html)[:1] == ["case.registered"]
    assert actions(html)[-2:] == ["hold.placed", "hold.released"]
    assert "暂缓发放 · 设置" in html and "案件 · 登记" in html
    assert 'data-testid="audit-intact"' in html
    assert f"/audit/hold/{hold['id']}" in html


def test_an_object_trail_shows_only_that_object(reader, held_case):
    _, hold = held_case
    html = reader.get(f"/audit/hold/{hold['id']}").get_data(as_text=True)
    assert actions(html) == ["hold.placed", "hold.released"]


def test_an_edited_record_is_shown_broken(reader, held_case, engine):
    case, _ = held_case
    with engine.begin() as conn:
        conn.execute(
            update(audit_records)
            .where(audit_records.c.entity_type == "hold", audit_records.c.action == "hold.placed")
            .values(after={"amount": "1.00"})
        )
    html = reader.get(f"/cases/{case['id']}/audit").get_data(as_text=True)
    assert 'data-testid="audit-broken"' in html
    assert html.count("✗ 不符") == 1


def test_another_courts_case_and_unknown_objects_are_not_found(
    app, uow, admin, other_court, held_case, reader
):
    case, hold = held_case
    users.create_user(
        uow(), admin, username="外院投诉", password=PASSWORD, role="desk", courts=[other_court.code]
    )
    stranger = app.test_client()
    sign_in(stranger, "外院投诉")
    assert stranger.get(f"/cases/{case['id']}/audit").status_code == 404
    assert stranger.get(f"/audit/hold/{hold['id']}").status_code == 404
    assert reader.get("/audit/hold/999999").status_code == 404
    assert reader.get(f"/audit/ledger_entries/{hold['id']}").status_code == 404


def test_a_long_trail_is_paged(reader, held_case, monkeypatch):
    case, _ = held_case
    monkeypatch.setattr(audit_trail, "PAGE", 1)
    first = reader.get(f"/cases/{case['id']}/audit").get_data(as_text=True)
    assert actions(first) == ["case.registered"]
    assert 'data-testid="audit-more"' in first
    after = first.split('href="?after=')[1].split('"')[0]
    second = reader.get(f"/cases/{case['id']}/audit?after={after}").get_data(as_text=True)
    assert len(actions(second)) == 1 and actions(second) != ["case.registered"]
