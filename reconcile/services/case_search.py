"""The case list: search, filter, sort, page, total and export the actor's cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reconcile.actors import Actor
from reconcile.case_search import CaseFilters, CaseSort, MatchKind, match_of
from reconcile.db import case_search_store, disbursement_store, registry
from reconcile.db.handles import Connection
from reconcile.db.uow import UnitOfWork
from reconcile.errors import ValidationFailed
from reconcile.permissions import Verb
from reconcile.services.access import require
from reconcile.services.cases import case_view
from reconcile.sub_accounts import CHECK_DIGITS, Typo, has_valid_check_digits, typo_neighbours

#: the most cases one export holds; more must be narrowed by the filters first
MAX_EXPORT_ROWS = 20_000
_EXPORT_PAGE = 500
#: the most orphan credits read for the filter "has orphans suggested to it" (bounded work)
MOST_ORPHANS_READ = 20_000


def search_cases(
    uow: UnitOfWork,
    actor: Actor,
    filters: CaseFilters,
    *,
    after: tuple[int, int] | None = None,
    limit: int = 50,
) -> dict:
    """Return a page of the actor's cases: `items`, and `next` (the key after it) or None.

    A search that finds nothing by a number that could be a sub-account offers the cases
    whose sub-account it misses by one typing error (`match` says which and why).
    """
    require(actor, Verb.READ)
    with uow:
        court_ids = _court_ids(uow.conn, actor)
        filters = _with_suggested(uow.conn, court_ids, filters)
        rows = case_search_store.list_cases(
            uow.conn, court_ids, filters, after=_key(filters.sort, after), limit=limit
        )
        items = _views(uow.conn, rows)
        if not items and after is None and filters.query is not None and filters.query.digits:
            return {"items": _near_misses(uow.conn, actor, filters.query.digits), "next": None}
    for item in items:
        kind = match_of(filters.query, item) if filters.query is not None else None
        item["match"] = {"kind": kind} if kind else None
    next_key = None
    if len(rows) == limit:
        last = rows[-1]
        next_key = (_int(case_search_store.sort_value(last, filters.sort)), last["id"])
    return {"items": items, "next": next_key}


def case_list_totals(uow: UnitOfWork, actor: Actor, filters: CaseFilters) -> dict:
    """Return the count and sums (fen) of every case the filters show, not just one page."""
    require(actor, Verb.READ)
    with uow:
        court_ids = _court_ids(uow.conn, actor)
        filters = _with_suggested(uow.conn, court_ids, filters)
        return case_search_store.case_totals(uow.conn, court_ids, filters)


def export_cases(uow: UnitOfWork, actor: Actor, filters: CaseFilters) -> list[dict]:
    """Return every case the filters show, in their order, for a download."""
    require(actor, Verb.READ)
    with uow:
        court_ids = _court_ids(uow.conn, actor)
        filters = _with_suggested(uow.conn, court_ids, filters)
        count = case_search_store.case_totals(uow.conn, court_ids, filters)["count"]
        if count > MAX_EXPORT_ROWS:
            raise ValidationFailed(
                "{count} cases match: narrow the filters to {most} or fewer",
                count=count,
                most=MAX_EXPORT_ROWS,
                field="format",
            )
        found, after = [], None
        while True:
            rows = case_search_store.list_cases(
                uow.conn, court_ids, filters, after=after, limit=_EXPORT_PAGE
            )
            found += _views(uow.conn, rows)
            if len(rows) < _EXPORT_PAGE:
                return found
            after = (case_search_store.sort_value(rows[-1], filters.sort), rows[-1]["id"])


def _with_suggested(conn: Connection, court_ids, filters: CaseFilters) -> CaseFilters:
    """Fill in the cases the orphans suggest when the filters ask for them."""
    if filters.suggested is None:
        return filters
    ids = case_search_store.suggested_case_ids(conn, court_ids, MOST_ORPHANS_READ)
    return replace(filters, suggested_ids=frozenset(ids))


def _views(conn: Connection, rows: list[dict]) -> list[dict]:
    """The cases as case_view shows them, what it reads per case read for them all."""
    ids = [r["id"] for r in rows]
    parties = case_search_store.parties_of_cases(conn, ids)
    payouts = disbursement_store.payouts_of_cases(conn, ids)
    fees = disbursement_store.fees_paid_of_cases(conn, ids)
    return [
        case_view(
            conn,
            row,
            parties[row["id"]],
            payouts=payouts.get(row["id"], {}),
            fees_paid=fees.get(row["id"], 0),
        )
        for row in rows
    ]


def _near_misses(conn: Connection, actor: Actor, typed: str) -> list[dict]:
    accounts = registry.accounts_of_courts(conn, None if actor.all_courts else sorted(actor.courts))
    reasons: dict[str, Typo] = {}
    for account in accounts:
        for number, reason in _neighbours_fitting(typed, account):
            reasons.setdefault(number, reason)
    rows = case_search_store.cases_by_sub_accounts(conn, [a["id"] for a in accounts], reasons)
    items = _views(conn, rows)
    for item in items:
        reason = reasons[item["sub_account_number"]]
        item["match"] = {
            "kind": MatchKind.SUB_ACCOUNT_NEAR_MISS,
            "reason": reason,
            "typo": reason.said(),
        }
    return items


def _neighbours_fitting(typed: str, account: dict):
    """Yield the numbers one typing error from `typed` that the account could have issued."""
    prefix, check = account["sub_account_prefix"], account["sub_account_check_digits"]
    length = len(prefix) + account["sub_account_width"] + (CHECK_DIGITS if check else 0)
    if abs(len(typed) - length) > 1:
        return
    for number, _, _, reason in typo_neighbours(typed):
        fits = len(number) == length and number.startswith(prefix)
        if fits and (not check or has_valid_check_digits(number)):
            yield number, reason


def _court_ids(conn: Connection, actor: Actor) -> list[int] | None:
    if actor.all_courts:
        return None
    return sorted(registry.court_ids(conn, sorted(actor.courts)).values())


def _key(sort: CaseSort, after: tuple[int, int] | None) -> tuple[object, int] | None:
    """The (sort value, id) a cursor's integers stand for."""
    if after is None:
        return None
    value, last_id = after
    if sort is CaseSort.FILED_ON:
        return date.fromordinal(max(1, min(value, date.max.toordinal()))), last_id
    return value, last_id


def _int(value: object) -> int:
    return value.toordinal() if isinstance(value, date) else int(value)
