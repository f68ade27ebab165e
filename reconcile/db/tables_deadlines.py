"""The deadline scan's claims: one row per batch of cases, locked by the scanner working on it.

A batch is a range of case ids (reconcile/services/deadlines.py: SCAN_BATCH_CASES), so every
scanner names the same batches. A scanner locks the row (FOR UPDATE SKIP LOCKED on
PostgreSQL) for as long as it works on the batch, and records when it began: another scan
as of the same day that started before that has nothing left to do there.
"""

from sqlalchemy import Column, Date, Integer, Table

from reconcile.db.tables import Timestamp, metadata

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
