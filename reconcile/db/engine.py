"""Engines: SQLite for zero set-up (WAL, synchronous=FULL), PostgreSQL for production."""

from __future__ import annotations

import select
import time

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: a pooled connection idle longer than this is pinged before use (see _dropped)
PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(url: str, *, pool_size: int = 5, audit_key: str = "") -> Engine:
    """Return an engine for `url`, set up for correctness on its backend.

    `audit_key` ([audit] key) keys the audit chain and its checkpoints; it travels with
    the engine, so that every connection that appends to the chain has it, and nothing
    stores it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url).execution_options(audit_key=audit_key.encode())
    return _postgresql_engine(url, pool_size).execution_options(audit_key=audit_key.encode())


def _postgresql_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        if _dropped(engine.dialect, dbapi_connection, record.info):
            raise exc.InvalidatePoolError("the database closed the connection")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _dropped(dialect, dbapi_connection, info: dict) -> bool:
    """Tell whether the server dropped a pooled PostgreSQL connection, as pool_pre_ping
    would, but without its round trip on every checkout (a third of a balance read's).

    A restarted or terminating server says so on the socket (a FATAL message, then end
    of file), where an idle connection has nothing to read: a readable socket means the
    connection is gone, and most likely the others in the pool with it. A connection idle
    longer than PING_AFTER_IDLE_SECONDS is pinged as well, for the drops nobody announces
    (a firewall's idle timeout). A drop in between fails the one statement that meets it;
    SQLAlchemy then recycles the pool, and the next unit of work connects afresh.
    """
    if dbapi_connection.closed:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        return True
    checked_in_at = info.get("checked_in_at")  # None: connected for this checkout
    if checked_in_at is None or time.monotonic() - checked_in_at <= PING_AFTER_IDLE_SECONDS:
        return False
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error:
        return True
    return False


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock at BEGIN, so two writers queue on the busy
        # timeout instead of one failing at its first write ("database is locked").
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
