"""Conditional GET and whole-response caching for public pages and feeds.

A public response depends only on the published content, the URL (path and
query, which carries the 繁體/纯文字版 choice) and the portal's own code.  The
ETag is a digest of exactly that, with the ``content`` counter standing for
the content: every publish, unpublish or edit bumps it and so changes every
ETag.  A request whose validator still matches gets 304 without touching
anything but the counter; otherwise the rendered response is kept in an
in-process LRU for the same counter value.

The portal ignores the visitor's session: nothing here reads it, and
:mod:`hub.portal.public_session` keeps the session cookie off public responses.
"""
from __future__ import annotations

import hashlib
import logging
import time
from functools import wraps

from flask import Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db import EXTENSION as DB_EXTENSION
from hub.db import db_session
from hub.portal.cache import PortalState, portal_state
from storage import counters
from storage.models import Counter
from storage.publishing import PUBLISH_DUE_SECONDS, promote_due

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=60, must-revalidate"
PROMOTE_EVERY_SECONDS = float(PUBLISH_DUE_SECONDS)  # as often as the scheduler's publish-due job
CACHED_STATUSES = (200,)


def base_url() -> str:
    """The portal's public origin: ``PORTAL_BASE_URL`` when configured, else this request's."""
    configured = current_app.config.get("PORTAL_BASE_URL")
    return (configured or request.host_url).rstrip("/")


def promote_scheduled(session: Session, state: PortalState) -> None:
    """Publish due 定时发布 items, at most once every ``PROMOTE_EVERY_SECONDS`` per process.

    The scheduler publishes due items (``harvester.scheduler``, job ``publish-due``,
    ``storage.publishing.promote_due``).  This check stays on the read path, on
    purpose: a government portal announces when a document is released, and one
    served without a scheduler running (``zhanqun serve`` alone, a scheduler
    stopped for maintenance or crashed) must still release it on time.  It costs
    one indexed query per worker every 30 s and writes only when an item is due;
    promotion is exactly-once whoever gets there first (``storage.publishing``).
    A failure here must not take the public pages down: it is logged and the page
    is served from what is published.
    """
    now = time.monotonic()
    with state.promote_lock:
        if now - state.promoted_at < PROMOTE_EVERY_SECONDS:
            return
        state.promoted_at = now
    try:
        promoted = promote_due(session)
        if promoted:
            session.commit()
        else:
            session.rollback()
    except Exception:  # noqa: BLE001 - log and keep serving
        session.rollback()
        log.exception("portal: promoting scheduled items failed")


COUNTER_QUERY = select(Counter.value).where(Counter.name == counters.CONTENT)


def content_counter() -> int:
    """The ``content`` counter for this request, read once.

    Read on a pooled connection of its own, without an ORM session and outside
    any transaction (``storage.db.autocommit_reads``): a request answered from the
    cache (or with 304) touches the database only here, in one round trip.
    """
    if "portal_counter" not in g:
        state = portal_state()
        if time.monotonic() - state.promoted_at >= PROMOTE_EVERY_SECONDS:
            promote_scheduled(db_session(), state)
        with current_app.extensions[DB_EXTENSION]["reads"].connect() as connection:
            g.portal_counter = connection.execute(COUNTER_QUERY).scalar() or 0
    return g.portal_counter


def page_key() -> tuple:
    args = tuple(sorted(request.args.items(multi=True)))
    origin = "" if current_app.config.get("PORTAL_BASE_URL") else request.host_url
    return (origin, request.path, args)


def make_etag(state: PortalState, counter: int, key: tuple) -> str:
    digest = hashlib.sha256(repr((state.render_version, counter, key)).encode()).hexdigest()[:24]
    return f"c{counter}-{digest}"


def _not_modified(etag: str, last_modified) -> bool:
    if request.if_none_match:
        # RFC 9110 13.1.3: with If-None-Match present, If-Modified-Since is ignored.
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and last_modified <= since


def _with_validators(response: Response, etag: str, last_modified) -> Response:
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def public_page(view):
    """Serve ``view`` with ETag/Last-Modified, 304s and the per-counter response cache.

    Only 200 responses are cached and carry validators; 404 and 410 answers
    are computed each time (they are cheap and must follow the content).
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        state = portal_state()
        counter = content_counter()
        key = page_key()
        etag = make_etag(state, counter, key)
        last_modified = state.last_modified(counter)
        if _not_modified(etag, last_modified):
            return _with_validators(Response(status=304), etag, last_modified)
        keep = current_app.config.get("PORTAL_PAGE_CACHE", True)
        cached = state.pages.get(counter, key) if keep else None
        if cached is not None:
            status, content_type, body = cached
            return _with_validators(Response(body, status=status, content_type=content_type), etag, last_modified)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code not in CACHED_STATUSES:
            response.headers.setdefault("Cache-Control", CACHE_CONTROL)
            return response
        if keep:
            state.pages.put(counter, key, (response.status_code, response.content_type, response.get_data()))
        return _with_validators(response, etag, last_modified)

    return wrapped
