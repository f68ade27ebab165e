"""The filters and page keys the lists of disbursements share: 审批 (api/web/approvals.py)
and 付款记录 (api/web/payments.py). Their form is api/templates/disbursement_filters.html."""

from __future__ import annotations

from api.context import services
from api.web import listing
from reconcile.actors import Actor
from reconcile.disbursement_lists import DisbursementSort
from reconcile.disbursements import DisbursementKind
from reconcile.services import disbursement_lists, lookups

KINDS = tuple(DisbursementKind)
SORTS = tuple(DisbursementSort)


def courts_of(actor: Actor) -> list[str]:
    """Return the courts the actor's lists may filter by."""
    accounts = lookups.collection_accounts(services().uow(read_only=True), actor)
    return sorted({a["court"] for a in accounts} | set(actor.courts))


def chosen(courts: list[str]) -> tuple[dict, dict, list[str]]:
    """Return the filters of the request (kind, court, request days, amounts) as shown, the
    amounts as typed and the amounts refused."""
    amounts, typed, refused = listing.amount_args()
    shown = {
        "kind": listing.choice_arg("kind", KINDS),
        "court": listing.choice_arg("court", courts),
        "requested_from": listing.day_arg("from"),
        "requested_to": listing.day_arg("to"),
        **amounts,
    }
    return shown, typed, refused


def sort_of(default: DisbursementSort) -> DisbursementSort:
    """Return the sort the request chose, else `default`."""
    return DisbursementSort(listing.choice_arg("sort", SORTS, default))


def cursor(text: str, sort: DisbursementSort) -> tuple[int | None, int]:
    """Read the `after` of a page link: `amount.id` by largest, else an id."""
    amount, _, last_id = text.rpartition(".")
    if not last_id.isdigit() or (amount and not amount.isdigit()):
        return (None, 0)
    if sort is DisbursementSort.LARGEST:
        return (int(amount), int(last_id)) if amount else (None, 0)
    return (None, int(last_id))


def next_cursor(last: dict, sort: DisbursementSort) -> str:
    """Return the `after` of the link to the page after `last`."""
    amount, last_id = disbursement_lists.next_cursor(last, sort)
    return f"{amount}.{last_id}" if amount is not None else str(last_id)
