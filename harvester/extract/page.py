"""Extract one detail page: the orchestrator that states the order of truth.

Order of truth, per field:

1. the page's own government <meta> tags (ArticleTitle, PubDate, ContentSource,
   ColumnName, SiteName, Url, og:*, article:published_time …);
2. on-page patterns: the title element, the info bar (发布时间：/来源：) between the
   title and the body (its time of day completes a meta date that gives the day only),
   gov disclosure tables (索引号/文号/…), known CMS body containers, then our own
   text-density body detection; the day in the URL (/t20230601_123.html) when the
   page shows none;
3. trafilatura on the same string (never a fetch), only when 1–2 found nothing.

The document is parsed exactly once with lxml; every later step reuses that tree.
"""
from __future__ import annotations

import logging

from harvester.extract import body as body_mod
from harvester.extract.dom import norm_space, parse_html, strip_junk
from harvester.extract.fallback import text_to_html, trafilatura_extract
from harvester.extract.govinfo import extract_gov_fields
from harvester.extract.infobar import page_lines, pick_date, pick_month, pick_source
from harvester.extract.links import attachment_scopes, find_attachments, find_images
from harvester.extract.meta import read_meta
from harvester.extract.model import Extracted
from harvester.extract.patterns import settle_source
from harvester.extract.sanitize import node_to_safe_html
from harvester.extract.title import choose_title, find_title_node
from harvestkit.dates import date_in_url, day_only, get_tz, parse_date, to_aware, with_shown_time

__all__ = ["extract_page", "extract_page_full"]

log = logging.getLogger(__name__)

_MIN_BODY_CHARS = 30  # below this (and without media) our body is considered "not found"
# Real detail pages are well under 1 MB; beyond this only the head of the document is
# parsed so that a hostile 5 MB page costs about a second, not ten.
_MAX_HTML_CHARS = 1_500_000


def extract_page(html: str, url: str, tz: str = "Asia/Shanghai") -> Extracted:
    """Extract title, date, source, body and attachments from decoded ``html``. Never raises."""
    try:
        return _extract(html, url, tz)
    except Exception:  # noqa: BLE001 - hostile input must never crash the harvester
        log.exception("extract_page failed for %s", url)
        return Extracted(url=url or "")


def extract_page_full(html: str, url: str, tz: str = "Asia/Shanghai") -> tuple[Extracted, dict | None]:
    """:func:`extract_page`, and where on the page it found the title, the info bar
    and the body (``harvester.extract.template.anchors_of``), for learning a
    source's template; ``None`` when the page gave nothing to learn from."""
    anchors: dict = {}
    try:
        return _extract(html, url, tz, anchors), anchors or None
    except Exception:  # noqa: BLE001 - hostile input must never crash the harvester
        log.exception("extract_page failed for %s", url)
        return Extracted(url=url or ""), None


def _extract(html: str, url: str, tz_name: str, anchors: dict | None = None) -> Extracted:
    out = Extracted(url=url or "")
    tz = get_tz(tz_name)
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = html or ""
    if len(html) > _MAX_HTML_CHARS:
        html = html[:_MAX_HTML_CHARS]
    root = parse_html(html)
    if root is None:
        return out

    # 1. meta tags
    meta = read_meta(root)
    out.column_name = meta.column_name
    out.site_name = meta.site_name
    published = parse_date(meta.date)

    # 2. on-page: title, body, info bar
    strip_junk(root)
    title, _origin = choose_title(root, meta.title, meta.html_title, meta.site_name)
    stats = body_mod.compute_stats(root)
    body, _how = body_mod.find_body(root, stats)
    title_node = find_title_node(root, title)
    zones = page_lines(root, title_node, body)
    if published is None:
        published = pick_date(zones)
    elif day_only(published):  # PubDate "2023-06-01", the bar "发布时间：2023-06-01 10:20"
        published = with_shown_time(published, pick_date(zones))
    if published is None:  # the day the CMS wrote into the URL (/t20230601_123.html)
        published = date_in_url(url)
    out.source = settle_source(meta.source, pick_source(zones))
    out.meta = extract_gov_fields(root, zones.lines)

    out.attachments = find_attachments(attachment_scopes(root, body), url, out.refused_links)
    if anchors is not None and body is not None:
        from harvester.extract.template import anchors_of

        anchors.update(anchors_of(root, title_node, body))
    if body is not None:
        body_mod.clean_body(body, title, stats)
        out.body_text = body_mod.body_text(body)
        out.images = find_images(body, url)
        out.body_html = node_to_safe_html(body, url)

    # 3. trafilatura only for what is still missing
    body_missing = len(out.body_text) < _MIN_BODY_CHARS and not out.images and not out.attachments
    if body_missing or not title or published is None:
        traf = trafilatura_extract(html)
        if traf is not None:
            if not title:
                title = norm_space(traf.title)
            if published is None and traf.date:
                published = parse_date(traf.date)
            if body_missing and len(traf.text) > len(out.body_text):
                out.body_text = "\n".join(l.strip() for l in traf.text.splitlines() if l.strip())
                out.body_html = text_to_html(out.body_text)

    # 4. a page that names only a month near its title is dated the 1st of that month
    if published is None:
        published = pick_month(zones)

    out.title = title
    out.published_at = to_aware(published, tz)
    return out
