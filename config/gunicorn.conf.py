"""gunicorn settings for the reconciliation service (production web server).

    gunicorn -c config/gunicorn.conf.py api.wsgi:app

Environment (everything else: the service's own settings, docs/operations.md):
  RECONCILE_BIND            comma-separated addresses, default 127.0.0.1:8000; add an
                            admin-only address for /metrics, e.g. 127.0.0.1:8000,10.0.0.5:9100
  WEB_CONCURRENCY           worker processes; default 2 x cores + 1, at most 9
  RECONCILE_WORKER_CLASS    bounded (default: gthread with read deadlines, below), gthread
                            or sync
  RECONCILE_THREADS         threads per worker, default 4
  RECONCILE_HEAD_SECONDS    seconds a client has to send a request line and headers, 10
  RECONCILE_BODY_SECONDS    seconds a client has to send a body, 30, plus a second per
  RECONCILE_BODY_MIN_RATE   this many bytes of its Content-Length, default 100000
  RECONCILE_ACCESS_LOG      gunicorn's access log file ("-" for stderr); default none,
                            the app logs one JSON line per request itself
  PROMETHEUS_MULTIPROC_DIR  folder for the workers' metric files; default a new folder
                            under the system temp folder. Emptied when gunicorn starts.
  GUNICORN_CMD_ARGS         any other gunicorn option, as on its command line

The master process imports no service code: each worker imports api.wsgi after the fork
(preload_app = False) and builds its own engine and pool. So `kill -HUP` (or `systemctl
reload`) starts workers with new code; a restart is needed only for this file.
"""

import contextlib
import multiprocessing
import os
import selectors
import shutil
import socket
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from gunicorn.workers.gthread import TConn, ThreadWorker

MAX_DEFAULT_WORKERS = 9

bind = [a.strip() for a in os.environ.get("RECONCILE_BIND", "127.0.0.1:8000").split(",") if a]
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS)
)
threads = int(os.environ.get("RECONCILE_THREADS", "4"))
HEAD_SECONDS = float(os.environ.get("RECONCILE_HEAD_SECONDS", "10"))
BODY_SECONDS = float(os.environ.get("RECONCILE_BODY_SECONDS", "30"))
BODY_MIN_RATE = float(os.environ.get("RECONCILE_BODY_MIN_RATE", "100000"))


class _ReadDeadline:
    """Shut the reading half of a connection when a deadline passes: a read blocked on a
    client that trickles its request returns end-of-file, and the thread is free again."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._cut, (sock,))
        self._timer.daemon = True
        self._timer.start()

    @staticmethod
    def _cut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RD)

    def cancel(self) -> None:
        self._timer.cancel()


class BoundedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker that no slow client can fill.

    gthread hands a new connection to a thread, which reads the request's line and headers
    with blocking reads that have no deadline: a few clients sending a byte a second hold
    every thread (the sync worker is worse: one such client holds a whole worker). Here the
    worker's event loop reads a new connection's line and headers itself, without blocking,
    and hands the connection to a thread only once they are all in; a client that has not
    sent them within HEAD_SECONDS is hung up on. Reads in a thread (the next request on a
    kept-alive connection, a body) have deadlines too: HEAD_SECONDS for a line and headers,
    BODY_SECONDS plus a second per BODY_MIN_RATE bytes of Content-Length for a body; then
    they end and the request is dropped. A reverse proxy that buffers requests (nginx does
    by default) stays the first defence; this bounds what reaches gunicorn anyway."""

    def init_process(self):
        self.heads = []  # connections whose line and headers are still arriving
        super().init_process()

    def accept(self, listener):
        if self.cfg.is_ssl:  # the TLS handshake needs the thread
            return super().accept(listener)
        try:
            client, address = listener.accept()
        except (BlockingIOError, ConnectionAbortedError):
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())
        conn.head, conn.timeout = bytearray(), time.monotonic() + HEAD_SECONDS
        self.heads.append(conn)
        self.poller.register(client, selectors.EVENT_READ, partial(self._read_head, conn))

    def _read_head(self, conn, client):
        try:
            data = client.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        conn.head += data
        if data and b"\r\n\r\n" not in conn.head and len(conn.head) < MAX_HEAD_BYTES:
            return
        self.poller.unregister(client)
        self.heads.remove(conn)
        if not data:
            self._hang_up(conn)
            return
        conn.data_ready = True  # gthread then reads what we read first, then the socket
        self.enqueue_req(conn)

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.heads if c.timeout <= now]:
            self.heads.remove(conn)
            self.poller.unregister(conn.sock)
            self._hang_up(conn)

    def _hang_up(self, conn):
        self.nr_conns -= 1
        conn.close()

    def handle(self, conn):
        head = getattr(conn, "head", None)
        if head is not None:
            conn.head = None
            conn.init()
            conn.parser.unreader.unread(bytes(head))
        conn.read_deadline = _ReadDeadline(conn.sock, HEAD_SECONDS)
        try:
            return super().handle(conn)
        finally:
            conn.read_deadline.cancel()

    def handle_request(self, req, conn):
        conn.read_deadline.cancel()  # the line and headers are in
        seconds = BODY_SECONDS + _body_length(req) / BODY_MIN_RATE
        conn.read_deadline = _ReadDeadline(conn.sock, seconds)
        return super().handle_request(req, conn)


def _body_length(req) -> int:
    for name, value in req.headers:
        if name == "CONTENT-LENGTH" and value.isdigit():
            return int(value)
    return 0


_WORKER_CLASSES = {"bounded": BoundedThreadWorker}
worker_class = _WORKER_CLASSES.get(os.environ.get("RECONCILE_WORKER_CLASS", "bounded"))
worker_class = worker_class or os.environ["RECONCILE_WORKER_CLASS"]
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
limit_request_field_size = 8190
#: a request line and headers larger than this break the limits: gunicorn answers 400
MAX_HEAD_BYTES = limit_request_line + limit_request_fields * limit_request_field_size

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
