"""A reference receiver for the complaint desk's webhook: verify, de-duplicate, print, store.

Run it with `reconcile desk-receiver --port 9000 --secret s3cret [--store alerts.jsonl]`
and point `RECONCILE_DESK_WEBHOOK_URL` at `http://127.0.0.1:9000/`. It is also the real
HTTP peer of the delivery tests. What it checks, in order:

- `X-Reconcile-Timestamp` within 300 s of its clock (else 401 `stale_timestamp`);
- `X-Reconcile-Signature` made with one of its secrets (else 401 `bad_signature`);
- `X-Reconcile-Topic-Signature` binding `X-Reconcile-Topic` to the body (else 401
  `bad_topic_signature`): an alert cannot be replayed as a case event;
- the same signed request not seen before (else 409 `replay`);
- a JSON object with an `id` (else 400).
A body whose (topic, id) arrived before is a legitimate retry: 200, stored once.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from reconcile import webhooks

Key = tuple[str, object]
MAX_BODY_BYTES = 1024 * 1024  #: an alert or a checkpoint is a few KB; larger is not read


class DeskReceiver:
    """The receiving end: `accept` decides on one request; `start` serves it over HTTP."""

    def __init__(
        self,
        secrets: list[str],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        store: Path | None = None,
        out: TextIO | None = None,
        max_skew: int = webhooks.MAX_SKEW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secrets = webhooks.parse_secrets(secrets)
        self.address = (host, port)
        self.store, self.out = store, out
        self.max_skew, self.clock = max_skew, clock
        self.received: dict[Key, dict] = {}  #: first arrival of each (topic, id)
        self.arrivals: list[Key] = []  #: every accepted request, duplicates included
        self.rejections: list[str] = []  #: the reason of every refused request
        self._signatures: dict[str, int] = {}  #: recently seen signature -> its timestamp
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._load_store()

    # ---- the decision ----

    def accept(self, headers, body: bytes) -> tuple[int, str]:
        """Return the HTTP status and reason for one delivery."""
        with self._lock:
            status, reason = self._check(headers, body)
            if status >= 400:
                self.rejections.append(reason)
            return status, reason

    def precheck(self, headers, length: int | None) -> tuple[int, str]:
        """Decide what can be decided before the body is read: its length, the timestamp."""
        if length is None or length < 0:
            status, reason = 411, "length_required"
        elif length > MAX_BODY_BYTES:
            status, reason = 413, "body_too_large"
        else:
            status, reason = self._timestamp_check(headers)
        if status >= 400:
            with self._lock:
                self.rejections.append(reason)
        return status, reason

    def _timestamp_check(self, headers) -> tuple[int, str]:
        timestamp = _int_or_none(headers.get(webhooks.TIMESTAMP_HEADER))
        if timestamp is None:
            return 401, "missing_timestamp"
        if not webhooks.is_fresh(timestamp, self.clock(), self.max_skew):
            return 401, "stale_timestamp"
        return 200, "fresh"

    def _check(self, headers, body: bytes) -> tuple[int, str]:
        timestamp = _int_or_none(headers.get(webhooks.TIMESTAMP_HEADER))
        signature = headers.get(webhooks.SIGNATURE_HEADER) or ""
        if timestamp is None:
            return 401, "missing_timestamp"
        if not webhooks.is_fresh(timestamp, self.clock(), self.max_skew):
            return 401, "stale_timestamp"
        if not webhooks.signature_matches(self.secrets, timestamp, body, signature):
            return 401, "bad_signature"
        topic = headers.get(webhooks.TOPIC_HEADER) or ""
        topic_signature = headers.get(webhooks.TOPIC_SIGNATURE_HEADER) or ""
        if not webhooks.topic_signature_matches(
            self.secrets, timestamp, topic, body, topic_signature
        ):
            return 401, "bad_topic_signature"
        if signature in self._signatures:
            return 409, "replay"
        self._remember(signature, timestamp)
        try:
            document = json.loads(body)
            key = (topic, document["id"])
        except (ValueError, TypeError, KeyError):
            return 400, "not_a_json_object_with_id"
        self.arrivals.append(key)
        if key in self.received:
            return 200, "duplicate"
        self.received[key] = document
        self._keep(key, document)
        return 200, "accepted"

    def _remember(self, signature: str, timestamp: int) -> None:
        horizon = self.clock() - 2 * self.max_skew
        self._signatures = {s: t for s, t in self._signatures.items() if t >= horizon}
        self._signatures[signature] = timestamp

    def _keep(self, key: Key, document: dict) -> None:
        topic, _ = key
        if self.out is not None:
            what = document.get("kind") or document.get("event")
            print(
                f"{topic} {document['id']} {what} {document.get('severity', '')} "
                f"{document.get('court')} case={document.get('case_id')} "
                f"{document.get('detail') or ''}".rstrip(),
                file=self.out,
                flush=True,
            )
        if self.store is not None:
            with self.store.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"topic": topic, "body": document}, ensure_ascii=False) + "\n")

    def _load_store(self) -> None:
        if self.store is None or not self.store.exists():
            return
        for line in self.store.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            self.received[(record["topic"], record["body"]["id"])] = record["body"]

    def ids(self, topic: str = "alert") -> set:
        """Return the ids received of `topic`, each once."""
        with self._lock:
            return {key[1] for key in self.received if key[0] == topic}

    # ---- serving ----

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2] if self._server else self.address
        return f"http://{host}:{port}/"

    def start(self) -> DeskReceiver:
        """Serve in a background thread; the port is bound when this returns."""
        self._server = _Server(self.address, _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._server = _Server(self.address, _handler_for(self))
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> DeskReceiver:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a sender that hung up is normal


def _handler_for(receiver: DeskReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            # refuse before reading: a body of unknown, negative or excessive length, or a
            # request whose timestamp is missing or stale (a signature needs the body)
            length = _int_or_none(self.headers.get("Content-Length"))
            status, reason = receiver.precheck(self.headers, length)
            if status < 400:
                status, reason = receiver.accept(self.headers, self.rfile.read(length))
            else:
                self.close_connection = True  # the unread body is not drained
            answer = json.dumps({"result": reason}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args) -> None:
            pass  # `_keep` prints what matters; per-request lines would drown it

    return Handler


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
