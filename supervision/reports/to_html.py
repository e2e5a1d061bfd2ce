"""A report as one HTML document (its own inline stylesheet, A4 page rules for WeasyPrint):
charts as inline SVG (the hub preview) or as PNG images (the PDF)."""
from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from supervision.reports import charts as chart_kit

_ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "无法比较"
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return "与上月持平"
    return f"{'上升' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


_ENV.globals.update(pct=pct, change=change, hours=hours)


def render(data: dict, images: str = "svg") -> str:
    """``images``: ``svg`` (inline, for screens) or ``png`` (data: URIs, for WeasyPrint)."""
    drawn = []
    for chart in chart_kit.of(data):
        if images == "png":
            uri = "data:image/png;base64," + base64.b64encode(chart_kit.png(chart)).decode("ascii")
            width = chart_kit.layout(chart)[0]
            drawn.append((chart.key, Markup(f'<img src="{uri}" alt="{chart.title}" width="{width}">')))
        else:
            drawn.append((chart.key, chart_kit.svg(chart)))
    return _ENV.get_template("report.html").render(data=data, charts=drawn)
