"""The approvals page (审批) sends as many SQL statements for 30 cards as for 3 (#20): the
cards' cases, parties, holds, lawful accounts and refunds' credits are read for the page
at once, and the queue reads the page, not up to 2,000 requests to find it (it was about
eleven statements a card: 2.2 s for 50 cards at 11,000 waiting)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, LEADER, request
from tests.integration.statement_files import Row, csv_statement, upload
from tests.integration.test_payment_pages import signed_in, staff_user

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded

CARD = re.compile(r'id="approval-(\d+)"')
HOLD = {"amount": "100.00", "reason": "执行异议", "document_reference": "（2026）京0105执异1号"}


@pytest.fixture
def statements(engine):
    """Count the SQL statements the app's engine sends while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def add_payments(client, court, staff, funded, count: int) -> None:
    """Request `count` payments, each of its own case (every other with a hold)."""
    for n in range(count):
        case = funded(10_000_00)
        if n % 2:
            placed = client.post(
                f"/api/v1/cases/{case['id']}/holds", json=HOLD, headers=court.headers("enforcement")
            )
            assert placed.status_code == 201, placed.get_json()
        assert request(client, case["id"], f"{100 + n}.00", staff.judge).status_code == 201


def orphan_credits(client, court, count: int) -> list[dict]:
    rows = [
        Row("2026-11-03", f"{50 + n}.00", f"付款人{n}", f"6222000000{n:04d}") for n in range(count)
    ]
    assert upload(client, court, csv_statement(rows)).status_code == 201
    return client.get(
        "/api/v1/transactions",
        query_string={"status": "orphan", "limit": 100},
        headers=court.headers("finance"),
    ).get_json()["items"]


def refund(client, court, orphan: dict) -> None:
    refunded = client.post(
        f"/api/v1/transactions/{orphan['id']}/refund",
        json={"reason": "非本院案款，退回付款人"},
        headers=court.headers("finance"),
    )
    assert refunded.status_code == 200, refunded.get_json()


def test_the_approvals_page_sends_as_many_statements_for_30_cards_as_for_3(
    app, client, uow, admin, court, settings, staff, funded, statements
):
    staff_user(uow, admin, court, settings, "director", "approver", DIRECTOR)
    director = signed_in(app, "director")
    pages = ("/approvals", "/approvals?kind=payment&min=0.01&sort=largest")

    def count(path: str, cards: int) -> int:
        director.get(path)  # the first request warms what a process reads once
        statements.clear()
        page = director.get(path).get_data(as_text=True)
        assert len(CARD.findall(page)) == cards
        return len(statements)

    orphans = orphan_credits(client, court, 10)
    add_payments(client, court, staff, funded, 2)
    refund(client, court, orphans[0])
    three = [count(pages[0], 3), count(pages[1], 2)]
    add_payments(client, court, staff, funded, 18)
    for orphan in orphans[1:]:
        refund(client, court, orphan)
    thirty = [count(pages[0], 30), count(pages[1], 20)]
    assert thirty == three, "the statements of a page grow with its cards"
    # a fixed few (41 with the BEGINs): the session, the queue, its 合计, the cards, the
    # statement voids and the other case requests
    assert all(n <= 45 for n in thirty)


def test_the_page_holds_the_requests_whose_next_level_the_approvers_position_decides(
    app, client, uow, admin, court, settings, staff, funded
):
    # The position is a condition of the query: the same requests as approval_queue.
    # next_levels finds `yours` among all of them, for each position and for none.
    from reconcile.actors import Actor
    from reconcile.services import approval_queue
    from reconcile.services.disbursement_approvals import DISBURSEMENT

    case = funded(1_000_000_00)
    amounts = ["150000.00", "500.00", "150000.00", "120000.00"]
    made = [request(client, case["id"], a, staff.judge).get_json()["id"] for a in amounts]
    for once in made[2:]:
        assert court_flow.approve(client, once, staff.director).status_code == 200
    for name, position in (("leader", LEADER), ("director", DIRECTOR), ("nobody", None)):
        staff_user(uow, admin, court, settings, name, "approver", position)
        with uow() as unit:
            user_id = unit.conn.exec_driver_sql(
                f"SELECT id FROM users WHERE username = '{name}'"
            ).scalar_one()
        actor = Actor(
            name=name, role="approver", courts=frozenset({court.code}), id=f"user:{user_id}"
        )
        levels = approval_queue.next_levels(uow(), actor, DISBURSEMENT, made)
        yours = [i for i in made if levels[i]["yours"]]
        assert [
            int(i)
            for i in CARD.findall(signed_in(app, name).get("/approvals").get_data(as_text=True))
        ] == yours
        assert {"leader": made[2:], "director": made[:2], "nobody": []}[name] == yours


def test_postgresql_takes_the_position_condition_for_half_the_requests(engine):
    # As `position IS NULL OR position = held` the planner took the condition for 0.5 %
    # of the rows, and sorted all 11,000 requests waiting in the court to show 50 (16 ms
    # against 0.2 ms reading the index in the page's order).
    import json

    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql

    from reconcile.db.tables_payments import disbursements
    from reconcile.db.waiting_disbursements import at_position

    if engine.dialect.name != "postgresql":
        pytest.skip("the estimate is PostgreSQL's")

    def rows(conn, query) -> float:
        sql = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
        [[plan]] = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").all()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return plan[0]["Plan"]["Plan Rows"]

    with engine.connect() as conn:
        every = rows(conn, select(disbursements.c.id))
        for held in (DIRECTOR, None):
            shown = rows(conn, select(disbursements.c.id).where(at_position(conn, held)))
            assert shown >= every / 3, (held, shown, every)
