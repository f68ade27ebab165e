"""Prometheus metrics at /metrics: requests, statement imports, and business figures.

Requests and imports are counted as they happen. Under gunicorn (several worker
processes) set `PROMETHEUS_MULTIPROC_DIR` to an empty folder the workers may write
(config/gunicorn.conf.py does when it is unset): each worker then writes its figures
there, and any worker answering a scrape adds them all up. The business figures (orphans,
the outbox, approvals waiting) are read from the database at scrape time by the worker
that answers, so they are never counted twice.

/metrics needs no token. Set [metrics] port and bind gunicorn to an admin-only address
on that port as well: /metrics then answers only there, and 404 on the public listener.
"""

from __future__ import annotations

import logging
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from reconcile.services import operations

log = logging.getLogger(__name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: seconds; the API's target is p99 <= 20 ms for reads and <= 100 ms for payment requests
REQUEST_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
IMPORT_BUCKETS = (0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
#: the statement upload (api/statements.py): counted from its response, not inside it
IMPORT_ENDPOINT = "statements.Statements"
IMPORT_OUTCOMES = {201: "imported", 200: "duplicate", 422: "invalid"}
#: labels come from a fixed set: a client must not be able to create time series at will
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

blp = Blueprint("metrics", __name__)


class AppMetrics:
    """The metrics one app records, in its own registry (tests build many apps)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Histogram(
            "reconcile_http_request_duration_seconds",
            "HTTP requests by route template, method and status, and how long they took",
            ("endpoint", "method", "status"),
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.imports = Counter(
            "reconcile_statement_imports",
            "Statement uploads through the API, by format and outcome "
            "(imported, duplicate, invalid, error)",
            ("format", "outcome"),
            registry=registry,
        )
        self.import_lines = Counter(
            "reconcile_statement_import_lines",
            "Statement lines in imported files (new and already known)",
            ("format",),
            registry=registry,
        )
        self.import_seconds = Histogram(
            "reconcile_statement_import_duration_seconds",
            "Wall time of statement uploads that were imported (upload, parse, store, match)",
            ("format",),
            buckets=IMPORT_BUCKETS,
            registry=registry,
        )


class BusinessCollector:
    """Read orphans, the outbox and approvals waiting from the database on each scrape."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        up = GaugeMetricFamily(
            "reconcile_business_figures_up", "1 if the figures below could be read, else 0"
        )
        try:
            figures = operations.business_figures(
                self.app.extensions["reconcile"].uow(read_only=True)
            )
        except Exception as e:  # a scrape must not fail because the database is away
            log.warning("metrics: cannot read the business figures (%s)", type(e).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _business_families(figures)


def _business_families(figures: dict):
    orphans = GaugeMetricFamily(
        "reconcile_orphans", "Unidentified credits (不明款) awaiting resolution", labels=["court"]
    )
    for court, count in sorted(figures["orphans"].items()):
        orphans.add_metric([court], count)
    outbox = GaugeMetricFamily(
        "reconcile_outbox_deliveries",
        "Deliveries in the outbox: pending (not yet 2xx) and dead (given up), by topic",
        labels=["topic", "status"],
    )
    for topic, counts in sorted(figures["outbox"].items()):
        for status, count in sorted(counts.items()):
            outbox.add_metric([topic, status], count)
    waiting = GaugeMetricFamily(
        "reconcile_approvals_waiting",
        "Requests waiting for an approver (disbursement, deferral, payee_change)",
        labels=["kind"],
    )
    for kind, count in sorted(figures["approvals_waiting"].items()):
        waiting.add_metric([kind], count)
    return [orphans, outbox, waiting]


def init_app(app: Flask) -> None:
    """Record request and import metrics, and serve them at /metrics."""
    metrics = AppMetrics(CollectorRegistry())
    app.extensions["metrics"] = metrics
    app.extensions["metrics_business"] = BusinessCollector(app)
    app.before_request(_start)
    app.after_request(_record)
    app.register_blueprint(blp)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _record(response):
    started = g.get("metrics_started")
    if started is None:
        return response
    seconds = time.perf_counter() - started
    metrics: AppMetrics = current_app.extensions["metrics"]
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    method = request.method if request.method in KNOWN_METHODS else "other"
    metrics.requests.labels(endpoint, method, str(response.status_code)).observe(seconds)
    if request.endpoint == IMPORT_ENDPOINT and request.method == "POST":
        _record_import(metrics, response, seconds)
    return response


def _record_import(metrics: AppMetrics, response, seconds: float) -> None:
    outcome = IMPORT_OUTCOMES.get(response.status_code, "error")
    report = response.get_json(silent=True) if response.is_json else None
    report = report if isinstance(report, dict) else {}
    # Never the request's form here: reading the body again would raise (413 and the like).
    fmt = report.get("format") or "unknown"
    metrics.imports.labels(fmt, outcome).inc()
    if outcome == "imported":
        metrics.import_lines.labels(fmt).inc(report.get("lines_total") or 0)
        metrics.import_seconds.labels(fmt).observe(seconds)


@blp.get("/metrics")
def metrics_page():
    """Prometheus text exposition."""
    port = current_app.extensions["reconcile"].settings["metrics"]["port"]
    if port and _local_port(request.environ) != port:
        abort(404)
    return Response(generate_latest(_scrape_registry()), mimetype=CONTENT_TYPE_LATEST)


def _scrape_registry() -> CollectorRegistry:
    business = current_app.extensions["metrics_business"]
    if os.environ.get(MULTIPROCESS_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(current_app.extensions["metrics"].registry))
    registry.register(business)
    return registry


class _Forward:
    """Expose another registry's metrics inside a scrape registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self):
        return self.registry.collect()


def _local_port(environ: dict) -> int | None:
    """Return the local port the connection arrived at (the socket's, not the Host header's)."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    try:
        if sock is not None:
            return sock.getsockname()[1]
        return int(environ.get("SERVER_PORT", ""))
    except (OSError, ValueError, TypeError, IndexError):
        return None
