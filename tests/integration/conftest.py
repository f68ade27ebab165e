"""A registered court with a collection account, tokens for every role, case factories."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from reconcile.services import courts, tokens

COURT = "京0105"
OTHER_COURT = "沪0115"
COLLECTION_ACCOUNT = "0200001009014401234"
OTHER_COLLECTION_ACCOUNT = "0310001009014405678"
ROLES = ("enforcement", "finance", "approver", "desk", "admin")


@dataclass
class Court:
    code: str
    account: str
    tokens: dict[str, str]

    def headers(self, role: str, **extra) -> dict[str, str]:
        """A role's request headers. The tests read problems' English details (the API
        answers in Chinese unless asked: tests/integration/test_problem_language.py)."""
        return {"Authorization": f"Bearer {self.tokens[role]}", "Accept-Language": "en", **extra}


def _register_court(uow, admin, code: str, name: str, account: str, prefix: str) -> Court:
    courts.add_court(uow(), admin, code, name)
    courts.add_collection_account(
        uow(),
        admin,
        court=code,
        number=account,
        bank="中国工商银行",
        sub_account_prefix=prefix,
        court_accounts=["0200009999"],
    )
    issued = {
        role: tokens.create_token(uow(), admin, role=role, courts=[code], name=f"{role}")
        for role in ROLES
    }
    return Court(code, account, issued)


@pytest.fixture
def court(uow, admin) -> Court:
    return _register_court(uow, admin, COURT, "北京市朝阳区人民法院", COLLECTION_ACCOUNT, "8801")


@pytest.fixture
def other_court(uow, admin) -> Court:
    return _register_court(
        uow, admin, OTHER_COURT, "上海市浦东新区人民法院", OTHER_COLLECTION_ACCOUNT, "8802"
    )


_sequence = itertools.count(1000)


def case_body(court_code: str = COURT, **overrides) -> dict:
    """Return a valid registration body with a fresh case number."""
    body = {
        "case_number": f"（2026）{court_code}执{next(_sequence)}号",
        "court": court_code,
        # a sole applicant is entitled to it (reconcile/entitlements.py): room for the
        # payment tests' sums
        "amount_due": "500000.00",
        "applicants": [
            {
                "name": "北京华信商贸有限公司",
                "payee_accounts": [
                    {
                        "account_number": "110060149018800012345",
                        "account_name": "北京华信商贸有限公司",
                        "bank_name": "交通银行北京朝阳支行",
                    }
                ],
            }
        ],
        "respondents": [{"name": "张伟", "accounts": [{"account_number": "6222020200112233445"}]}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def register_case(client, court):
    """Register a case through the API; return its JSON."""

    def register(**overrides) -> dict:
        response = client.post(
            "/api/v1/cases",
            json=case_body(court.code, **overrides),
            headers=court.headers("enforcement"),
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return register
