"""One entry point for every format of a report, from its data."""
from __future__ import annotations

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def render(data: dict, fmt: str) -> bytes:
    if fmt == "html":
        from supervision.reports.to_html import render as html

        return html(data).encode("utf-8")
    if fmt == "pdf":
        from supervision.reports.to_pdf import render as pdf

        return pdf(data)
    if fmt == "docx":
        from supervision.reports.to_docx import render as docx

        return docx(data)
    if fmt == "xlsx":
        from supervision.reports.to_xlsx import render as xlsx

        return xlsx(data)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def filename(data: dict, fmt: str) -> str:
    """An ASCII file name (the Chinese title goes in Content-Disposition's filename*)."""
    return f"{'bulletin' if data['kind'] == 'monthly' else 'assessment'}-{data['period']}.{FORMATS[fmt][1]}"


def title_filename(data: dict, fmt: str) -> str:
    return f"{data['title']}.{FORMATS[fmt][1]}"
