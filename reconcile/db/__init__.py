"""Persistence: tables, migrations, engine, unit of work, stores and queries.

The only package that imports SQLAlchemy (and alembic). It may import the domain, never
reconcile.services or api. What the layers above need to name an engine or a connection
they are handed is in reconcile.db.handles. Checked by `lint-imports` (pyproject.toml).
"""
