"""Statements: endpoints of the contract (../shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("statements", __name__, url_prefix="/statements", description="Statements")
