"""The Flask application: JSON API under /api/v1, health checks, staff pages, CLI."""

from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api

from api.context import Services
from api.errors import ProblemSchema, http_problem, register_error_handlers
from reconcile.db.engine import make_engine
from reconcile.settings import load_settings

API_PREFIX = "/api/v1"


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return http_problem(error)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; nothing is built at import time."""
    app = Flask(__name__)
    settings = (test_config or {}).get("settings") or load_settings()
    engine = (test_config or {}).get("engine") or make_engine(
        settings["database"]["url"], pool_size=settings["database"]["pool_size"]
    )
    app.extensions["reconcile"] = Services(settings=settings, engine=engine)
    app.config.update(
        API_TITLE="Case-account reconciliation",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=settings["imports"]["max_upload_mb"] * 1024 * 1024,
    )
    app.json.ensure_ascii = False
    _register_api(app)
    register_error_handlers(app)
    return app


#: one module per resource, each with a flask-smorest Blueprint `blp`
RESOURCES = (
    "cases",
    "verify",
    "statements",
    "transactions",
    "holds",
    "disbursements",
    "alerts",
    "reports",
    "deferrals",
    "payee_accounts",
    "deadlines",
)


def _register_api(app: Flask) -> None:
    from api import health

    api = ProblemApi(
        app,
        spec_kwargs={
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    for name in RESOURCES:
        module = importlib.import_module(f"api.{name}")
        api.register_blueprint(module.blp, url_prefix=API_PREFIX + module.blp.url_prefix)
    app.register_blueprint(health.blp)
