"""Search keys of cases: what the case list's search box finds a case by.

A projection of `cases` and `parties` (reconcile/case_search.py says which keys), written
when a case is registered; `reindex_cases` rebuilds it. Keys compare in code point order
(collation "C" on PostgreSQL, SQLite's default), so a prefix is one index range.
"""

from sqlalchemy import Column, ForeignKey, Index, String, Table

from reconcile.db.tables import Id, metadata

#: code point order whatever the database's default collation
Key = String(64).with_variant(String(64, collation="C"), "postgresql")

case_search_keys = Table(
    "case_search_keys",
    metadata,
    Column("case_id", Id, ForeignKey("cases.id"), primary_key=True),
    Column("key", Key, primary_key=True),  #: folded: reconcile.case_search.fold
    Column("kind", String(16), nullable=False),  #: reconcile.case_search.KeyKind
)
Index("ix_case_search_keys_key", case_search_keys.c.key, case_search_keys.c.case_id)
