"""The ``feeds`` blueprint: machine-readable views of the portal (feeds, sitemap, robots.txt)."""
from __future__ import annotations

from flask import Blueprint, Response

from hub.portal import public_session
from hub.portal.cache import init_state
from hub.security import CONTENT_SECURITY_POLICY

bp = Blueprint("feeds", __name__)


def _setup(state) -> None:
    init_state(state.app)
    public_session.install(state.app)


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _not_found(_exc) -> Response:
    return Response("404 Not Found: 没有这个订阅源或站点地图。\n", status=404, mimetype="text/plain")


bp.record_once(_setup)
bp.after_request(_headers)
bp.register_error_handler(404, _not_found)
