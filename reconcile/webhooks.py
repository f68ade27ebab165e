"""Signed webhooks: the signature both sides compute, freshness, and the retry schedule.

`X-Reconcile-Signature: sha256=<hex>` is HMAC-SHA256 with the shared secret over
`<timestamp>.<raw body bytes>`, the timestamp being `X-Reconcile-Timestamp` (Unix seconds).
Secrets rotate: a comma-separated list, the first signs, every one is accepted.
`X-Reconcile-Topic-Signature` signs `<timestamp>.<topic>.<raw body bytes>` the same way, so
a relay cannot pass an alert off as a case event (or back); the first signature is kept as
the contract fixes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from reconcile.lifecycle import Lifecycle


class DeliveryStatus(StrEnum):
    """Where one outbox delivery (an alert or case event to one receiver) stands."""

    PENDING = "pending"  #: waiting for its next attempt (or leased by a deliverer)
    DELIVERED = "delivered"  #: the receiver answered 2xx
    DEAD = "dead"  #: retried until the deadline: dead-lettered, visible, requeueable
    DISCARDED = "discarded"  #: nobody subscribes for its court


class DeliveryAction(StrEnum):
    DELIVER = "delivered"
    RETRY = "retried"  #: a failed attempt, or a lease given back
    KILL = "dead-lettered"
    DISCARD = "discarded"
    REQUEUE = "requeued"


_D, _A = DeliveryStatus, DeliveryAction
DELIVERY_LIFECYCLE = Lifecycle(
    "delivery",
    DeliveryStatus,
    DeliveryAction,
    {
        (_D.PENDING, _A.DELIVER): _D.DELIVERED,
        (_D.PENDING, _A.RETRY): _D.PENDING,
        (_D.PENDING, _A.KILL): _D.DEAD,
        (_D.PENDING, _A.DISCARD): _D.DISCARDED,
        (_D.DEAD, _A.REQUEUE): _D.PENDING,
    },
)

SIGNATURE_HEADER = "X-Reconcile-Signature"
TIMESTAMP_HEADER = "X-Reconcile-Timestamp"
#: what the body is: `alert` or `case_event` (ids are unique per topic)
TOPIC_HEADER = "X-Reconcile-Topic"
#: the signature that covers the topic too (TOPIC_HEADER)
TOPIC_SIGNATURE_HEADER = "X-Reconcile-Topic-Signature"
#: receivers reject timestamps further than this from their clock
MAX_SKEW_SECONDS = 300
_JITTER = _secrets.SystemRandom()


def parse_secrets(text: str | Iterable[str]) -> list[str]:
    """Return the secrets of comma-separated setting(s), in order (the first signs)."""
    texts = [text] if isinstance(text, str) else list(text)
    return [s.strip() for t in texts for s in t.split(",") if s.strip()]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header value for `body` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def sign_topic(secret: str, timestamp: int, topic: str, body: bytes) -> str:
    """Return the topic signature header value: the body's signature, the topic bound in."""
    return sign(secret, timestamp, topic.encode() + b"." + body)


def topic_signature_matches(
    secrets: Iterable[str], timestamp: int, topic: str, body: bytes, signature: str
) -> bool:
    """Tell whether `signature` was made over `topic`, `body` and `timestamp`."""
    return any(
        hmac.compare_digest(sign_topic(secret, timestamp, topic, body), signature)
        for secret in secrets
    )


def signature_matches(secrets: Iterable[str], timestamp: int, body: bytes, signature: str) -> bool:
    """Tell whether `signature` was made over `body` and `timestamp` with any of `secrets`."""
    return any(hmac.compare_digest(sign(secret, timestamp, body), signature) for secret in secrets)


def is_fresh(timestamp: int, now: float, max_skew: int = MAX_SKEW_SECONDS) -> bool:
    """Tell whether `timestamp` is within `max_skew` seconds of `now`, either way."""
    return abs(now - timestamp) <= max_skew


def retry_delay(
    attempts: int,
    *,
    base_seconds: float,
    max_seconds: float,
    rand: Callable[[], float] = _JITTER.random,
) -> timedelta:
    """Return the wait before the next attempt: exponential, capped, with "equal jitter".

    Half the delay is fixed and half random, so retries of many deliveries spread out
    after an outage but never come sooner than half the schedule.
    """
    ceiling = min(max_seconds, base_seconds * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling / 2 + rand() * ceiling / 2)


def signed_headers(secret: str, body: bytes, *, topic: str, timestamp: int) -> dict[str, str]:
    """Return the headers of a signed webhook request."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        TOPIC_HEADER: topic,
        TOPIC_SIGNATURE_HEADER: sign_topic(secret, timestamp, topic, body),
    }


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body` and return the HTTP status; network failures raise OSError."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"webhook URLs are http or https, not {url!r}")
    # S310: the scheme is checked above, so no file: or custom scheme gets through
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code
