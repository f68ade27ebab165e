"""Use cases: the verbs of the service. Each takes ids and primitives, writes the audit
trail, commits, and returns plain data. The API, the staff pages, the CLI and the
scheduler call these, not the stores below them.

A use case may import the domain and reconcile.db (stores, queries, the unit of work,
and reconcile.db.handles for the Engine or Connection it is given), but not SQLAlchemy
itself, not Flask and not api. Checked by `lint-imports` (contracts in pyproject.toml).
"""
