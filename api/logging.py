"""Structured logs: one line per request with its request id, JSON or text, no personal data.

Every request gets an id: the client's `X-Request-Id` when it is safe (at most 64 of
`A-Z a-z 0-9 . _ : -`), else a new one. It is echoed in the response header and stamped
on every log line written while the request runs, so one id finds a request's lines across
the proxy, the service and the complaint desk. Query strings and bodies are never logged,
and long digit runs (bank account and ID numbers) are masked to their last four characters
in every line, whoever wrote it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, request

REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: 12 or more digits (an 18-character ID number may end in X): keep the last four
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{8,60}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
#: lines about probes and scrapes are DEBUG, so they do not drown the requests that matter
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
REQUEST_LOGGER = "reconcile.request"
#: the fields a request adds to each line written while it runs
REQUEST_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "actor")

_request_context: ContextVar[dict | None] = ContextVar("reconcile_request", default=None)
log = logging.getLogger(REQUEST_LOGGER)


def mask(text: str) -> str:
    """Return `text` with account and ID numbers cut to their last four characters."""
    return _LONG_NUMBER.sub(lambda m: "****" + m.group(1), text)


def current_request_id() -> str | None:
    """Return the running request's id, or None outside a request."""
    context = _request_context.get()
    return context["request_id"] if context else None


def request_id_from(header: str | None) -> str:
    """Return the client's request id if it is safe to echo and log, else a new one."""
    if header and _SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Stamp the running request's id, method and path on every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _request_context.get()
        if context:
            for key, value in context.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, then the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": mask(record.getMessage()),
        }
        for key in REQUEST_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exc"] = mask(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for a terminal, masked like the JSON one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return mask(super().format(record))


class _ServiceHandler(logging.StreamHandler):
    """The handler this module installs; found again and replaced, never doubled."""


def configure(settings: dict, stream=None) -> None:
    """Send the root logger's output through one masked handler in the configured format.

    Leaves logging alone if something else (a test runner, an embedding program) has
    already put handlers on the root logger.
    """
    formatter = formatter_for(settings["logging"]["format"])
    level = settings["logging"]["level"].upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"[logging] level must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, _ServiceHandler)]
    if len(ours) != len(root.handlers):
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = _ServiceHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    root.setLevel(level)


def formatter_for(name: str) -> logging.Formatter:
    """Return the formatter named by [logging] format."""
    if name == "json":
        return JsonFormatter()
    if name == "text":
        return TextFormatter()
    raise ValueError(f'[logging] format must be "json" or "text", not {name!r}')


def init_app(app: Flask) -> None:
    """Give every request an id and log one line per request."""
    configure(app.extensions["reconcile"].settings)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _start() -> None:
    request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    context = {"request_id": request_id, "method": request.method, "path": request.path}
    g.request_log = (context, time.perf_counter(), _request_context.set(context))


def _finish(response):
    started = g.get("request_log")
    if started is None:  # a before_request hook ahead of ours failed
        return response
    context, started_at, _token = started
    response.headers[REQUEST_ID_HEADER] = context["request_id"]
    level = logging.DEBUG if context["path"] in QUIET_PATHS else logging.INFO
    if not log.isEnabledFor(level):
        return response
    actor = g.get("actor")
    status = response.status_code
    log.log(
        level,
        "%s %s %s",
        context["method"],
        context["path"],
        status,
        extra={
            **context,
            "status": status,
            "duration_ms": round((time.perf_counter() - started_at) * 1000, 2),
            "actor": (actor.id or actor.role) if actor is not None else None,
        },
    )
    return response


def _forget(_error=None) -> None:
    started = g.pop("request_log", None)
    if started is not None:
        _request_context.reset(started[2])
