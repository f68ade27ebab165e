"""Random sequences of request, approve (each level), reject, finance's review (approve
or return), mark paid and resubmit, through the API and the court's flow of paying out
(levels by position, then finance's review): after each step the kept counts of
disbursements (disbursement_counts, #20) are a recount, also after the steps refused
(their transactions rolled back)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from reconcile.db.tables_payments import disbursements
from tests.integration import court_flow
from tests.integration.court_flow import approve, request, review
from tests.integration.test_disbursement_counts import recount_agrees

settings = court_flow.settings
staff = court_flow.staff
funded = court_flow.funded


#: the statuses each step applies to (a step on another one is refused and rolled back)
APPLIES = {
    "approve": "requested",
    "reject": "requested",
    "review": "in_review",
    "return": "in_review",
    "mark-paid": "approved",
    "resubmit": "returned",
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_counts_equal_a_recount_after_any_sequence(client, engine, staff, funded, seed):
    rng = random.Random(seed)
    cases = [funded(2_000_000_00)["id"] for _ in range(2)]
    done: Counter = Counter()

    def target(action: str) -> int | None:
        """A payment the step applies to, mostly; any payment a tenth of the time."""
        with engine.connect() as conn:
            statuses = dict(conn.execute(select(disbursements.c.id, disbursements.c.status)).all())
        fits = [i for i, status in statuses.items() if status == APPLIES[action]]
        if fits and rng.random() < 0.9:
            return rng.choice(fits)
        return rng.choice(sorted(statuses)) if statuses else None

    def step(action: str) -> int:
        chosen = None if action == "request" else target(action)
        if chosen is None:
            amount = rng.choice(["100.00", "2500.50", "9000.00", "150000.00"])
            return request(client, rng.choice(cases), amount, staff.judge).status_code
        if action == "approve":
            who = rng.choice([staff.director, staff.leader])
            return approve(client, chosen, who).status_code
        if action in ("review", "return"):
            decision, note = ("return", "账号有误") if action == "return" else ("approve", None)
            return review(client, chosen, staff.finance, decision, note).status_code
        path = f"/api/v1/disbursements/{chosen}/{action}"
        json, who = {
            "reject": ({"note": "不符"}, staff.director),
            "mark-paid": ({"bank_reference": f"B{rng.randrange(10**6)}"}, staff.finance),
            "resubmit": ({}, staff.judge),
        }[action]
        return client.post(path, json=json, headers=who).status_code

    actions = ["request", "request", "approve", "approve", "reject", "review", "return"]
    actions += ["mark-paid", "resubmit"]
    for _ in range(80):
        action = rng.choice(actions)
        done[action, step(action) < 300] += 1
        recount_agrees(engine)
    assert all(done[a, True] for a in ("request", "approve", "reject", "return")), done
    assert done["review", True] + done["mark-paid", True], done
    assert done["approve", False] + done["mark-paid", False], done  # refused, rolled back
    assert len(recount_agrees(engine)) >= 4, done  # the payments are in several statuses
