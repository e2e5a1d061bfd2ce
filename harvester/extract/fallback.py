"""trafilatura as the last resort, on the string we already have (never a fetch)."""
from __future__ import annotations

import html as html_lib
import logging
from dataclasses import dataclass

__all__ = ["TrafResult", "trafilatura_extract", "text_to_html"]

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_MAX_INPUT = 3_000_000  # characters; beyond this trafilatura gets too slow to be worth it


@dataclass
class TrafResult:
    title: str = ""
    date: str = ""
    text: str = ""


def trafilatura_extract(html: str) -> TrafResult | None:
    """Run ``trafilatura.bare_extraction`` on ``html`` (a string, no URL). ``None`` on failure."""
    if not html or len(html) > _MAX_INPUT:
        return None
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            max_tree_size=200_000,
        )
    except Exception:  # noqa: BLE001 - a fallback must never raise
        return None
    if doc is None:
        return None
    get = doc.get if isinstance(doc, dict) else (lambda k, d=None: getattr(doc, k, d))
    return TrafResult(title=get("title") or "", date=get("date") or "", text=get("text") or "")


def text_to_html(text: str) -> str:
    """Plain text → ``<p>`` per line (escaped), for the trafilatura fallback body."""
    return "".join(f"<p>{html_lib.escape(line)}</p>" for line in text.splitlines() if line.strip())
