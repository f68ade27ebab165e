"""Reports: endpoints of the contract (../shared/API.md)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Reports")
