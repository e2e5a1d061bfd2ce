"""Shared pieces of the portal's HTML pages: rendering in the reader's version,
cached fragments, the lookups every page needs, page numbers."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from flask import abort, current_app, g, render_template, request
from markupsafe import Markup

from harvestkit.dates import as_local
from hub.db import db_session
from hub.portal import queries
from hub.portal.cache import portal_state
from hub.portal.http_cache import content_counter
from hub.portal.identity import identity
from hub.portal.variants import NOCONV_END, NOCONV_START, current_mode, links, to_traditional_html

PER_PAGE = 20


def portal_name() -> str:
    """The portal's name: ZHANQUN_PORTAL_NAME, else the registry's ``portal.name``, else
    ``DEFAULT_PORTAL_NAME`` (settled once by ``create_app``)."""
    return current_app.config["PORTAL_NAME"]


def site_lookups() -> queries.Lookups:
    """Columns and units, once per counter value per process."""
    if "portal_lookups" not in g:
        g.portal_lookups = portal_state().fragments.get_or_make(
            content_counter(), ("lookups",), lambda: queries.lookups(db_session())
        )
    return g.portal_lookups


def fragment(name: str, render: Callable[[], str]) -> Markup:
    """A rendered block kept for the current counter value.  Keyed by the reader's
    version too, because the links inside carry it."""
    key = ("fragment", name, current_mode())
    return Markup(portal_state().fragments.get_or_make(content_counter(), key, render))


def cached_count(key: tuple, count: Callable[[], int]) -> int:
    return portal_state().counts.get_or_make(content_counter(), key, count)


def page_number() -> int:
    """``?page=`` as a number from 1 to MAX_PAGE; anything else is not a page of ours."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= queries.MAX_PAGE:
        abort(404)
    return int(raw)


def iso_time(value: datetime | None) -> str:
    """``<time datetime>`` value in the portal's timezone (RFC 3339)."""
    local = as_local(value, current_app.config["TIMEZONE"])
    return local.isoformat(timespec="seconds") if local else ""


def noconv(text: str) -> Markup:
    """Text shown as is in every version (URLs written out, the 简体 switch)."""
    return Markup(NOCONV_START) + text + Markup(NOCONV_END)


def columns_nav() -> Markup:
    """The column bar of every page, rendered once per counter value, version and current page."""
    endpoint = request.endpoint
    if endpoint == "portal.home":
        active = "home"
    elif endpoint == "portal.search":
        active = "search"
    elif endpoint == "portal.column" and site_lookups().column((request.view_args or {}).get("column_id", "")):
        active = request.view_args["column_id"]
    elif request.blueprint in ("interact", "interact_pages"):
        active = "interact"
    elif request.blueprint == "topics_public":
        active = "topics"
    else:
        active = ""
    return fragment(f"columns-nav:{active}", lambda: render_template("portal/_columns_nav.html", active=active))


def render_page(template: str, status: int = 200, **context):
    html = render_template(template, **context)
    if current_mode().hant:
        html = to_traditional_html(html)
    return html, status


def template_context() -> dict:
    state = portal_state()
    urls = links()
    site = identity()

    def static_url(filename: str) -> str:
        return urls.plain("static", filename=filename, v=state.render_version)

    return {
        "identity": site,
        "logo_url": urls.plain("portal.logo", v=site.logo.version) if site.logo else None,
        "static_url": static_url,
        "portal_name": portal_name(),
        "mode": urls.mode,
        "purl": urls.purl,
        "plain_url": urls.plain,
        "switch_url": urls.switch,
        "iso_time": iso_time,
        "site_lookups": site_lookups,
        "columns_nav": columns_nav,
        "css_url": static_url("portal/portal.css"),
        "noconv": noconv,
    }
