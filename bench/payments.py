"""Many payments in a bench book, in bulk: the rows the lists 付款记录 and 审批 read (#20).

    python bench/payments.py sqlite:////work/bench_books/small.db 100000

Paying 100,000 cases through the use cases (request, approve, mark paid: about 45 ms of
the three on SQLite) would take more than an hour, so this writes in bulk what those use
cases write to the two tables the lists read:

- `disbursements`: one row per payment, as `request_disbursement` inserts it (kind
  payment, the case's court, account and ledger, the requester `enforcement:bench`, one
  level, `level_positions` null), moved on as `approve_disbursement` (approvals_count 1,
  decided_at), `reject_disbursement` (decided_at), `mark_paid` (bank_reference,
  marked_paid_by, paid_on) and the statement's confirmation (confirmed_at) leave it;
- `approvals`: the decision of each one decided, as `approving.decide_in` records it
  (level 1, by `approver:bench`);
- `disbursement_counts`: the payments counted in, as each use case counts its own.

Not written: the ledger postings of the payments' money (reserved, approved, paid), their
daily totals and their audit records, and no statement debit confirms a paid one
(`transaction_id` stays null). So the case pages, the reconciliation and the ledger are
as the book was; only the payment lists see the payments. The 20 payments the scale
bench makes through the use cases have all of those rows.

Statuses (of N): 11 % requested (waiting for an approver), 9 % approved, 5 % marked
paid, 73 % paid, 2 % rejected; requested over the bench's 300 days; amounts 100.00 to
50,000.00 yuan (fen), over the cases in turn.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (status, share of the payments), in the order the rows are written
STATUSES = (
    ("paid", 73),
    ("marked_paid", 5),
    ("rejected", 2),
    ("approved", 9),
    ("requested", 11),
)
FIRST_DAY = date(2026, 1, 5)
DAYS = 300
BATCH = 5000
REQUESTER = ("执行", "enforcement:bench")
APPROVER = ("审批", "approver:bench")
FINANCE = "财务"


def add_payments(engine, count: int, seed: int = 20) -> dict[str, int]:
    """Add `count` payments to the book at `engine` (see the module); return per status."""
    from sqlalchemy import insert, select

    from reconcile.db import disbursement_counts
    from reconcile.db.tables import cases, ledger_accounts
    from reconcile.db.tables_payments import approvals, disbursements

    rng = random.Random(seed)
    with engine.connect() as conn:
        books = conn.execute(
            select(
                cases.c.id, cases.c.court_id, cases.c.collection_account_id, ledger_accounts.c.id
            )
            .join(ledger_accounts, ledger_accounts.c.case_id == cases.c.id)
            .order_by(cases.c.id)
        ).all()
    plan = [s for s, share in STATUSES for _ in range(count * share // 100)]
    plan += ["requested"] * (count - len(plan))
    made: dict[str, int] = {}
    rows, decisions = [], []
    with engine.begin() as conn:
        next_id = (conn.execute(select(disbursements.c.id).order_by(disbursements.c.id.desc()))
                   .scalars().first() or 0) + 1  # fmt: skip
        for n, status in enumerate(plan):
            case_id, court_id, account_id, ledger_id = books[n % len(books)]
            day = FIRST_DAY + timedelta(days=n * DAYS // max(count, 1))
            at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(seconds=n % 36_000)
            row = _requested(next_id + n, case_id, court_id, account_id, ledger_id, rng, at)
            if status != "requested":
                decided = at + timedelta(hours=2)
                row["decided_at"] = decided
                approve = status != "rejected"
                row["approvals_count"] = 1 if approve else 0
                decisions.append(_decision(row["id"], approve, decided))
            if status in ("marked_paid", "paid"):
                row["bank_reference"] = f"B{row['id']:010d}"
                row["marked_paid_by"] = FINANCE
                row["paid_on"] = day + timedelta(days=1)
            if status == "paid":
                row["confirmed_at"] = at + timedelta(days=2)
            row["status"] = status
            rows.append(row)
            made[status] = made.get(status, 0) + 1
            if len(rows) >= BATCH:
                _flush(conn, insert, disbursements, approvals, rows, decisions)
        _flush(conn, insert, disbursements, approvals, rows, decisions)
        # as the use cases count each one in (disbursement_counts.moved): all at once
        disbursement_counts.add_counted(conn, disbursements.c.id >= next_id)
        if conn.dialect.name == "postgresql":  # the ids were given: the next one follows
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('disbursements', 'id'), max(id)) "
                "FROM disbursements"
            )
    return made


def _requested(id_, case_id, court_id, account_id, ledger_id, rng, at) -> dict:
    return {
        "id": id_,
        "kind": "payment",
        "court_id": court_id,
        "collection_account_id": account_id,
        "ledger_account_id": ledger_id,
        "case_id": case_id,
        "amount": rng.randrange(10_000, 5_000_001, 100),
        "payee_account_number": f"6222{case_id:015d}",
        "note": "发放案款",
        "levels_required": 1,
        "approvals_count": 0,
        "requested_by": REQUESTER[0],
        "requested_by_id": REQUESTER[1],
        "requested_at": at,
        "decided_at": None,
        "bank_reference": None,
        "marked_paid_by": None,
        "paid_on": None,
        "confirmed_at": None,
        "level_positions": None,
        "review_required": False,
    }


def _decision(subject_id: int, approve: bool, at: datetime) -> dict:
    return {
        "subject_type": "disbursement",
        "subject_id": subject_id,
        "level": 1,
        "decision": "approve" if approve else "reject",
        "approver_id": APPROVER[1],
        "approver_name": APPROVER[0],
        "approver_position": None,
        "note": None,
        "decided_at": at,
    }


def _flush(conn, insert, disbursements, approvals, rows: list, decisions: list) -> None:
    if rows:
        conn.execute(insert(disbursements), rows)
    if decisions:
        conn.execute(insert(approvals), decisions)
    rows.clear()
    decisions.clear()


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    from reconcile.db.engine import make_engine

    engine = make_engine(url)
    made = add_payments(engine, count)
    if not url.startswith("sqlite"):
        _fresh_statistics(engine)
    engine.dispose()
    print(f"added {sum(made.values()):,} payments: {made}")


def _fresh_statistics(engine) -> None:
    """As autovacuum would after a load this size (see scale_bench.run_size)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE disbursements")
        conn.exec_driver_sql("VACUUM ANALYZE approvals")


if __name__ == "__main__":
    main()
