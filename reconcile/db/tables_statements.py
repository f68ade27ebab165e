"""Tables of the statements area; they share `metadata` with reconcile/db/tables.py."""

from reconcile.db.tables import metadata  # noqa: F401
