"""Charts drawn on the server as SVG, so the strict CSP stays as it is: no script,
no inline style (colours are SVG presentation attributes, which the CSP allows),
text as text, a <title> per mark for the pointer and a caption for screen readers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from markupsafe import Markup, escape

FONT = 12
CELL = 20
LABEL_CHARS = 12  # unit names are cut to this many characters on the left axis

# Colour scales (ColorBrewer Blues / a red-amber-green availability scale), light to strong.
BLUES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY_FILL = "#f0f0f0"


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[float | None]
    tips: Sequence[str]  # one tooltip per value


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-size="{FONT}" font-family="sans-serif">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _cut(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def heatmap(title: str, columns: Sequence[str], rows: Sequence[Row], fill: Callable[[float | None], str],
            cell: int = CELL, column_every: int = 1) -> Markup:
    """Rows × columns of coloured cells (a unit per row, a month or a day per column)."""
    left = FONT * LABEL_CHARS + 8
    top = FONT + 10
    width = left + cell * len(columns) + 4
    height = top + cell * len(rows) + 4
    parts = []
    for i, name in enumerate(columns):
        if i % column_every == 0:
            x = left + i * cell + cell / 2
            parts.append(f'<text x="{x:.1f}" y="{FONT}" text-anchor="middle" fill="#333">{escape(name)}</text>')
    for r, row in enumerate(rows):
        y = top + r * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + FONT / 3:.1f}" text-anchor="end" fill="#1a1a1a">'
                     f"{escape(_cut(row.label))}</text>")
        for c, (value, tip) in enumerate(zip(row.values, row.tips)):
            parts.append(f'<rect x="{left + c * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{fill(value)}"><title>{escape(tip)}</title></rect>')
    return _svg(width, height, title, "".join(parts))


def bars(title: str, labels: Sequence[str], values: Sequence[float | None], tips: Sequence[str],
         fill: Callable[[float | None], str], maximum: float | None = None, height: int = 140,
         bar: int = 22, label_every: int = 1, unit: str = "") -> Markup:
    """One bar per label (a month, a day); the value written above bars that have room."""
    top, bottom, left = FONT + 6, FONT + 8, 4
    known = [v for v in values if v is not None]
    scale = maximum if maximum is not None else max(known, default=0) or 1
    plot = height - top - bottom
    width = left + bar * len(labels) + 4
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 2}" y2="{height - bottom}" stroke="#999"/>']
    for i, (label, value, tip) in enumerate(zip(labels, values, tips)):
        x = left + i * bar
        h = 0 if value is None else max(1.0, plot * value / scale) if value else 0
        parts.append(f'<rect x="{x + 2}" y="{height - bottom - h:.1f}" width="{bar - 4}" height="{h:.1f}" '
                     f'fill="{fill(value)}"><title>{escape(tip)}</title></rect>')
        if value is not None and bar >= 18:
            shown = f"{value:g}{unit}"
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom - h - 3:.1f}" text-anchor="middle" '
                         f'font-size="{FONT - 2}" fill="#333">{escape(shown)}</text>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 3}" text-anchor="middle" fill="#333">'
                         f"{escape(label)}</text>")
    return _svg(width, height, title, "".join(parts))


def updates_fill(top: float) -> Callable[[float | None], str]:
    """More items, a stronger blue; none at all, pale grey (a month with nothing stands out)."""
    def fill(value: float | None) -> str:
        if not value:
            return EMPTY_FILL
        step = min(len(BLUES) - 1, int(len(BLUES) * value / (top or 1)))
        return BLUES[step]

    return fill


def availability_fill(share: float | None) -> str:
    if share is None:
        return EMPTY_FILL
    if share >= 0.99:
        return "#1d6b2a"
    if share >= 0.95:
        return "#74c476"
    if share >= 0.8:
        return "#f5a000"
    return "#a40000"
