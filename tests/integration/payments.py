"""Fixtures and helpers of the payment tests: more people of the court, funded cases."""

from __future__ import annotations

import pytest

from reconcile.services import tokens
from tests.integration.money import credit_case

PAYEE = "110060149018800012345"  #: the applicant's payee account in conftest's case_body


@pytest.fixture
def people(uow, admin, court):
    """Return a factory of bearer headers for more people of the court, by role and name."""

    def headers(role: str, name: str) -> dict[str, str]:
        token = tokens.create_token(uow(), admin, role=role, courts=[court.code], name=name)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def funded_case(register_case, engine):
    """Register a case and credit it; return (case, credit in fen)."""

    def make(fen: int, **overrides) -> dict:
        case = register_case(**overrides)
        credit_case(engine, case["id"], fen)
        return case

    return make


def balance(client, court, case_id: int) -> dict:
    response = client.get(f"/api/v1/cases/{case_id}", headers=court.headers("finance"))
    return response.get_json()["balance"]
