"""Refunds as finance reads them beside the orphans: the rejected ones, with the reason."""

from __future__ import annotations

from collections import defaultdict

from reconcile.actors import Actor
from reconcile.db import refund_reads
from reconcile.db.uow import UnitOfWork
from reconcile.permissions import Verb
from reconcile.services.access import require


def rejected_refunds(uow: UnitOfWork, actor: Actor, lines: list[dict]) -> dict[int, list[dict]]:
    """Return, per statement line shown, its refunds an approver rejected, oldest first."""
    require(actor, Verb.RESOLVE_ORPHAN)
    seen = [line["id"] for line in lines if actor.may_see(line["court"])]
    with uow:
        rows = refund_reads.rejected_refunds_of(uow.conn, seen)
    by_line: defaultdict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_line[row["transaction_id"]].append(row)
    return dict(by_line)


#: open refunds shown at once; more than this is not a day's work
MOST_OPEN = 200


def open_refunds(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Return the refunds finance still works on (to approve, to pay, to confirm)."""
    require(actor, Verb.RESOLVE_ORPHAN)
    with uow:
        return refund_reads.open_refunds(
            uow.conn, None if actor.all_courts else actor.courts, MOST_OPEN
        )
