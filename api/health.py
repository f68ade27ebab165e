"""Liveness and readiness, outside /api/v1 and without a token."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from api.context import services

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process is up."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz():
    """The database answers."""
    try:
        with services().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:  # any failure means not ready
        return {"status": "unavailable", "detail": type(e).__name__}, 503
    return {"status": "ok"}
