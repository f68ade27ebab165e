"""What the filtered lists share: reading filters from the query, paging links, downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from flask import Response, request, stream_with_context

from api.fields import MAX_DAY, MIN_DAY
from api.web import exports
from reconcile.clock import local_today
from reconcile.money import InvalidAmount, parse_yuan

#: the query arguments that are not filters: paging, position, export
NOT_FILTERS = ("after", "shown", "format")
EXPORT_FORMATS = ("xlsx", "csv")
#: the most rows an XLSX download holds (it is built in memory; CSV streams)
MOST_XLSX_ROWS = 50_000


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


def court_label(chosen: str | None, courts: list[str], everywhere: str) -> str:
    """Name the court(s) a download covers, for its file name."""
    if chosen:
        return chosen
    return "、".join(courts) if 0 < len(courts) <= 3 else everywhere


def download(
    kind: str, title: str, header: list[str], rows: Iterable[list], court: str, *, cut: str
) -> Response:
    """Answer a list as an XLSX or CSV download named in Chinese with its court and date.

    CSV streams row by row, however long; XLSX is built in memory, so it holds at most
    MOST_XLSX_ROWS rows and then a last row saying so (`cut`, with `{most}`).
    """
    filename = f"{title}_{court}_{local_today().isoformat()}.{kind}"
    headers = exports.attachment(filename)
    if kind == "csv":
        body = stream_with_context(_csv_lines(header, rows))
        return Response(body, mimetype="text/csv; charset=utf-8", headers=headers)
    table = list(islice(rows, MOST_XLSX_ROWS + 1))
    if len(table) > MOST_XLSX_ROWS:
        table = [*table[:MOST_XLSX_ROWS], [cut.format(most=MOST_XLSX_ROWS)]]
    body = exports.to_xlsx(title, header, table)
    return Response(body, mimetype=exports.XLSX_TYPE, headers=headers)


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
