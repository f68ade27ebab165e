"""Charts as server-drawn SVG: no script, no CDN, printable in black and white.

Each function takes plain data (labels and numbers: int or Decimal, never float) and
returns Markup of one <svg> with a <title> and <desc> for screen readers; the page puts
the same numbers in a table beside it. Positions are computed in Decimal and written
with one decimal place.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
#: distinguishable in colour and in grey print (dark, light, mid, with patterns for bars)
COLOURS = ("#1f3a5f", "#d98c00", "#2e7d32", "#b3261e", "#6a4c93", "#00796b", "#5d6d7e")
DASHES = ("", "6 4", "2 3", "8 3 2 3")
GRID_LINES = 4
TENTH = Decimal("0.1")


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list]],
    *,
    stacked: bool = False,
    number=str,
) -> Markup:
    """Draw bars per label: side by side for each series, or stacked."""
    totals = [sum((s[1][i] for s in series), Decimal(0)) for i in range(len(labels))]
    peaks = totals if stacked else [v for _, values in series for v in values]
    whole = all(isinstance(v, int) for _, values in series for v in values)
    top = axis_top(max(peaks, default=0), whole=whole)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = Decimal(plot_w) / max(len(labels), 1)
    width = slot * Decimal("0.7") / (1 if stacked else max(len(series), 1))
    parts = _frame(title, top, number)
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * Decimal("0.15")
        base = Decimal(0)
        for n, (name, values) in enumerate(series):
            value = Decimal(values[i])
            h = value * plot_h / top
            x = x0 if stacked else x0 + width * n
            y = TOP + plot_h - h - (base * plot_h / top if stacked else 0)
            parts.append(
                f'<rect x="{_d(x)}" y="{_d(y)}" width="{_d(width)}" height="{_d(h)}" '
                f'fill="{COLOURS[n % len(COLOURS)]}" stroke="#fff" stroke-width="0.5">'
                f"<title>{escape(label)} · {escape(name)}: {escape(number(values[i]))}</title>"
                "</rect>"
            )
            if stacked:
                base += value
            elif value:
                parts.append(_text(x + width / 2, y - 3, number(values[i]), size=10))
        parts.append(_text(x0 + slot * Decimal("0.35"), HEIGHT - BOTTOM + 16, label, size=11))
    parts.append(_legend([name for name, _ in series], bars=True))
    return _svg(title, parts)


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list]], *, number=str
) -> Markup:
    """Draw one line per series over the labels (days); a None value breaks its line."""
    values = [v for _, vs in series for v in vs if v is not None]
    low = min(min(values, default=0), 0)
    top = axis_top(max(values, default=0) - low, whole=False) + low
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = Decimal(plot_w) / max(len(labels) - 1, 1)
    parts = _frame(title, top, number, low=low)
    for n, (_, vs) in enumerate(series):
        points, runs = [], []
        for i, v in enumerate(vs):
            if v is None:
                runs.append(points)
                points = []
                continue
            y = TOP + plot_h - (Decimal(v) - low) * plot_h / (top - low)
            points.append(f"{_d(LEFT + step * i)},{_d(y)}")
        runs.append(points)
        for run in filter(None, runs):
            dash = DASHES[n % len(DASHES)]
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" '
                f'stroke="{COLOURS[n % len(COLOURS)]}" stroke-width="2"'
                f"{f' stroke-dasharray={chr(34)}{dash}{chr(34)}' if dash else ''}/>"
            )
    every = max(len(labels) // 6, 1)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(_text(LEFT + step * i, HEIGHT - BOTTOM + 16, label, size=10))
    parts.append(_legend([name for name, _ in series], bars=False))
    return _svg(title, parts)


def axis_top(value, *, whole: bool) -> Decimal:
    """Return the top of an axis of GRID_LINES equal, round steps holding `value`; with
    `whole` (counts) every step is a whole number."""
    step = nice_ceiling(Decimal(value) / GRID_LINES, whole=whole)
    return step * GRID_LINES


def nice_ceiling(value, *, whole: bool = False) -> Decimal:
    """Return the smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value`
    (no 2.5, and at least 1, when `whole`)."""
    value = Decimal(value)
    if value <= 0 or (whole and value <= 1):
        return Decimal(1)
    power = Decimal(10) ** value.adjusted()
    steps = (1, 2, 5, 10) if whole else (1, 2, Decimal("2.5"), 5, 10)
    for step in steps:
        if power * step >= value:
            return power * step
    return power * 10  # pragma: no cover - 10 always fits


def _frame(title: str, top: Decimal, number, *, low: Decimal = Decimal(0)) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for n in range(GRID_LINES + 1):
        value = low + (top - low) * n / GRID_LINES
        y = TOP + plot_h - Decimal(plot_h) * n / GRID_LINES
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_d(y)}" y2="{_d(y)}" '
            f'stroke="{"#1d2733" if n == 0 else "#c6ced8"}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, number(_tick(value)), size=10, anchor="end"))
    return parts


def _legend(names: list[str], *, bars: bool) -> str:
    items, x = [], LEFT
    for n, name in enumerate(names):
        colour = COLOURS[n % len(COLOURS)]
        if bars:
            mark = f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
        else:
            dash = DASHES[n % len(DASHES)]
            mark = (
                f'<line x1="{x}" x2="{x + 14}" y1="{HEIGHT - 9}" y2="{HEIGHT - 9}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            )
        items.append(mark + _text(x + 18, HEIGHT - 5, name, size=11, anchor="start"))
        x += 28 + sum(12 if ord(ch) > 0x2E80 else 7 for ch in name)
    return "".join(items)


def _svg(title: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    # every text in `parts` went through escape(); the rest are numbers we formatted
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _text(x, y, text, *, size: int = 11, anchor: str = "middle") -> str:
    return (
        f'<text x="{_d(Decimal(x))}" y="{_d(Decimal(y))}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="#1d2733">{escape(str(text))}</text>'
    )


def _tick(value: Decimal) -> Decimal | int:
    return int(value) if value == value.to_integral_value() else value.quantize(TENTH)


def _d(value) -> str:
    return str(Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP))
