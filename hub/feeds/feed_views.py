"""Atom and RSS feeds: everything, per column, per unit (latest 50 published items)."""
from __future__ import annotations

from flask import Response, abort, url_for

from hub.db import db_session
from hub.feeds import build
from hub.feeds.blueprint import bp
from hub.portal import queries
from hub.portal.cache import portal_state
from hub.portal.http_cache import base_url, content_counter, public_page
from hub.portal.pages import portal_name, site_lookups

LETTER_SUMMARY_CHARS = 200  # a letter's summary in the 政民互动 feed: the start of the question
FEED_SIZE = 50
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
BUILDERS = {"atom": build.atom, "rss": build.rss}


def absolute(endpoint: str, **values) -> str:
    return base_url() + url_for(endpoint, **values)


def _entries(items) -> tuple[build.Entry, ...]:
    look = site_lookups()
    units, columns = look.unit_names, look.column_names
    entries = []
    for item in items:
        primary = next((s for s in item.sources if s.is_primary), None)
        source_url = None
        if item.origin != "submission":
            candidate = primary.url if primary else item.url
            source_url = candidate if candidate and candidate.startswith(("http://", "https://")) else None
        entries.append(build.Entry(
            title=item.title, url=absolute("portal.item", item_id=item.id), source_url=source_url,
            published=item.published_at, updated=item.updated_at or item.published_at,
            author=units.get(item.unit_id, item.unit_id), summary=item.summary or "",
            categories=tuple(columns[c.column_id] for c in item.columns if c.column_id in columns),
        ))
    return tuple(entries)


def _respond(fmt: str, title: str, subtitle: str, self_endpoint: str, page_url: str, items, entries=None,
             **values) -> Response:
    entries = _entries(items) if entries is None else entries
    updated = max((e.updated for e in entries if e.updated), default=None)
    feed = build.Feed(
        title=title, subtitle=subtitle, self_url=absolute(self_endpoint, fmt=fmt, **values), page_url=page_url,
        updated=updated or portal_state().last_modified(content_counter()), author=portal_name(), entries=entries,
    )
    return Response(BUILDERS[fmt](feed), mimetype=MEDIA_TYPES[fmt])


@bp.get("/feeds/all.<any(atom, rss):fmt>")
@public_page
def all_feed(fmt: str):
    name = portal_name()
    items = queries.feed_items(db_session(), FEED_SIZE)
    return _respond(fmt, name, f"{name}最新发布的信息", "feeds.all_feed", absolute("portal.home"), items)


@bp.get("/feeds/columns/<column_id>.<any(atom, rss):fmt>")
@public_page
def column_feed(column_id: str, fmt: str):
    return _listing_feed(fmt, "column", column_id, "{portal}“{name}”栏目最新信息")


@bp.get("/feeds/units/<unit_id>.<any(atom, rss):fmt>")
@public_page
def unit_feed(unit_id: str, fmt: str):
    return _listing_feed(fmt, "unit", unit_id, "{name}在{portal}发布的最新信息")


def _listing_feed(fmt: str, kind: str, key: str, subtitle: str):
    """The feed of one column or unit (``kind``) of the registry; 404 for one it does not list."""
    found = getattr(site_lookups(), kind)(key)
    if found is None:
        abort(404)
    scope = {f"{kind}_id": key}
    items = queries.feed_items(db_session(), FEED_SIZE, **scope)
    return _respond(fmt, f"{found.name} - {portal_name()}", subtitle.format(portal=portal_name(), name=found.name),
                    f"feeds.{kind}_feed", absolute(f"portal.{kind}", **scope), items, **scope)


@bp.get("/feeds/letters.<any(atom, rss):fmt>")
@public_page
def letters_feed(fmt: str):
    """The published Q&As of 政民互动: question and answer, never the citizen's name or phone."""
    from interaction.public_views import published_letters

    units = site_lookups().unit_names
    entries = tuple(build.Entry(
        title=row.title, url=absolute("interact_pages.letter", letter_id=row.id), source_url=None,
        published=row.published_at, updated=row.published_at, author=units.get(row.reply_unit_id, "门户办"),
        summary=row.body[:LETTER_SUMMARY_CHARS], categories=("政民互动",), byline="答复单位",
    ) for row in published_letters(db_session(), FEED_SIZE))
    return _respond(fmt, f"政民互动 - {portal_name()}", f"{portal_name()}公开的来信和答复", "feeds.letters_feed",
                    absolute("interact_pages.index"), None, entries=entries)


@bp.get("/feeds/topics/<int:topic_id>.<any(atom, rss):fmt>")
@public_page
def topic_feed(topic_id: int, fmt: str):
    from topics.service import public_topic, topic_items

    session = db_session()
    topic = public_topic(session, topic_id) if topic_id <= 2**63 - 1 else None
    if topic is None:
        abort(404)
    items = topic_items(session, topic_id, FEED_SIZE)
    return _respond(fmt, f"{topic.title} - {portal_name()}", f"{portal_name()}专题“{topic.title}”最新信息",
                    "feeds.topic_feed", absolute("topics_public.topic", topic_id=topic_id), items, topic_id=topic_id)
