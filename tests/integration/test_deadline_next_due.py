"""Each case's next due day: kept by the scan, made dirty by the writers of the clocks' facts,
and a scan that computes only the due and dirty cases raises what a scan of every case would."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from reconcile.db import deadline_store
from reconcile.db.engine import make_engine
from reconcile.db.tables_deadlines import case_deadline_due
from reconcile.deadlines import Rules, clocks, next_change
from reconcile.services import deadlines
from reconcile.services.deadlines import calendar_from, scan_deadlines
from tests.integration import payments
from tests.integration.money import credit_case, on_day
from tests.integration.payments import PAYEE
from tests.integration.test_deadline_batches import deadline_alerts, expected_one_by_one

people = payments.people  # the payment tests' fixtures
cd = case_deadline_due.c


def row_of(engine, case_id: int) -> dict | None:
    """The case's row, with `dirty`: a change was counted since the last scan computed it."""
    with engine.connect() as conn:
        row = conn.execute(select(case_deadline_due).where(cd.case_id == case_id)).one_or_none()
    if row is None:
        return None
    return {**row._mapping, "dirty": row.changes != row.scanned_changes}


def next_due_now(engine, settings, case_id: int, as_of: date) -> date | None:
    """The model: the case's facts read alone, the next change of its clocks after as_of."""
    rules, calendar = Rules.from_settings(settings), calendar_from(settings)
    with engine.connect() as conn:
        facts = deadline_store.case_facts(conn, deadline_store.case_for_deadlines(conn, case_id))
    return next_change(clocks(facts, rules, calendar), as_of, rules, calendar)


def _post(client, url, body, headers, on: date) -> dict:
    with on_day(on):
        response = client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_a_case_gets_its_next_due_day_and_each_new_fact_makes_it_dirty(
    client, court, engine, settings, register_case, people
):
    case = register_case()
    registered = row_of(engine, case["id"])  # made with the case: no fact, nothing due
    assert (registered["dirty"], registered["next_due"]) == (False, None)
    credit_case(engine, case["id"], 500_00, arrived_on=date(2026, 9, 1))
    assert row_of(engine, case["id"])["dirty"] is True

    day = date(2026, 9, 2)
    scan_deadlines(engine, settings, day)
    row = row_of(engine, case["id"])
    # 10 working days from Tuesday 1 September: due Tuesday 15 September, due soon (2 working
    # days left) from Friday 11 September
    assert (row["dirty"], row["next_due"], row["scanned_on"]) == (False, date(2026, 9, 11), day)
    assert row["next_due"] == next_due_now(engine, settings, case["id"], day)

    enforcement, approver = court.headers("enforcement"), people("approver", "审批人")
    body = {"amount": "500.00", "payee_account_number": PAYEE, "note": "发放"}
    request = _post(
        client, f"/api/v1/cases/{case['id']}/disbursements", body, enforcement, date(2026, 9, 3)
    )
    assert row_of(engine, case["id"])["dirty"] is True  # the request took the waiting money
    scan_deadlines(engine, settings, date(2026, 9, 3))
    row = row_of(engine, case["id"])
    # no money waits, and the payment clock runs only from the final approval: nothing due
    assert (row["dirty"], row["next_due"]) == (False, None)

    _post(client, f"/api/v1/disbursements/{request['id']}/approve", {}, approver, date(2026, 9, 4))
    assert row_of(engine, case["id"])["dirty"] is True  # the approval started clock 2
    scan_deadlines(engine, settings, date(2026, 9, 4))
    row = row_of(engine, case["id"])
    # 5 working days from Friday 4 September: due Friday 11 September, due soon from the 9th
    assert (row["dirty"], row["next_due"]) == (False, date(2026, 9, 9))
    assert row["next_due"] == next_due_now(engine, settings, case["id"], date(2026, 9, 4))

    scan_deadlines(engine, settings, date(2026, 9, 9))  # due soon now: next, overdue
    assert row_of(engine, case["id"])["next_due"] == date(2026, 9, 12)
    scan_deadlines(engine, settings, date(2026, 9, 14))  # overdue: nothing more to come
    assert row_of(engine, case["id"])["next_due"] is None

    credit_case(engine, case["id"], 20_00, arrived_on=date(2026, 9, 15))
    assert row_of(engine, case["id"])["dirty"] is True
    scan_deadlines(engine, settings, date(2026, 9, 15))
    assert row_of(engine, case["id"])["next_due"] == next_due_now(
        engine, settings, case["id"], date(2026, 9, 15)
    )


def test_a_scan_with_nothing_due_computes_no_case(engine, settings, register_case, monkeypatch):
    ids = [register_case()["id"] for _ in range(5)]
    for n, case_id in enumerate(ids):
        credit_case(engine, case_id, 1_00, arrived_on=date(2026, 9, 14) + timedelta(days=n))
    day = date(2026, 9, 18)
    assert scan_deadlines(engine, settings, day)["cases"] == 5
    computed = []
    facts = deadline_store.facts_of_cases

    def counted(conn, found, low, high):
        computed.extend(found)
        return facts(conn, found, low, high)

    monkeypatch.setattr(deadline_store, "facts_of_cases", counted)
    later = day + timedelta(days=1)
    assert scan_deadlines(engine, settings, day) == {"as_of": day, "cases": 5}
    assert scan_deadlines(engine, settings, later) == {"as_of": later, "cases": 5}
    assert computed == []
    due = {i: next_due_now(engine, settings, i, day) for i in ids}
    first = min(due.values())
    report = scan_deadlines(engine, settings, first)
    assert sorted(computed) == [i for i in ids if due[i] == first]
    assert report["notice_due_soon"] == len(computed)


def test_other_rules_compute_every_case_again(engine, settings, register_case):
    case = register_case()
    credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 14))
    day = date(2026, 9, 17)
    assert scan_deadlines(engine, settings, day).get("notice_due_soon") is None
    longer = {**settings, "deadlines": {**settings["deadlines"], "warning_lead_working_days": 9}}
    assert scan_deadlines(engine, longer, day)["notice_due_soon"] == 1


def test_a_scan_as_of_an_earlier_day_computes_the_case_again(engine, settings, register_case):
    case = register_case()
    credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 1))
    assert scan_deadlines(engine, settings, date(2026, 9, 30))["notice_overdue"] == 1
    # as of the 14th the clock was only due soon: a scan of every case raises that warning
    assert scan_deadlines(engine, settings, date(2026, 9, 14))["notice_due_soon"] == 1


# ---- the model: the same alerts as computing every case at every scan ----

DAYS = [date(2026, 9, 1) + timedelta(days=n) for n in range(75)]


#: the scans of the daily job besides the clocks'
OTHER_SCANS = [
    "reconcile.services.watch.scan_orphan_ageing",
    "reconcile.services.watch.scan_identification",
    "reconcile.services.watch.scan_unconfirmed_payments",
    "reconcile.services.supervision.scan_statement_silence",
    "reconcile.services.deferrals.scan_reviews",
    "reconcile.services.expected_receipts.scan_missing",
    "reconcile.services.supervision.escalate_overdue",
]


@pytest.mark.parametrize("seed", [1, 2])
def test_scanning_only_due_and_dirty_cases_raises_what_scanning_every_case_would(
    client, court, engine, settings, register_case, people, monkeypatch, seed
):
    """Facts and scans interleaved at random (scans now and then as of an earlier day);
    after each scan the alerts are those a computation of every case at every scan gives."""
    monkeypatch.setattr(deadlines, "SCAN_BATCH_CASES", 4)
    for other in OTHER_SCANS:  # what else the daily job scans: not what is compared here
        monkeypatch.setattr(other, lambda *args, **kwargs: 0)
    pick = random.Random(seed)
    enforcement, approver = court.headers("enforcement"), people("approver", "审批人")
    cases = [register_case()["id"] for _ in range(10)]
    requests, holds, expected = [], [], set()
    for case_id in cases:
        arrived = DAYS[0] + timedelta(days=pick.randrange(10))
        credit_case(engine, case_id, pick.randrange(1, 30) * 10_00, arrived_on=arrived)
    day = DAYS[10]
    for _ in range(20):
        day = min(DAYS[-1], day + timedelta(days=pick.randrange(0, 5)))
        case_id = pick.choice(cases)
        action = pick.randrange(10)
        if action == 8:
            action = 5  # requests twice as often: half of them approved at once
        if action <= 2:
            credit_case(engine, case_id, pick.randrange(1, 30) * 10_00, arrived_on=day)
        elif action == 3:
            hold = {
                "amount": "10.00",
                "reason": "案外人异议",
                "document_reference": "（2026）异1号",
            }
            response = _maybe(client, f"/api/v1/cases/{case_id}/holds", hold, enforcement, day)
            if response:
                holds.append(response["id"])
        elif action == 4 and holds:
            _maybe(client, f"/api/v1/holds/{holds.pop()}/release", {}, enforcement, day)
        elif action == 5:
            body = {"amount": "10.00", "payee_account_number": PAYEE, "note": "发放"}
            response = _maybe(
                client, f"/api/v1/cases/{case_id}/disbursements", body, enforcement, day
            )
            if response and pick.random() < 0.5:  # approved at once, or later
                _maybe(client, f"/api/v1/disbursements/{response['id']}/approve", {}, approver, day)
            elif response:
                requests.append(response["id"])
        elif action == 6 and requests:
            url = f"/api/v1/disbursements/{requests.pop(0)}/approve"
            _maybe(client, url, {}, approver, day)
        elif action in (7, 9):
            body = {
                "ground": "依法提存",
                "document_reference": "（2026）执1号之二",
                "kind": "escrow",
                "review_on": "2099-12-31",
            }
            made = _maybe(client, f"/api/v1/cases/{case_id}/deferrals", body, enforcement, day)
            if made:
                _maybe(client, f"/api/v1/deferrals/{made['id']}/approve", {}, approver, day)
                if pick.random() < 0.5:
                    end = day + timedelta(days=pick.randrange(1, 6))
                    _maybe(client, f"/api/v1/deferrals/{made['id']}/end", None, enforcement, end)
        as_of = day if pick.random() < 0.85 else day - timedelta(days=pick.randrange(1, 10))
        scan_deadlines(engine, settings, as_of)
        expected |= expected_one_by_one(engine, settings, cases, [as_of])
        assert deadline_alerts(engine) == expected, (seed, as_of)
    for as_of in DAYS[-12::3]:  # the clocks run on with no new fact
        scan_deadlines(engine, settings, as_of)
        expected |= expected_one_by_one(engine, settings, cases, [as_of])
    assert deadline_alerts(engine) == expected
    assert len({kind for kind, *_ in expected}) >= 3, "the cases reach several kinds"


def _maybe(client, url, body, headers, on: date) -> dict | None:
    """Post, as staff would; a refusal (e.g. nothing left to request) changes nothing."""
    with on_day(on):
        response = client.post(url, json=body, headers=headers)
    return response.get_json() if response.status_code in (200, 201) else None


def test_a_row_marked_dirty_by_hand_is_computed_again(engine, settings, register_case):
    case = register_case()
    credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 1))
    scan_deadlines(engine, settings, date(2026, 9, 2))
    with engine.begin() as conn:
        conn.execute(update(case_deadline_due).values(next_due=None))
    assert scan_deadlines(engine, settings, date(2026, 9, 30)).get("notice_overdue") is None
    with engine.begin() as conn:
        conn.execute(update(case_deadline_due).values(changes=cd.changes + 1))
    assert scan_deadlines(engine, settings, date(2026, 9, 30))["notice_overdue"] == 1


def test_a_case_without_a_row_is_computed_and_gets_one(engine, settings, register_case):
    case = register_case()
    credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 1))
    with engine.begin() as conn:  # as a book loaded around the use cases would be
        conn.execute(case_deadline_due.delete().where(cd.case_id == case["id"]))
    assert scan_deadlines(engine, settings, date(2026, 9, 30))["notice_overdue"] == 1
    row = row_of(engine, case["id"])
    assert (row["dirty"], row["next_due"], row["scanned_on"]) == (False, None, date(2026, 9, 30))


@pytest.mark.postgres
def test_a_change_while_the_scan_reads_the_facts_leaves_the_case_to_compute_again(
    engine, settings, register_case, database_url, monkeypatch
):
    case = register_case()
    credit_case(engine, case["id"], 1_00, arrived_on=date(2026, 9, 1))
    facts = deadline_store.facts_of_cases
    writer = make_engine(database_url)

    def with_a_credit_meanwhile(conn, found, low, high):
        read = facts(conn, found, low, high)  # the scan has read the facts: then a credit
        credit_case(writer, case["id"], 2_00, arrived_on=date(2026, 9, 2))
        return read

    monkeypatch.setattr(deadline_store, "facts_of_cases", with_a_credit_meanwhile)
    scan_deadlines(engine, settings, date(2026, 9, 3))
    writer.dispose()
    assert row_of(engine, case["id"])["dirty"] is True  # not stored as computed
