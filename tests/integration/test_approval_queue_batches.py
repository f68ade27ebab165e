"""The approvals queue reads its requests a batch at a time (#20): the rows, their
decisions and the persons of their requesters and approvers in a few queries a page,
however many requests wait (it was three queries a request: 4 s for 10,000 waiting)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from reconcile.services import approval_queue
from reconcile.services.disbursement_approvals import DISBURSEMENT
from tests.integration import court_flow
from tests.integration.court_flow import DIRECTOR, LEADER, approve, request

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


@pytest.fixture
def selects(engine):
    """Count the SELECTs sent while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_the_queue_sends_as_many_queries_for_twelve_requests_as_for_two(
    uow, client, court, settings, staff, funded, selects
):
    from reconcile.actors import Actor

    case = funded(1_000_000_00)
    made = [request(client, case["id"], "100.00", staff.judge).get_json() for _ in range(12)]
    assert approve(client, made[0]["id"], staff.director).status_code == 200
    director = Actor(name="局长", role="approver", courts=frozenset({court.code}), id="user:1")
    ids = [m["id"] for m in made]
    selects.clear()
    two = approval_queue.next_levels(uow(), director, DISBURSEMENT, ids[:2])
    for_two = len(selects)
    selects.clear()
    twelve = approval_queue.next_levels(uow(), director, DISBURSEMENT, ids)
    assert len(selects) == for_two  # the rows, the decisions, the persons: not a query each
    assert {i: twelve[i] for i in ids[:2]} == two
    selects.clear()
    approval_queue.next_levels(uow(), director, DISBURSEMENT, ids * 60)  # 720: two batches
    assert len(selects) == for_two + 3


def test_next_levels_answer_per_request_as_each_alone_would(
    uow, admin, client, court, settings, staff, funded
):
    # Each request's next level, its position and whether the actor may decide it, read
    # in one batch: the same answers as one request at a time.
    from reconcile.actors import Actor
    from reconcile.db import approval_store

    case = funded(2_000_000_00)
    large = request(client, case["id"], "150000.00", staff.judge).get_json()  # two levels
    small = request(client, case["id"], "500.00", staff.judge).get_json()
    approved_once = request(client, case["id"], "150000.00", staff.judge).get_json()
    assert approve(client, approved_once["id"], staff.director).status_code == 200
    with uow() as unit:
        (decision,) = approval_store.decisions_of(unit.conn, "disbursement", approved_once["id"])
    courts = frozenset({court.code})
    director = Actor(
        name="执行局长 周强", role="approver", courts=courts, id=decision["approver_id"]
    )
    ids = [large["id"], small["id"], approved_once["id"], 999_999]
    together = approval_queue.next_levels(uow(), director, DISBURSEMENT, ids)
    alone = {i: approval_queue.next_levels(uow(), director, DISBURSEMENT, [i])[i] for i in ids}
    assert together == alone
    assert together[large["id"]] == {"position": DIRECTOR, "yours": True, "may_decide": True}
    assert together[small["id"]]["may_decide"]
    assert together[approved_once["id"]] == {
        "position": LEADER,
        "yours": False,
        "may_decide": False,
    }
    assert together[999_999] == {"position": None, "yours": False, "may_decide": False}
    elsewhere = Actor(name="他院", role="approver", courts=frozenset({"沪0101"}), id="user:999")
    hidden = approval_queue.next_levels(uow(), elsewhere, DISBURSEMENT, ids)
    assert all(level["position"] is None and not level["may_decide"] for level in hidden.values())
