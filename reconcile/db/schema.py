"""Every table of the service, for Alembic and the tests: importing this registers them all."""

from reconcile.db import (  # noqa: F401
    tables,
    tables_alerts,
    tables_deadlines,
    tables_parts,
    tables_payments,
    tables_plans,
    tables_rules,
    tables_search,
    tables_statements,
    tables_totals,
    tables_users,
)
from reconcile.db.tables import metadata

__all__ = ["metadata"]
