"""Per-account, per-day totals: what the daily reconciliation reads instead of every line.

A projection of `statement_lines` (bank side) and `ledger_entries` (book side), moved by
row-level increments in the same transaction as the rows that change it
(reconcile/db/daily_totals.py); `reconcile ledger verify` re-derives it.
"""

from sqlalchemy import Column, Date, ForeignKey, Integer, Table

from reconcile.db.tables import Fen, Id, metadata

daily_totals = Table(
    "daily_totals",
    metadata,
    Column("collection_account_id", Id, ForeignKey("collection_accounts.id"), primary_key=True),
    #: the bank's booking date: a line's, and an entry's line's (else its local posting day)
    Column("day", Date, primary_key=True),
    #: bank side: credits − debits of the day's lines that are not void, and how many
    Column("bank", Fen, nullable=False, server_default="0"),
    Column("lines", Integer, nullable=False, server_default="0"),
    #: book side: received − paid on the case ledgers and on the suspense ledger
    Column("cases", Fen, nullable=False, server_default="0"),
    Column("suspense", Fen, nullable=False, server_default="0"),
    Column("approved_unpaid", Fen, nullable=False, server_default="0"),
)
