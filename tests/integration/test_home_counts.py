"""今日工作 counts what waits and lists the oldest deadlines from bounded reads (#16): it
read up to 2,000 requests (with their levels) to count the approver's and up to 2,000
open alerts to count them by severity: 744 ms and 2,037 statements at 11,000 waiting."""

from __future__ import annotations

import re

from sqlalchemy import event

from tests.integration import court_flow
from tests.integration.alerting import raise_one
from tests.integration.court_flow import DIRECTOR, request
from tests.integration.test_payment_pages import signed_in, staff_user

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


def _stat(page: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}"[^>]*>.*?(\d[\d,]*)', page, re.S)
    assert found, testid
    return int(found.group(1).replace(",", ""))


def test_the_home_page_counts_and_lists_from_reads_that_do_not_grow(
    app, client, uow, admin, court, settings, staff, funded, engine, monkeypatch
):
    from api.web import queues

    monkeypatch.setattr(queues, "PAGE", 2)  # a read of "every" item shows as more queries
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    director = signed_in(app, "director")
    case = funded(1_000_000_00)
    for amount in ("100.00", "200.00"):
        assert request(client, case["id"], amount, staff.judge).status_code == 201
    raise_one(uow, court.code, kind="unmatched_debit")
    for n in range(10):
        number = f"（2026）京0105执{n + 100}号"
        raise_one(uow, court.code, kind="notice_overdue", facts={"case_number": number})
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def home() -> tuple[str, int]:
        director.get("/")  # what a process reads once
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            page = director.get("/").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return page, len(statements)

    page, before = home()
    assert _stat(page, "count-approvals") == 2
    assert _stat(page, "count-alerts-critical") == 1
    assert _stat(page, "count-alerts-warning") == 10
    listed = re.findall(r"执(\d+)号", page)
    assert listed == [str(n + 100) for n in range(8)]  # the oldest eight deadlines
    for amount in ("300.00", "400.00", "500.00"):
        assert request(client, case["id"], amount, staff.judge).status_code == 201
    for _ in range(30):
        raise_one(uow, court.code, kind="orphan_funds")
    page, after = home()
    assert _stat(page, "count-approvals") == 5
    assert after == before, "the home page's statements grow with what waits"
