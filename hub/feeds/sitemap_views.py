"""``/sitemap.xml`` (sitemaps.org 0.9) and ``/robots.txt`` of the public portal.

A sitemap file holds at most 50,000 URLs: a bigger portal gets a sitemap
index at ``/sitemap.xml`` pointing to ``/sitemaps/pages.xml`` (home, columns,
units) and ``/sitemaps/items-N.xml`` parts.  ``lastmod`` is the publication
time: it comes from the (status, published_at) index alone, so even a full
sitemap never reads the wide item rows.
"""
from __future__ import annotations

from math import ceil

from flask import Response, abort, current_app
from lxml import etree

from hub.db import db_session
from hub.feeds.blueprint import bp
from hub.feeds.build import rfc3339
from hub.feeds.feed_views import absolute
from hub.portal import queries
from hub.portal.http_cache import base_url, public_page
from hub.portal.pages import cached_count, site_lookups
from hub.portal.public_session import public_blueprints

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_MAX_URLS = 50_000
ITEMS_PER_PART = 40_000


def _document(tag: str, entries) -> Response:
    root = etree.Element(f"{{{SITEMAP_NS}}}{tag}", nsmap={None: SITEMAP_NS})
    child = "url" if tag == "urlset" else "sitemap"
    for loc, lastmod in entries:
        el = etree.SubElement(root, f"{{{SITEMAP_NS}}}{child}")
        etree.SubElement(el, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(el, f"{{{SITEMAP_NS}}}lastmod").text = rfc3339(lastmod)
    body = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return Response(body, mimetype="application/xml")


def _page_entries() -> list[tuple[str, object]]:
    session = db_session()
    look = site_lookups()
    entries = [(absolute("portal.home"), queries.newest_published_at(session))]
    entries += [(absolute("portal.column", column_id=c.id), queries.newest_published_at(session, column_id=c.id))
                for c in look.columns]
    entries += [(absolute("portal.unit", unit_id=u.id), queries.newest_published_at(session, unit_id=u.id))
                for u in look.units]
    return entries + _interaction_entries(session) + _topic_entries(session)


def _interaction_entries(session) -> list[tuple[str, object]]:
    """政民互动: the list and every published Q&A (a few thousand a year: they fit with the pages)."""
    from interaction.public_views import sitemap_entries

    letters = sitemap_entries(session)
    newest = max((published for _id, published in letters if published), default=None)
    return [(absolute("interact_pages.index"), newest)] + [
        (absolute("interact_pages.letter", letter_id=letter_id), published) for letter_id, published in letters]


def _topic_entries(session) -> list[tuple[str, object]]:
    from topics.service import public_topics

    return [(absolute("topics_public.index"), None)] + [
        (absolute("topics_public.topic", topic_id=topic.id), None) for topic in public_topics(session)]


def _item_entries(offset: int, limit: int) -> list[tuple[str, object]]:
    return [(absolute("portal.item", item_id=item_id), published)
            for item_id, published in queries.sitemap_items(db_session(), offset, limit)]


def _published_total() -> int:
    return cached_count(("published",), lambda: queries.published_total(db_session()))


@bp.get("/sitemap.xml")
@public_page
def sitemap():
    total = _published_total()
    pages = _page_entries()
    if total + len(pages) <= SITEMAP_MAX_URLS:
        return _document("urlset", pages + _item_entries(0, total))
    parts = [(absolute("feeds.sitemap_pages"), None)]
    parts += [(absolute("feeds.sitemap_items", part=n), None) for n in range(1, ceil(total / ITEMS_PER_PART) + 1)]
    return _document("sitemapindex", parts)


@bp.get("/sitemaps/pages.xml")
@public_page
def sitemap_pages():
    return _document("urlset", _page_entries())


@bp.get("/sitemaps/items-<int:part>.xml")
@public_page
def sitemap_items(part: int):
    if not 1 <= part <= max(1, ceil(_published_total() / ITEMS_PER_PART)):
        abort(404)
    return _document("urlset", _item_entries((part - 1) * ITEMS_PER_PART, ITEMS_PER_PART))


def hub_paths() -> list[str]:
    """First path segments of every route that is not the public portal: the hub."""
    paths = {"/hub/", "/api/"}
    public = public_blueprints(current_app)
    for rule in current_app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if rule.endpoint == "static" or blueprint in public:
            continue
        first = rule.rule.lstrip("/").split("/", 1)
        if not first[0] or "<" in first[0]:
            continue
        paths.add(f"/{first[0]}/" if len(first) > 1 else f"/{first[0]}")
    return sorted(paths)


@bp.get("/robots.txt")
@public_page
def robots():
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in hub_paths()]
    # Search results are an endless space of near-duplicate pages: crawlers use the sitemap.
    lines.append("Disallow: /search")
    lines.append(f"Sitemap: {base_url()}/sitemap.xml")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
