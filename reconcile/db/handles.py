"""The database handles the layers above hold and pass on: an engine, a connection.

Named here so that a use case or the app can say what it holds without importing
SQLAlchemy, which only reconcile.db does.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

__all__ = ["Connection", "Engine"]
