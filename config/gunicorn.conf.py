"""gunicorn settings for the reconciliation service (production web server).

    gunicorn -c config/gunicorn.conf.py api.wsgi:app

Environment (everything else: the service's own settings, docs/operations.md):
  RECONCILE_BIND            comma-separated addresses, default 127.0.0.1:8000; add an
                            admin-only address for /metrics, e.g. 127.0.0.1:8000,10.0.0.5:9100
  WEB_CONCURRENCY           worker processes; default 2 x cores + 1, at most 9
  RECONCILE_WORKER_CLASS    sync (default) or gthread
  RECONCILE_THREADS         threads per gthread worker, default 1
  RECONCILE_ACCESS_LOG      gunicorn's access log file ("-" for stderr); default none,
                            the app logs one JSON line per request itself
  PROMETHEUS_MULTIPROC_DIR  folder for the workers' metric files; default a new folder
                            under the system temp folder. Emptied when gunicorn starts.
  GUNICORN_CMD_ARGS         any other gunicorn option, as on its command line

The master process imports no service code: each worker imports api.wsgi after the fork
(preload_app = False) and builds its own engine and pool. So `kill -HUP` (or `systemctl
reload`) starts workers with new code; a restart is needed only for this file.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

MAX_DEFAULT_WORKERS = 9

bind = [a.strip() for a in os.environ.get("RECONCILE_BIND", "127.0.0.1:8000").split(",") if a]
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS)
)
worker_class = os.environ.get("RECONCILE_WORKER_CLASS", "sync")
threads = int(os.environ.get("RECONCILE_THREADS", "1"))
preload_app = False  # each worker its own engine and pool; no connection crosses a fork

# A statement upload of [imports] max_upload_mb parses and matches within one request.
timeout = 300
# On SIGTERM, workers finish the requests they have (a payment request is one short
# transaction) before they are killed.
graceful_timeout = 30
keepalive = 5
# Bound what a client can send in the request line and headers.
limit_request_line = 8190
limit_request_fields = 100

# gunicorn's access log is off: the app writes one JSON line per request with its id,
# status, duration and actor (api/logging.py). Turned on, it carries the request id and
# the latency in milliseconds too. No query string: it may hold an account number.
accesslog = os.environ.get("RECONCILE_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("RECONCILE_GUNICORN_LOG_LEVEL", "info")
proc_name = "reconcile"
# gunicorn >= 25.1 opens a control socket at a fixed per-user path, which two instances
# on one host would share; systemd (or the signals) manage this server instead.
control_socket_disable = True

# Must be set before any worker imports prometheus_client: it picks its storage then.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="reconcile-metrics-")


def on_starting(server):
    """Empty the metrics folder: figures of an earlier run's workers must not count."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.db"):
        path.unlink()


def child_exit(server, worker):
    """Let a dead worker's live gauges go; its counters stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics folder this file made (one set by the operator is kept)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if Path(folder).name.startswith("reconcile-metrics-"):
        shutil.rmtree(folder, ignore_errors=True)
