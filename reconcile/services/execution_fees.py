"""The execution fee of a case (reconcile.execution_fees), for the fee calculator."""

from __future__ import annotations

from reconcile.actors import Actor
from reconcile.db import registry
from reconcile.db.uow import UnitOfWork
from reconcile.errors import NotFound
from reconcile.execution_fees import execution_fee, schedule_from, total
from reconcile.permissions import Verb
from reconcile.services.access import require


def case_execution_fee(
    uow: UnitOfWork, actor: Actor, case_id: int, basis: int | None, settings: dict
) -> dict:
    """Return the fee on `basis` (fen; default: what the case has received), band by band."""
    require(actor, Verb.READ)
    with uow:
        case = registry.case_by_id(uow.conn, case_id)
    if case is None or not actor.may_see(case["court"]):
        raise NotFound("case not found")
    received = case["balance"].received if case["balance"] else 0
    basis_given = basis is not None
    basis = basis if basis_given else received
    parts = execution_fee(schedule_from(settings), basis)
    return {
        "case_id": case_id,
        "case_number": case["case_number"],
        "basis": basis,
        "basis_source": "given" if basis_given else "received",
        "received": received,
        "fee": total(parts),
        "bands": [
            {
                "above": p.band.above,
                "up_to": p.band.up_to,
                "fixed": p.band.fixed,
                "rate": None if p.band.rate is None else str(p.band.rate),
                "base": p.base,
                "fee": p.fee,
            }
            for p in parts
        ],
    }
