"""Small charts drawn on the server as SVG: no script, no CDN, no inline style.

Each function returns the ``<svg>`` element as safe markup, with ``role="img"``, a
``<title>`` and a ``<desc>`` (its numbers in words), sized by its ``viewBox`` so it shrinks to
a phone's width. Colours and fonts come from classes that ``static/css/charts.css`` styles, so
the page's Content-Security-Policy (``style-src 'self'``) holds. The page shows the same
numbers as a table beside each chart; the chart is the picture, the table the record.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360  # viewBox units: about a phone's width, so text stays readable there
_ids = itertools.count(1)


def _frame(title: str, desc: str, height: int, body: str, css: str) -> SafeString:
    uid = f"chart-{next(_ids)}"
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>'
        "{}</svg>",
        css,
        WIDTH,
        height,
        uid,
        uid,
        uid,
        title,
        uid,
        desc,
        mark_safe(body),  # noqa: S308 - built below from escaped parts only
    )


def _describe(rows: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in rows)


def bars(title: str, rows: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per row, the label above its bar and the number after it (a
    funnel reads top to bottom)."""
    top = max([value for _, value in rows] + [1])
    step = 38
    parts = []
    for i, (label, value) in enumerate(rows):
        y = i * step
        length = round((WIDTH - 60) * value / top) if value else 0
        parts.append(
            f'<text class="chart__label" x="0" y="{y + 13}">{escape(label)}</text>'
            f'<rect class="chart__bar chart__bar--{i % 2}" x="0" y="{y + 18}"'
            f' width="{max(length, 2)}" height="14" rx="2"></rect>'
            f'<text class="chart__value" x="{max(length, 2) + 6}" y="{y + 30}">{value}</text>'
        )
    return _frame(title, _describe(rows), max(len(rows), 1) * step, "".join(parts), "chart--bars")


def columns(title: str, rows: Sequence[tuple[str, int]]) -> SafeString:
    """Vertical columns (a histogram): short labels under each, numbers on top."""
    top = max([value for _, value in rows] + [1])
    height, base, label_room = 180, 150, 30
    slot = WIDTH / max(len(rows), 1)
    width = slot * 0.7
    parts = [f'<line class="chart__axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"></line>']
    for i, (label, value) in enumerate(rows):
        x = i * slot + (slot - width) / 2
        h = round((base - 20) * value / top)
        parts.append(
            f'<rect class="chart__bar chart__bar--0" x="{x:.1f}" y="{base - h}" width="{width:.1f}"'
            f' height="{h}" rx="2"></rect>'
            f'<text class="chart__value" x="{x + width / 2:.1f}" y="{base - h - 4}"'
            f' text-anchor="middle">{value}</text>'
            f'<text class="chart__label" x="{x + width / 2:.1f}" y="{base + label_room - 12}"'
            f' text-anchor="middle">{escape(label)}</text>'
        )
    return _frame(title, _describe(rows), height, "".join(parts), "chart--columns")


def line(title: str, points: Sequence[tuple[str, int]], *, first: str, last: str) -> SafeString:
    """A line over time (a weekly trend), with its highest value and the first and last
    labels marked; every point is in the table beside it."""
    height, base, left = 170, 140, 30
    top = max([value for _, value in points] + [1])
    n = len(points)
    span = WIDTH - left - 10

    def xy(i: int, value: int) -> str:
        x = left + (span * i / (n - 1) if n > 1 else span / 2)
        return f"{x:.1f},{base - (base - 15) * value / top:.1f}"

    coords = " ".join(xy(i, value) for i, (_, value) in enumerate(points))
    parts = [
        f'<line class="chart__axis" x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}"></line>',
        f'<line class="chart__axis" x1="{left}" y1="15" x2="{left}" y2="{base}"></line>',
        f'<text class="chart__value" x="{left - 4}" y="19" text-anchor="end">{top}</text>',
        f'<text class="chart__value" x="{left - 4}" y="{base}" text-anchor="end">0</text>',
        f'<text class="chart__label" x="{left}" y="{base + 20}">{escape(first)}</text>',
        f'<text class="chart__label" x="{WIDTH - 10}" y="{base + 20}" text-anchor="end">'
        f"{escape(last)}</text>",
    ]
    if n:
        parts.append(f'<polyline class="chart__line" points="{coords}"></polyline>')
    return _frame(title, _describe(points), height, "".join(parts), "chart--line")
