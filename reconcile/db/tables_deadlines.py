"""The deadline scan's claims: one row per batch of cases, locked by the scanner working on it;
and each case's next due day, so that a scan reads only the cases whose clocks may change
what it raises.

A batch is a range of case ids (reconcile/services/deadlines.py: SCAN_BATCH_CASES), so every
scanner names the same batches. A scanner locks the row (FOR UPDATE SKIP LOCKED on
PostgreSQL) for as long as it works on the batch, and records when it began: another scan
as of the same day that started before that has nothing left to do there.
"""

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table

from reconcile.db.tables import Id, Timestamp, metadata

deadline_scan_batches = Table(
    "deadline_scan_batches",
    metadata,
    #: case ids from batch × SCAN_BATCH_CASES, up to the next batch's
    Column("batch", Integer, primary_key=True, autoincrement=False),
    Column("as_of", Date),  #: the day the last scan of the batch scanned as of
    Column("scanned_at", Timestamp),  #: when it began (the database's clock)
    Column("cases", Integer, nullable=False, server_default="0"),  #: cases it computed
    Column("raised", Integer, nullable=False, server_default="0"),  #: alerts it raised
)

#: Per case, when its clocks are next worth computing (reconcile.deadlines.next_change).
#: The writers of what the clocks are computed from (ledger entries, payment requests and
#: their approvals, deferrals, the case's status) count a change in their own transaction
#: (reconcile/db/deadline_marks.py: `changes`); the scan computes the cases that changed
#: since it last computed them (`changes` is not `scanned_changes`), are due (next_due <=
#: its day), were computed last as of a later day, or under other rules or another calendar
#: (basis), and stores what it found and the count it read before reading their facts.
#: Writers write only `changes`, the scan only the rest, and the scan writes only rows no
#: writer holds (SKIP LOCKED) in a transaction of its own: neither ever waits on the other.
#: A case without a row is computed too (its row is made then).
case_deadline_due = Table(
    "case_deadline_due",
    metadata,
    Column("case_id", Id, ForeignKey("cases.id"), primary_key=True, autoincrement=False),
    #: the first day a clock of the case may become due soon or overdue; null: none can
    #: until a fact changes
    Column("next_due", Date),
    #: the changes to its facts the writers counted
    Column("changes", Integer, nullable=False, server_default="1"),
    Column("scanned_changes", Integer),  #: the count the last scan read (null: never scanned)
    Column("scanned_on", Date),  #: the day the last scan computed it as of
    Column("basis", String(16)),  #: the rules and calendar it was computed under (a digest)
    Index("ix_case_deadline_due_next_due", "next_due"),
)
