"""Holds: endpoints of the contract (../shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("holds", __name__, url_prefix="/holds", description="Holds")
