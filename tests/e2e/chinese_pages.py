"""Every Chinese page the browser tests visit is checked for English sentences (issue #19).

The served app records each HTML page it renders in Chinese whose visible text holds a run
of three or more English words (a sentence the domain or a template left untranslated);
the test that visited it fails at its end. Single words stay allowed: format names (CSV,
OFX), the language switch's "English", names typed by a test.
"""

from __future__ import annotations

import re

from flask import Flask, request
from lxml import html

#: three words of letters in a row, e.g. "is not a registered" (a file name is one word)
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}\b")


def english_runs(page: str) -> list[str]:
    """Return the English runs in the visible text of a Chinese page."""
    tree = html.fromstring(page)
    if not (tree.get("lang") or "").startswith("zh"):
        return []
    for hidden in tree.xpath("//script|//style|//template|//*[@hidden]"):
        hidden.drop_tree()
    text = "|".join(tree.itertext())  # a run does not cross from one element to the next
    return ENGLISH_RUN.findall(text)


def watch(app: Flask) -> list[str]:
    """Record, for each Chinese page `app` serves, the English runs it shows."""
    found: list[str] = []

    @app.after_request
    def _check(response):
        if response.mimetype == "text/html" and response.status_code < 500:
            runs = english_runs(response.get_data(as_text=True))
            found.extend(f"{request.path}: {run!r}" for run in runs)
        return response

    return found
