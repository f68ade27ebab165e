"""The case list: cases by filters and search, in pages by key; their search keys.

Every query here is bounded by the page size and served by an index: the search keys'
(key, case_id), cases' (collection_account_id, sub_account_number), party accounts'
account_number, ledger accounts' case_id, alerts' case_id, and the cases' primary key
for the default order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    Connection,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    union,
)

from reconcile.alerts import AlertKind, AlertStatus
from reconcile.case_search import (
    CaseFilters,
    CaseSort,
    KeyKind,
    SearchQuery,
    name_keys,
    number_keys,
    prefix_range,
)
from reconcile.db.tables import cases, collection_accounts, courts, ledger_accounts, parties
from reconcile.db.tables import party_accounts as party_accounts_table
from reconcile.db.tables_alerts import alerts
from reconcile.db.tables_search import case_search_keys
from reconcile.db.tables_statements import statement_lines
from reconcile.ledger import BUCKETS, UNRESERVED_SIGN, Balance
from reconcile.statement_lines import LineStatus

cs, la, pa, k = cases.c, ledger_accounts.c, party_accounts_table.c, case_search_keys.c
REINDEX_BATCH = 2000
#: the alerts that mark a case overdue while they are not resolved
OVERDUE_KINDS = (AlertKind.NOTICE_OVERDUE, AlertKind.PAYMENT_OVERDUE)

_bucket = {b: func.coalesce(la[b], 0) for b in BUCKETS}
_unreserved = sum((sign * _bucket[b] for b, sign in UNRESERVED_SIGN.items()), literal(0))
#: `Balance.available` in SQL: never below zero
_available = case((_unreserved > 0, _unreserved), else_=0)
SORT_COLUMNS = {
    CaseSort.REGISTERED: cs.id,
    CaseSort.FILED_ON: cs.filed_on,
    CaseSort.RECEIVED: _bucket["received"],
    CaseSort.AVAILABLE: _available,
}

_CASES = (
    select(
        cases,
        courts.c.code.label("court"),
        collection_accounts.c.account_number.label("collection_account"),
        la.id.label("ledger_account_id"),
        *[la[b] for b in BUCKETS],
    )
    .join(courts, courts.c.id == cs.court_id)
    .join(collection_accounts, collection_accounts.c.id == cs.collection_account_id)
    .outerjoin(ledger_accounts, la.case_id == cs.id)
)


def list_cases(
    conn: Connection,
    court_ids: Sequence[int] | None,
    filters: CaseFilters,
    *,
    after: tuple[object, int] | None,
    limit: int,
) -> list[dict]:
    """Return a page of cases in the filters' order, after the (sort value, id) given.

    The page's ids are chosen first, from as narrow a row as the filters allow (the case
    ledgers alone when no filter needs the case), so that a sort by a balance is a top-N
    over two integers; then those cases are read whole.
    """
    order = SORT_COLUMNS[filters.sort]
    ids, id_column = _candidates(court_ids, filters)
    if after is not None:
        ids = ids.where(_after(order, id_column, after, filters.descending))
    direction = (lambda c: c.desc()) if filters.descending else (lambda c: c.asc())
    ids = ids.order_by(direction(order), direction(id_column)).limit(limit)
    page = list(conn.execute(ids).scalars())
    if not page:
        return []
    rows = {r.id: _case_row(r) for r in conn.execute(_CASES.where(cs.id.in_(page)))}
    return [rows[case_id] for case_id in page]


def case_totals(conn: Connection, court_ids: Sequence[int] | None, filters: CaseFilters) -> dict:
    """Return the count and the bucket sums (fen) of every case the filters show."""
    sums = [func.coalesce(func.sum(_bucket[b]), 0).label(b) for b in BUCKETS]
    available = func.coalesce(func.sum(_available), 0).label("available")
    count = func.count().label("count")
    query, _ = _candidates(court_ids, filters, count, *sums, available, ordered=False)
    return {key: int(value) for key, value in conn.execute(query).one()._mapping.items()}


def _candidates(court_ids: Sequence[int] | None, f: CaseFilters, *columns, ordered: bool = True):
    """Select `columns` (default: the id) of the cases the filters show; and the id column.

    Without a filter on the case itself, the case ledgers alone answer (one narrow table),
    unless the order is the case's own (registration, filing day: the cases' index).
    """
    of_case = f.query is not None or f.status is not None or f.overdue is not None
    of_case = of_case or f.suggested is not None
    if not of_case and not (ordered and f.sort in (CaseSort.REGISTERED, CaseSort.FILED_ON)):
        ledgers = select(*(columns or [la.case_id])).select_from(ledger_accounts)
        return ledgers.where(la.kind == "case", *_ledger_conditions(court_ids, f)), la.case_id
    query = (
        select(*(columns or [cs.id]))
        .select_from(cases)
        .outerjoin(ledger_accounts, la.case_id == cs.id)
        .where(*_conditions(court_ids, f))
    )
    return query, cs.id


def _ledger_conditions(court_ids: Sequence[int] | None, f: CaseFilters) -> list:
    """The filters as conditions on the case ledgers alone (courts by collection account)."""
    accounts = collection_accounts.c
    found = []
    if court_ids is not None:
        found.append(
            la.collection_account_id.in_(
                select(accounts.id).where(accounts.court_id.in_(court_ids))
            )
        )
    if f.court is not None:
        court = select(courts.c.id).where(courts.c.code == f.court).scalar_subquery()
        found.append(
            la.collection_account_id.in_(select(accounts.id).where(accounts.court_id == court))
        )
    return found + _balance_conditions(f)


def _balance_conditions(f: CaseFilters) -> list:
    found = []
    if f.held is not None:
        found.append(_bucket["held"] > 0 if f.held else _bucket["held"] == 0)
    if f.available_gt is not None:
        found.append(_available > f.available_gt)
    return found


def sort_value(row: dict, sort: CaseSort) -> object:
    """Return the value a row is ordered by (for the next page's key)."""
    if sort is CaseSort.REGISTERED:
        return row["id"]
    if sort is CaseSort.FILED_ON:
        return row["filed_on"]
    balance = row["balance"] or Balance()
    return balance.received if sort is CaseSort.RECEIVED else balance.available


def cases_by_sub_accounts(
    conn: Connection, account_ids: Sequence[int], numbers: Iterable[str]
) -> list[dict]:
    """Return the cases with any of these sub-account numbers under these accounts."""
    wanted = sorted(set(numbers))
    if not wanted or not account_ids:
        return []
    query = _CASES.where(
        cs.collection_account_id.in_(account_ids), cs.sub_account_number.in_(wanted)
    ).order_by(cs.id)
    return [_case_row(r) for r in conn.execute(query)]


def parties_of_cases(conn: Connection, case_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Return each case's parties with their accounts, in filing order (one query)."""
    found: dict[int, dict[int, dict]] = {case_id: {} for case_id in case_ids}
    if not case_ids:
        return {}
    rows = conn.execute(
        select(
            parties, pa.account_number, pa.account_name, pa.bank_name, pa.kind, pa.id.label("aid")
        )
        .outerjoin(party_accounts_table, pa.party_id == parties.c.id)
        .where(parties.c.case_id.in_(case_ids))
        .order_by(parties.c.id, pa.id)
    )
    for row in rows:
        party = found[row.case_id].setdefault(
            row.id,
            {
                "id": row.id,
                "role": row.role,
                "name": row.name,
                "amount_due": row.amount_due,
                "claim_order": row.claim_order,
                "accounts": [],
            },
        )
        if row.aid is not None:
            party["accounts"].append(
                {
                    "account_number": row.account_number,
                    "account_name": row.account_name,
                    "bank_name": row.bank_name,
                    "kind": row.kind,
                }
            )
    return {case_id: list(by_party.values()) for case_id, by_party in found.items()}


def index_case(conn: Connection, case_id: int) -> None:
    """Write (again) the search keys of one case."""
    conn.execute(delete(case_search_keys).where(k.case_id == case_id))
    _insert_keys(conn, [case_id])


def reindex_cases(conn: Connection) -> int:
    """Rebuild every case's search keys; return how many cases were indexed."""
    conn.execute(delete(case_search_keys))
    last, count = 0, 0
    while True:
        ids = (
            conn.execute(select(cs.id).where(cs.id > last).order_by(cs.id).limit(REINDEX_BATCH))
            .scalars()
            .all()
        )
        if not ids:
            return count
        _insert_keys(conn, ids)
        last, count = ids[-1], count + len(ids)


def _insert_keys(conn: Connection, case_ids: Sequence[int]) -> None:
    keys: dict[tuple[int, str], str] = {}
    for row in conn.execute(select(cs.id, cs.case_number).where(cs.id.in_(case_ids))):
        for key in number_keys(row.case_number):
            keys.setdefault((row.id, key), KeyKind.CASE_NUMBER)
    names = select(parties.c.case_id, parties.c.role, parties.c.name).where(
        parties.c.case_id.in_(case_ids)
    )
    for row in conn.execute(names):
        for key in name_keys(row.name):
            keys.setdefault((row.case_id, key), KeyKind(row.role))
    if keys:
        conn.execute(
            insert(case_search_keys),
            [{"case_id": c, "key": key, "kind": kind} for (c, key), kind in keys.items()],
        )


def _conditions(court_ids: Sequence[int] | None, f: CaseFilters) -> list:
    found = []
    if court_ids is not None:
        found.append(cs.court_id.in_(court_ids))
    if f.court is not None:
        found.append(
            cs.court_id == select(courts.c.id).where(courts.c.code == f.court).scalar_subquery()
        )
    if f.status is not None:
        found.append(cs.status == f.status)
    if f.overdue is not None:
        overdue = exists().where(
            alerts.c.case_id == cs.id,
            alerts.c.kind.in_(OVERDUE_KINDS),
            alerts.c.status != AlertStatus.RESOLVED,
        )
        found.append(overdue if f.overdue else ~overdue)
    found += _balance_conditions(f)
    if f.suggested is not None:
        suggested = cs.id.in_(sorted(f.suggested_ids or ()))
        found.append(suggested if f.suggested else ~suggested)
    if f.query is not None:
        found.append(_matches(court_ids, f.query))
    return found


def suggested_case_ids(conn: Connection, court_ids: Sequence[int] | None, most: int) -> set[int]:
    """Return the cases the orphan credits of the courts suggest (their stored ranked
    candidates), reading at most `most` orphans, oldest first (ix_statement_lines_status)."""
    sl = statement_lines.c
    query = select(sl.suggestions).where(
        sl.status == LineStatus.ORPHAN, sl.direction == "credit", sl.suggestions.is_not(None)
    )
    if court_ids is not None:
        accounts = collection_accounts.c
        query = query.where(
            sl.collection_account_id.in_(
                select(accounts.id).where(accounts.court_id.in_(court_ids))
            )
        )
    found: set[int] = set()
    for (suggestions,) in conn.execute(query.order_by(sl.id).limit(most)):
        found |= {s["case_id"] for s in suggestions or () if isinstance(s, dict) and "case_id" in s}
    return found


def _matches(court_ids: Sequence[int] | None, query: SearchQuery):
    """The condition on a case that the search matches it."""
    if query.case_number is not None:
        return cs.case_number == query.case_number
    candidates = []
    for prefix in query.prefixes:
        low, high = prefix_range(prefix)
        candidates.append(select(k.case_id).where(k.key >= low, k.key < high))
    if query.digits:
        low, high = prefix_range(query.digits)
        candidates.append(
            select(pa.case_id).where(pa.account_number >= low, pa.account_number < high)
        )
        accounts = select(collection_accounts.c.id)
        if court_ids is not None:
            accounts = accounts.where(collection_accounts.c.court_id.in_(court_ids))
        candidates.append(
            select(cs.id).where(
                cs.collection_account_id.in_(accounts),
                cs.sub_account_number >= low,
                cs.sub_account_number < high,
            )
        )
    if not candidates:
        return false()
    return cs.id.in_(union(*candidates) if len(candidates) > 1 else candidates[0])


def _after(order, id_column, after: tuple[object, int], descending: bool):
    value, last_id = after
    if order is cs.id:
        return id_column < last_id if descending else id_column > last_id
    if descending:
        return or_(order < value, and_(order == value, id_column < last_id))
    return or_(order > value, and_(order == value, id_column > last_id))


def _case_row(row) -> dict:
    found = dict(row._mapping)
    buckets = {b: found.pop(b) for b in BUCKETS}
    found["balance"] = Balance(**buckets) if found["ledger_account_id"] is not None else None
    return found
