"""A report as PDF: WeasyPrint from the HTML (charts as PNG), set in Noto CJK, fetching nothing."""
from __future__ import annotations

from supervision.reports import charts as chart_kit
from supervision.reports.to_html import render as html


def _no_fetch(url: str, *args, **kwargs):
    """Only the data: URIs the HTML itself carries; never the network or the file system."""
    if not url.startswith("data:"):
        raise ValueError(f"report PDF fetches nothing ({url[:80]})")
    from weasyprint.urls import default_url_fetcher

    return default_url_fetcher(url, *args, **kwargs)


def render(data: dict) -> bytes:
    chart_kit.font_file()  # a clear error when the CJK font is missing, rather than tofu
    from weasyprint import HTML

    return HTML(string=html(data, images="png"), url_fetcher=_no_fetch).write_pdf()
