"""Where the pages may send a browser back to: only paths on this site.

A `next` value is checked as a browser would read it in a Location header: browsers drop
tabs and newlines anywhere in a URL, strip leading and trailing spaces and control
characters, and read a backslash as a slash, so `/\\t/evil.example` and `/\\\\evil.example`
both mean `//evil.example`, another site. Anything with such characters is refused
outright rather than cleaned up: no page of ours has them in its address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: C0 controls, space, DEL and backslash: never in a path we link to, and each one
#: either changes how a browser parses the URL or breaks the header (CR, LF)
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
#: a path is at most this long; a longer `next` is no page of ours
MAX_LENGTH = 2000


def same_site_path(target: str | None) -> str | None:
    """Return `target` if it is a path on this site (`/…`, not `//…`), else None."""
    if not target or len(target) > MAX_LENGTH or _UNSAFE.search(target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
