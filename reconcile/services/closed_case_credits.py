"""Money that reached a closed case: the `resume_needed` alert (终结本次执行 → 恢复执行).

The import calls `alert_import` once its credits are posted; the manual placements
(assign, split, bulk assign) call `alert_placed` for each part put on such a case.
"""

from __future__ import annotations

from datetime import date

from reconcile.actors import Actor
from reconcile.alerts import AlertKind
from reconcile.closed_case_credits import resume_needed
from reconcile.db import alert_store, closed_case_store
from reconcile.db.uow import UnitOfWork
from reconcile.money import format_yuan


def alert_import(uow: UnitOfWork, actor: Actor, court: str, import_id: int) -> int:
    """Raise `resume_needed` for each credit of the import placed on a closed case."""
    found = closed_case_store.credits_on_closed_cases(uow.conn, import_id)
    for line in found:
        if line["match_rule"] == "returned_payment":
            continue  # a returned payout is alerted as payment_returned
        alert_placed(
            uow,
            actor,
            court=court,
            case={k: line[k] for k in ("case_id", "case_number", "closure_type")},
            transaction_id=line["id"],
            amount=line["amount"],
            booked_on=line["booked_on"],
            how=line["match_rule"],
        )
    return len(found)


def alert_placed(
    uow: UnitOfWork,
    actor: Actor,
    *,
    court: str,
    case: dict,
    transaction_id: int,
    amount: int,
    booked_on: date,
    how: str,
) -> None:
    """Raise `resume_needed` for money placed on `case` when the case is closed and may
    resume; do nothing for an open case. `case` has case_id, case_number, closure_type
    (and status, when it may be open)."""
    if not resume_needed(case.get("status", "closed"), case["closure_type"]):
        return
    alert_store.raise_alert(
        uow,
        actor,
        kind=AlertKind.RESUME_NEEDED,
        court=court,
        subject=f"case:{case['case_id']}:resume:transaction:{transaction_id}",
        case_id=case["case_id"],
        transaction_id=transaction_id,
        facts={
            "case_number": case["case_number"],
            "closure_type": case["closure_type"],
            "amount": format_yuan(amount),
            "booked_on": booked_on.isoformat(),
            "placed_by": how,
        },
    )
