"""What is still open on a case when it is to be closed (reconcile.case_closing)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from reconcile.case_closing import OpenBusiness
from reconcile.db.tables import ledger_accounts
from reconcile.db.tables_payments import deferrals, disbursements, holds
from reconcile.deferrals import DeferralStatus
from reconcile.disbursements import DisbursementStatus as S
from reconcile.holds import HoldStatus

#: a disbursement still on its way: its money is neither back nor confirmed paid
ON_ITS_WAY = (S.REQUESTED, S.IN_REVIEW, S.APPROVED, S.MARKED_PAID)
OPEN_DEFERRALS = (DeferralStatus.REQUESTED, DeferralStatus.APPROVED)


def lock_case_ledger(conn: Connection, case_id: int) -> None:
    """Lock the case's ledger row until the transaction ends: postings, holds and requests
    of the case wait for the close (they all move this row)."""
    conn.execute(
        select(ledger_accounts.c.id).where(ledger_accounts.c.case_id == case_id).with_for_update()
    )


def open_business(conn: Connection, case_id: int) -> OpenBusiness:
    def count(table, statuses) -> int:
        return conn.execute(
            select(func.count())
            .select_from(table)
            .where(table.c.case_id == case_id, table.c.status.in_(tuple(statuses)))
        ).scalar_one()

    return OpenBusiness(
        active_holds=count(holds, (HoldStatus.ACTIVE,)),
        open_disbursements=count(disbursements, ON_ITS_WAY),
        open_deferrals=count(deferrals, OPEN_DEFERRALS),
    )
