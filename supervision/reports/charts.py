"""The charts of a report, as plain descriptions (:class:`Chart`) drawn two ways: SVG for the hub
and the HTML (:func:`svg`, no script, no style attribute: the strict CSP allows it) and PNG for
DOCX and PDF (:func:`png`, Pillow with the Noto CJK font, no network).  One layout function
places every mark, so both drawings show the same thing."""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc")
FONT = 12
BAR = "#3182bd"
FAIL = "#a40000"
AXIS = "#999999"
TEXT = "#1a1a1a"
LABEL_CHARS = 12


class FontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: list[str]
    values: list[float | None]
    horizontal: bool = False  # one row per label (units); else one column per label (months, kinds)
    percent: bool = False  # values are shares 0..1, shown as %


@dataclass(frozen=True)
class Mark:
    kind: str  # rect | text | line
    x: float
    y: float
    w: float = 0
    h: float = 0
    text: str = ""
    anchor: str = "start"  # start | middle | end
    fill: str = TEXT
    size: int = FONT


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def _shown(value: float | None, percent: bool) -> str:
    if value is None:
        return "无"
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def layout(chart: Chart) -> tuple[int, int, list[Mark]]:
    """(width, height, marks) of ``chart``."""
    known = [v for v in chart.values if v is not None]
    top_value = 1.0 if chart.percent else (max(known, default=0) or 1)
    marks: list[Mark] = [Mark("text", 4, FONT + 4, text=chart.title, size=FONT + 2)]
    if chart.horizontal:
        left, row, plot, top = FONT * LABEL_CHARS + 10, 18, 360, FONT + 16
        width, height = left + plot + 60, top + row * max(1, len(chart.labels)) + 8
        for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
            y = top + i * row
            marks.append(Mark("text", left - 6, y + row / 2 + FONT / 3, text=_cut(label), anchor="end"))
            w = 0 if not value else max(1.0, plot * value / top_value)
            if w:
                marks.append(Mark("rect", left, y + 2, w, row - 4, fill=BAR))
            marks.append(Mark("text", left + w + 4, y + row / 2 + FONT / 3, text=_shown(value, chart.percent), size=FONT - 1))
        marks.append(Mark("line", left, top, 0, row * max(1, len(chart.labels)), fill=AXIS))
        return width, height, marks
    bar, top, bottom, plot = max(28, min(60, 640 // max(1, len(chart.labels)))), FONT + 30, FONT + 10, 150
    width, height = 10 + bar * max(1, len(chart.labels)) + 10, top + plot + bottom
    base = top + plot
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        x = 10 + i * bar
        h = 0 if not value else max(1.0, plot * value / top_value)
        if h:
            marks.append(Mark("rect", x + 3, base - h, bar - 6, h, fill=BAR))
        marks.append(Mark("text", x + bar / 2, base - h - 4, text=_shown(value, chart.percent), anchor="middle", size=FONT - 1))
        marks.append(Mark("text", x + bar / 2, height - 4, text=label, anchor="middle", size=FONT - 1))
    marks.append(Mark("line", 10, base, width - 20, 0, fill=AXIS))
    return width, height, marks


def svg(chart: Chart) -> Markup:
    width, height, marks = layout(chart)
    parts = []
    for m in marks:
        if m.kind == "rect":
            parts.append(f'<rect x="{m.x:.1f}" y="{m.y:.1f}" width="{m.w:.1f}" height="{m.h:.1f}" fill="{m.fill}"/>')
        elif m.kind == "line":
            parts.append(f'<line x1="{m.x:.1f}" y1="{m.y:.1f}" x2="{m.x + m.w:.1f}" y2="{m.y + m.h:.1f}" stroke="{m.fill}"/>')
        else:
            parts.append(f'<text x="{m.x:.1f}" y="{m.y:.1f}" text-anchor="{m.anchor}" font-size="{m.size}" '
                         f'fill="{m.fill}">{escape(m.text)}</text>')
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" font-family="Noto Sans CJK SC, sans-serif">'
                  f"<title>{escape(chart.title)}</title>{''.join(parts)}</svg>")


@lru_cache(maxsize=1)
def font_file() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True, text=True).stdout
        if found and "CJK" in found and Path(found).exists():
            return found
    raise FontMissing("没有找到中文字体 Noto Sans CJK（Debian/Ubuntu：apt-get install fonts-noto-cjk）")


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(font_file(), size, index=2)  # index 2 of the .ttc: Simplified Chinese (SC)


def png(chart: Chart, scale: int = 2) -> bytes:
    """The chart as a PNG, ``scale`` pixels per SVG unit (sharp when printed)."""
    from PIL import Image, ImageDraw

    width, height, marks = layout(chart)
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    for m in marks:
        if m.kind == "rect":
            draw.rectangle([m.x * scale, m.y * scale, (m.x + m.w) * scale, (m.y + m.h) * scale], fill=m.fill)
        elif m.kind == "line":
            draw.line([m.x * scale, m.y * scale, (m.x + m.w) * scale, (m.y + m.h) * scale], fill=m.fill, width=scale)
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[m.anchor]
            draw.text((m.x * scale, m.y * scale), m.text, fill=m.fill, font=_font(m.size * scale), anchor=anchor)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


# -- the charts of a report ---------------------------------------------------------------------------
def of(data: dict) -> list[Chart]:
    if data["kind"] == "monthly":
        checked = [r for r in data["ranking"] if r["checked"]] or data["ranking"]
        by_kind = data["problems"]
        return [
            Chart("updates", f"{data['year']}年{data['month']}月各单位更新信息数", [r["name"] for r in checked],
                  [r["updates"] for r in checked], horizontal=True),
            Chart("trend", "近12个月合格率", [f"{t['month'][2:4]}.{int(t['month'][5:])}" for t in data["trend"]],
                  [t["pass_rate"] for t in data["trend"]], percent=True),
            Chart("kinds", "本月问题（按类型）", [p["label"] for p in by_kind] or ["无"], [p["count"] for p in by_kind] or [0]),
        ]
    checked = [r for r in data["ranking"] if r["checked"]] or data["ranking"]
    return [
        Chart("months", f"{data['year']}年各单位合格月数", [r["name"] for r in checked], [r["months_passed"] for r in checked],
              horizontal=True),
        Chart("trend", f"{data['year']}年各月合格率", [f"{int(t['month'][5:])}月" for t in data["trend"]],
              [t["pass_rate"] for t in data["trend"]], percent=True),
    ]
