"""Every table of the service, for Alembic and the tests: importing this registers them all."""

from reconcile.db import tables, tables_alerts, tables_payments, tables_statements  # noqa: F401
from reconcile.db.tables import metadata

__all__ = ["metadata"]
