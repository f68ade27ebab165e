"""The Flask application: JSON API under /api/v1, health checks, staff pages, CLI.

The outermost layer, and the only one that imports Flask. Views, commands and jobs call
the use cases in reconcile.services and never commit; of reconcile.db they touch only the
set-up: building the engine (reconcile.db.engine), holding it (reconcile.db.handles),
opening the unit of work a use case runs in (reconcile.db.uow), and migrating the schema
(reconcile.db.migrate, from the CLI). Checked by `lint-imports` (pyproject.toml).
"""

from __future__ import annotations

import importlib

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from api.context import Services
from api.errors import PROBLEM_MIMETYPE, ProblemSchema, http_problem, register_error_handlers
from api.fields import MAX_ID
from reconcile.db.engine import make_engine
from reconcile.settings import load_settings

API_PREFIX = "/api/v1"


class IdConverter(IntegerConverter):
    """`<int:…>` ids up to the database's BIGINT: a larger one names nothing (404), where
    the database would refuse it as out of range (500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _id_parameter_schema(converter: IdConverter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": converter.max}


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return http_problem(error)

    def _register_responses(self):
        # the error responses the document refers to are problem+json, as they are answered
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_MIMETYPE
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; nothing is built at import time."""
    app = Flask(__name__)
    settings = (test_config or {}).get("settings") or load_settings()
    engine = (test_config or {}).get("engine") or make_engine(
        settings["database"]["url"],
        pool_size=settings["database"]["pool_size"],
        audit_key=settings["audit"]["key"],
    )
    app.extensions["reconcile"] = Services(settings=settings, engine=engine)
    from api import auth, input_guard, metrics, security_headers
    from api import logging as app_logging

    app_logging.init_app(app)  # first: its request id and timer wrap every other hook
    metrics.init_app(app)
    security_headers.init_app(app)
    auth.init_app(app)
    input_guard.init_app(app)
    app.config.update(
        API_TITLE="Case-account reconciliation",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",  # 3.1: `webhooks` describe what the service sends out
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=settings["imports"]["max_upload_mb"] * 1024 * 1024,
    )
    app.json.ensure_ascii = False
    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_api(app)
    register_error_handlers(app)
    from api.web import register as register_web

    register_web(app)
    return app


#: one module per resource, each with a flask-smorest Blueprint `blp`
RESOURCES = (
    "cases",
    "verify",
    "statements",
    "statement_profiles",
    "line_rules",
    "transactions",
    "expected_receipts",
    "holds",
    "disbursements",
    "alerts",
    "reports",
    "execution_checks",
    "execution_fees",
    "deferrals",
    "payee_accounts",
    "deadlines",
    "distribution_plans",
)


def _register_api(app: Flask) -> None:
    from api import health, outgoing
    from api.problems import ProblemsPlugin

    api = ProblemApi(
        app,
        spec_kwargs={
            "extra_plugins": [ProblemsPlugin(API_PREFIX)],  # each operation's 4xx problems
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    api.register_converter(IdConverter, _id_parameter_schema)
    for name in RESOURCES:
        module = importlib.import_module(f"api.{name}")
        api.register_blueprint(module.blp, url_prefix=API_PREFIX + module.blp.url_prefix)
    outgoing.document(api.spec)  # the webhooks the service sends
    app.register_blueprint(health.blp)
