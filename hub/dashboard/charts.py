"""Small bar charts drawn on the server as SVG for the 工作台: no script, no inline
style (colours are presentation attributes, allowed by the strict CSP), a <title> per
bar for the pointer, and the same figures in a table beside each chart for screen readers."""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

FONT = 11


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mini-chart" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif"><title>{escape(title)}</title>{body}</svg>'
    )


def columns(title: str, points: Sequence[tuple[str, int]], unit: str = "条") -> Markup:
    """Vertical bars, one per point (a day): the count above each bar, every other label below."""
    width, height, top, bottom = 360, 150, 16, 20
    top_value = max((v for _, v in points), default=0) or 1
    step = (width - 4) / max(len(points), 1)
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>']
    every = 1 if len(points) <= 10 else 2
    for i, (label, value) in enumerate(points):
        h = (height - top - bottom) * value / top_value
        x, y = 2 + i * step, height - bottom - h
        parts.append(f'<rect class="bar" x="{x + step * .15:.1f}" y="{y:.1f}" width="{step * .7:.1f}" height="{h:.1f}" '
                     f'fill="#0b4f9c"><title>{escape(label)}：{value} {unit}</title></rect>')
        if value:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="{FONT}" '
                         f'fill="#1a1a1a">{value}</text>')
        if i % every == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 5}" text-anchor="middle" font-size="{FONT - 1}" '
                         f'fill="#333">{escape(label)}</text>')
    return _svg(width, height, title, "".join(parts))


def bars(title: str, rows: Sequence[tuple[str, int]], unit: str = "条") -> Markup:
    """Horizontal bars, one per row (a unit), longest first as given."""
    row_h, label_w, width = 20, 130, 360
    height = max(row_h * len(rows), row_h) + 4
    top_value = max((v for _, v in rows), default=0) or 1
    room = width - label_w - 40
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 2 + i * row_h
        cut = label if len(label) <= 10 else label[:9] + "…"
        w = room * value / top_value
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="{FONT}" fill="#1a1a1a">'
                     f'{escape(cut)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="#0b4f9c">'
                     f'<title>{escape(label)}：{value} {unit}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="{FONT}" fill="#1a1a1a">{value}</text>')
    return _svg(width, height, title, "".join(parts))
