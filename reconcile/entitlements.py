"""Each applicant's entitlement (申请执行人应得款, art. 20, 22): payouts within its unpaid part.

An applicant's entitlement is its own `amount_due` where registration gave one; a case with
a single applicant entitles it to the case's `amount_due`; with several applicants and no
amount given, the entitlement is unknown (None) and only the case's available money limits
what its accounts receive.

    due    = entitled − paid                     (what the applicant is still owed)
    unpaid = entitled − paid − reserved          (what may still be requested for it)

`reserved` is what requested, in-review or approved payments to the applicant's accounts
hold back and the bank has not paid yet. Pure domain: the caller reads the figures (locking
the case's ledger first, so two requests cannot both take the same unpaid part).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.errors import N_, DomainError, Message
from reconcile.money import format_yuan


class ExceedsEntitlement(DomainError):
    """A payment to an applicant's account above that applicant's unpaid entitlement."""

    code = "exceeds_entitlement"


@dataclass(frozen=True, slots=True)
class Entitlement:
    party_id: int
    name: str
    entitled: int | None  #: fen; None: not stated (several applicants, none given)
    paid: int = 0  #: fen paid to its accounts (marked paid or confirmed)
    reserved: int = 0  #: fen requested or approved for its accounts, not paid yet
    order: int | None = None  #: its rank for a distribution `order` plan, where given

    @property
    def due(self) -> int | None:
        """Return what the applicant is still owed (never below zero), or None if unknown."""
        return None if self.entitled is None else max(0, self.entitled - self.paid)

    @property
    def unpaid(self) -> int | None:
        """Return what may still be requested for the applicant, or None if unknown."""
        return None if self.entitled is None else max(0, self.entitled - self.paid - self.reserved)


class EntitlementsUnpaid(DomainError):
    """A refund to the respondent while an applicant is still owed (or owed an unknown sum)."""

    code = "entitlements_unpaid"


def entitled_amount(own: int | None, case_amount_due: int, applicant_count: int) -> int | None:
    """Return an applicant's entitlement: its own amount, else the case's if it is alone."""
    if own is not None:
        return own
    return case_amount_due if applicant_count == 1 else None


def check_within_entitlement(entitlement: Entitlement, amount: int) -> None:
    """Refuse a payment (fen) above the applicant's unpaid entitlement (ExceedsEntitlement)."""
    unpaid = entitlement.unpaid
    if unpaid is not None and amount > unpaid:
        raise ExceedsEntitlement(
            "{amount} yuan exceeds what {applicant} is still owed and "
            "not yet requested ({unpaid} yuan)",
            amount=format_yuan(amount),
            applicant=entitlement.name,
            unpaid=format_yuan(unpaid),
        )


def entitlements_outstanding(entitlements: list[Entitlement]) -> list[Entitlement]:
    """Return the applicants whose entitlement is not fully paid or requested (or unknown).

    A refund to the respondent waits for these unless its court document says otherwise."""
    return [e for e in entitlements if e.unpaid is None or e.unpaid > 0]


def check_refund_allowed(entitlements: list[Entitlement], document_overrides: bool) -> None:
    """Refuse a refund to the respondent while an applicant's entitlement is unpaid or
    unknown (EntitlementsUnpaid), unless its court document orders it all the same."""
    waiting = entitlements_outstanding(entitlements)
    if waiting and not document_overrides:
        raise EntitlementsUnpaid(
            "the applicants are still owed: {owed}; "
            "a refund to the respondent waits unless its document orders it",
            applicants=[e.name for e in waiting],
            owed=[_owed(e) for e in waiting],
        )


def _owed(entitlement: Entitlement) -> Message:
    if entitlement.unpaid is None:
        return Message(N_("{applicant} (unknown)"), {"applicant": entitlement.name})
    return Message(
        N_("{applicant} ({unpaid})"),
        {"applicant": entitlement.name, "unpaid": format_yuan(entitlement.unpaid)},
    )
