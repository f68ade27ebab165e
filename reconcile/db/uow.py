"""The unit of work: one database transaction that rolls back unless committed.

Use cases are the only place that commit. The audit records a use case writes are
chained onto the trail at commit, inside the same transaction as the change.

A read-only unit of work on PostgreSQL runs without an explicit transaction: each
statement is its own, which at READ COMMITTED (every statement its own snapshot) reads
what a transaction would, without the BEGIN and ROLLBACK round trips. It may not commit,
and has nothing to scope a SET LOCAL or a row lock to. On SQLite it is a deferred
transaction: one snapshot for all its reads.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine

from reconcile.actors import Actor
from reconcile.audit import AuditEntry, to_json_data
from reconcile.db import audit_log, disbursement_counts
from reconcile.db.engine import is_sqlite

BeginHook = Callable[[Connection], None]


class UnitOfWork:
    """`with uow: ...; uow.commit()` — anything not committed is rolled back."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self._on_begin: list[BeginHook] = []
        self._audit: list[AuditEntry] = []
        self.conn: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        conn = self.engine.connect()
        if self.read_only and is_sqlite(self.engine):
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        elif self.read_only:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        self.conn = conn
        conn.begin()
        self._audit = []
        try:
            for hook in self._on_begin:
                hook(conn)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.conn is not None
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
        finally:
            self.conn.close()
            self.conn = None

    def on_begin(self, hook: BeginHook) -> None:
        """Run `hook` first thing in the transaction (e.g. claim an idempotency key)."""
        self._on_begin.append(hook)

    def audit(
        self,
        actor: Actor,
        action: str,
        entity_type: str,
        entity_id: object,
        *,
        court: str | None = None,
        before: object = None,
        after: object = None,
    ) -> None:
        """Record a state change; it is written with the change, or not at all."""
        self._audit.append(
            AuditEntry(
                actor=actor.name,
                role=actor.role,
                court=court,
                action=action,
                entity_type=entity_type,
                entity_id=None if entity_id is None else str(entity_id),
                before=to_json_data(before),
                after=to_json_data(after),
            )
        )

    def commit(self) -> None:
        assert self.conn is not None, "commit outside `with uow:`"
        assert not self.read_only, "a read-only unit of work does not commit"
        audit_log.append(self.conn, self._audit)
        self._audit = []
        disbursement_counts.write_pending(self.conn)  # after the audit head's lock
        self.conn.commit()

    def rollback(self) -> None:
        assert self.conn is not None
        self.conn.rollback()
        self._audit = []
