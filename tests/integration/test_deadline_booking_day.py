"""Each ledger entry keeps its statement line's booking day (0039), however it was posted:
the import's credits and orphans, an assignment and its reversal, a void of the import.
The deadline scan reads the day from the entry, so it must be the line's."""

from __future__ import annotations

from sqlalchemy import select

from reconcile.db.tables import ledger_entries
from reconcile.db.tables_statements import statement_lines
from tests.integration import payments
from tests.integration.statement_files import Row, csv_statement, upload

people = payments.people  # the payment tests' fixtures


def entry_days(engine) -> list[tuple]:
    """(kind, the entry's booked_on, its line's booked_on) of every entry."""
    le, sl = ledger_entries.c, statement_lines.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(le.kind, le.booked_on, sl.booked_on.label("line_day"))
            .outerjoin(statement_lines, sl.id == le.transaction_id)
            .order_by(le.id)
        )
        return [(r.kind, r.booked_on, r.line_day) for r in rows]


def post(client, url: str, body: dict, headers) -> dict:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_every_posting_keeps_its_lines_booking_day(client, court, engine, register_case, people):
    cases = [register_case() for _ in range(2)]
    rows = [
        Row("2026-11-02", "100.00", "甲", "6222000000000001", "", cases[0]["sub_account_number"]),
        Row("2026-11-03", "200.00", "乙", "6222000000000002", "", cases[1]["sub_account_number"]),
        Row("2026-11-04", "55.00", "不明", "6222000000000009", "货款", "", "O1"),
        Row("2026-11-05", "66.00", "不明", "6222000000000008", "货款", "", "O2"),
    ]
    upload(client, court, csv_statement(rows))
    finance = court.headers("finance")
    orphans = client.get(
        "/api/v1/transactions", query_string={"status": "orphan"}, headers=finance
    ).get_json()["items"]
    first, second = sorted(orphans, key=lambda o: o["id"])
    assign = {"case_id": cases[0]["id"], "reason": "付款人来电确认"}
    post(client, f"/api/v1/transactions/{first['id']}/assign", assign, finance)
    post(client, f"/api/v1/transactions/{second['id']}/assign", assign, finance)
    post(client, f"/api/v1/transactions/{second['id']}/unassign", {"reason": "分配错误"}, finance)
    later = [
        Row("2026-11-09", "300.00", "甲", "6222000000000001", "", cases[1]["sub_account_number"]),
        Row("2026-11-10", "77.00", "不明", "6222000000000007", "货款", "", "O3"),
    ]
    voided = upload(client, court, csv_statement(later, opening="421.00")).get_json()
    void = post(client, f"/api/v1/statements/{voided['id']}/void", {"reason": "误选"}, finance)
    post(client, f"/api/v1/statement-voids/{void['id']}/approve", {}, people("approver", "李审批"))

    days = entry_days(engine)
    kinds = {kind for kind, _, _ in days}
    assert {"credit", "orphan_credit", "orphan_assigned", "assignment_reversed"} <= kinds
    reversals = [k for k, _, _ in days if k == "assignment_reversed"]
    assert len(reversals) == 4  # the unassignment (case and suspense), the void (two lines)
    assert all(line_day is not None for _, _, line_day in days)
    assert [(k, d) for k, d, _ in days] == [(k, line_day) for k, _, line_day in days]
