"""What the filtered lists share: reading filters from the query, paging links, downloads
of the page shown or of every row the filters show."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from flask import Response, request, stream_with_context, url_for

from api.fields import MAX_DAY, MIN_DAY
from api.web import exports
from reconcile.clock import local_today
from reconcile.money import InvalidAmount, parse_yuan

#: the query arguments that say where a page starts (a list names its own)
POSITION = ("after", "before", "cursor", "shown")
#: the query arguments that are not filters: paging, position, export
NOT_FILTERS = (*POSITION, "format", "scope")
EXPORT_FORMATS = ("xlsx", "csv")
#: `scope=page`: a download of the page shown, not of every row the filters show
PAGE_SCOPE = "page"
#: the most rows an XLSX download holds, then a row saying so: a sheet is sent once it is
#: written (about 0.1 ms a row), so 100,000 rows keep the wait near 10 s, within a proxy's
#: read timeout; CSV streams as it is read and has no limit
MOST_XLSX_ROWS = 100_000
#: keyset rows read per query while a download of every row is written
EXPORT_BATCH = 500


def day_arg(name: str) -> date | None:
    """Return the query's day `name`, or None when missing, not a date or out of range."""
    text = request.args.get(name, "")
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is None or MIN_DAY <= day <= MAX_DAY else None


def choice_arg(name: str, allowed, default=None):
    """Return the query's `name` when it is one of `allowed`, else `default`."""
    value = request.args.get(name) or None
    return value if value in allowed else default


def filter_args() -> dict[str, str]:
    """Return the query's filters (no paging, no export), to carry into links."""
    return {k: v for k, v in request.args.items() if k not in NOT_FILTERS and v}


def amount_args() -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Return the query's amount range `min`/`max` as fen (`amount_min`, `amount_max`, the
    ones given), the amounts as typed, and those refused (not amounts: not filtered by)."""
    chosen, typed, refused = {}, {}, []
    for arg, name in (("min", "amount_min"), ("max", "amount_max")):
        typed[arg] = request.args.get(arg, "").strip()
        text = typed[arg].replace(",", "").replace("，", "")
        try:
            if text:
                chosen[name] = parse_yuan(text)
        except InvalidAmount:
            refused.append(typed[arg])
    return chosen, typed, refused


def export_format() -> str | None:
    """Return `xlsx` or `csv` when the list is asked for as a download."""
    return choice_arg("format", EXPORT_FORMATS)


def this_page_only() -> bool:
    """Whether the download asked for is of the page shown (`scope=page`)."""
    return request.args.get("scope") == PAGE_SCOPE


def export_links() -> list[dict[str, str]]:
    """The list's download links: this page (its filters and its position, `scope=page`)
    and everything the filters show, each as XLSX and CSV."""
    here = {k: v for k, v in request.args.items() if k not in ("format", "scope") and v}
    filters = {k: v for k, v in here.items() if k not in POSITION}
    endpoint = request.endpoint or ""
    return [
        {
            "testid": f"export{'-page' if page else ''}-{kind}",
            "key": f"list.export{'_page' if page else ''}_{kind}",  # its words: a message
            "href": url_for(endpoint, **(page or filters), format=kind),
        }
        for page in ({**here, "scope": PAGE_SCOPE}, None)
        for kind in EXPORT_FORMATS
    ]


def listed(
    read: Callable[[Any, int], list],
    *,
    here: Any,
    start: Any,
    after_of: Callable[[Any], Any],
    page: int,
    most: int | None = None,
) -> Iterable:
    """Return the rows a download holds, in the page's order: with `scope=page` the page
    shown (`page` rows read from `here`, its position), else every row the filters show
    (or the first `most`), read by key from `start` a batch at a time.
    `read(after, limit)` reads a page; `after_of(row)` is the position after a row."""
    if this_page_only():
        return read(here, page)
    return islice(_in_batches(read, start, after_of), most)


def _in_batches(read, after, after_of) -> Iterator:
    while True:
        batch = read(after, EXPORT_BATCH)
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        after = after_of(batch[-1])


def court_label(chosen: str | None, courts: list[str], everywhere: str) -> str:
    """Name the court(s) a download covers, for its file name."""
    if chosen:
        return chosen
    return "、".join(courts) if 0 < len(courts) <= 3 else everywhere


def download(
    kind: str, title: str, header: list[str], rows: Iterable[list], court: str, *, cut: str
) -> Response:
    """Answer a list as an XLSX or CSV download named in Chinese with its court and date
    (and 本页 when it is the page shown).

    CSV streams row by row as the rows are read; a sheet holds at most MOST_XLSX_ROWS
    rows and then a last row saying so (`cut`, with `{most}`).
    """
    from api.web.i18n import translate  # not at the top: i18n must come after auth

    page = f"_{translate('list.this_page')}" if this_page_only() else ""
    filename = f"{title}{page}_{court}_{local_today().isoformat()}.{kind}"
    headers = exports.attachment(filename)
    if kind == "csv":
        body = stream_with_context(_csv_lines(header, rows))
        return Response(body, mimetype="text/csv; charset=utf-8", headers=headers)
    body = stream_with_context(exports.xlsx_parts(title, header, _cut(rows, cut)))
    return Response(body, mimetype=exports.XLSX_TYPE, headers=headers)


def _cut(rows: Iterable[list], cut: str) -> Iterator[list]:
    """The rows a sheet holds: MOST_XLSX_ROWS, then the notice that it stops there."""
    rows = iter(rows)
    yield from islice(rows, MOST_XLSX_ROWS)
    if next(rows, None) is not None:
        yield [cut.format(most=MOST_XLSX_ROWS)]


def _csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    yield "\ufeff" + _csv_line(header)  # a byte-order mark, so Excel reads the Chinese right
    for row in rows:
        yield _csv_line(row)


def _csv_line(row: list) -> str:
    """One CSV line: text guarded against formulas, numbers and dates left as they are."""
    out = io.StringIO()
    cells = [
        "" if v is None else exports.neutralise(v) if isinstance(v, str) else str(v) for v in row
    ]
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()
