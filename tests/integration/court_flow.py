"""The court's flow of paying out (config/settings.toml): levels by position, then finance.

Import the fixtures into a test module (`settings = court_flow.settings`, …) to run it
with the approval settings of the file, not the counted levels tests/conftest.py uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reconcile.services import tokens
from reconcile.settings import load_settings
from tests.integration.money import credit_case

PAYEE = "110060149018800012345"  #: the applicant's payee account in conftest's case_body
DIRECTOR, LEADER, FINANCE_STAFF = "执行局长", "分管院领导", "财务人员"


@pytest.fixture
def settings(settings) -> dict:
    """The test settings with the [approvals] of config/settings.toml."""
    return {**settings, "approvals": load_settings(environ={})["approvals"]}


@dataclass
class Staff:
    """Bearer headers of the court's people, by who they are."""

    judge: dict
    other_judge: dict
    director: dict  #: 执行局长
    other_director: dict  #: another 执行局长
    leader: dict  #: 分管院领导
    unplaced_approver: dict  #: an approver with no position
    finance: dict  #: 财务人员
    other_finance: dict


@pytest.fixture
def staff(uow, admin, court, settings) -> Staff:
    def token(role: str, name: str, position: str | None = None) -> dict:
        made = tokens.create_token(
            uow(),
            admin,
            role=role,
            courts=[court.code],
            name=name,
            person=name,
            position=position,
            settings=settings,
        )
        return {"Authorization": f"Bearer {made}"}

    return Staff(
        judge=token("enforcement", "执行法官 陈明", "执行法官"),
        other_judge=token("enforcement", "执行法官 孙丽", "执行法官"),
        director=token("approver", "执行局长 周强", DIRECTOR),
        other_director=token("approver", "执行局长 吴刚", DIRECTOR),
        leader=token("approver", "副院长 李华", LEADER),
        unplaced_approver=token("approver", "审批人 郑一"),
        finance=token("finance", "财务 王静", FINANCE_STAFF),
        other_finance=token("finance", "财务 赵云", FINANCE_STAFF),
    )


@pytest.fixture
def funded(register_case, engine):
    """Register a case and credit it; return the case."""

    def make(fen: int, **overrides) -> dict:
        case = register_case(**overrides)
        credit_case(engine, case["id"], fen)
        return case

    return make


def request(client, case_id: int, amount: str, headers: dict, payee: str = PAYEE):
    return client.post(
        f"/api/v1/cases/{case_id}/disbursements",
        json={"amount": amount, "payee_account_number": payee, "note": "支付通知"},
        headers=headers,
    )


def approve(client, disbursement_id: int, headers: dict):
    return client.post(f"/api/v1/disbursements/{disbursement_id}/approve", json={}, headers=headers)


def review(client, disbursement_id: int, headers: dict, decision="approve", note=None):
    return client.post(
        f"/api/v1/disbursements/{disbursement_id}/review",
        json={"decision": decision, "note": note},
        headers=headers,
    )


def approved(client, staff: Staff, case_id: int, amount: str) -> dict:
    """Request a payment and take it through its levels and the review; return it."""
    made = request(client, case_id, amount, staff.judge).get_json()
    answer = approve(client, made["id"], staff.director).get_json()
    if answer["status"] == "requested":
        answer = approve(client, made["id"], staff.leader).get_json()
    assert answer["status"] == "in_review", answer
    reviewed = review(client, made["id"], staff.finance)
    assert reviewed.status_code == 200, reviewed.get_json()
    return reviewed.get_json()
