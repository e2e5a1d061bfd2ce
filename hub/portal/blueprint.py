"""The ``portal`` blueprint: the public site's headers, error pages and template context."""
from __future__ import annotations

from flask import Blueprint, request

from hub.portal import public_session
from hub.portal.cache import init_state
from hub.portal.identity import init_identity
from hub.portal.pages import render_page, template_context
from hub.security import CONTENT_SECURITY_POLICY  # the hub's own, as strict (see hub/portal/body.py)

bp = Blueprint("portal", __name__)

ERROR_TITLES = {400: "请求无效", 404: "页面不存在", 405: "方法不允许", 413: "提交内容过大", 429: "请求过多"}
ERROR_MESSAGES = {404: "找不到您要访问的页面，它可能已被移动或从未发布。"}


def setup_public_blueprint(state) -> None:
    site = init_identity(state.app)
    # The identity and the name are on every page: a restart that changes them changes every ETag.
    init_state(state.app).depend_on(repr((site, state.app.config.get("PORTAL_NAME"))))
    public_session.install(state.app)


def make_public(other: Blueprint, sessionless: bool = True) -> Blueprint:
    """Another package's public pages, served like the portal's: its headers and strict CSP,
    its template context (``portal/base.html`` works), its error pages, no session cookie
    unless ``sessionless`` is off (a form that needs its CSRF token)."""

    def setup(state) -> None:
        setup_public_blueprint(state)
        public_session.register(state.app, other.name, sessionless)

    other.record_once(setup)
    other.after_request(security_headers)
    other.context_processor(template_context)
    for code in ERROR_TITLES:
        other.register_error_handler(code, _error_page(code))
    return other


def security_headers(response):
    """The portal's headers, set outright (the app's defaults use setdefault)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


bp.record_once(setup_public_blueprint)
bp.after_request(security_headers)
@bp.app_context_processor
def _public_context() -> dict:
    """The portal's template globals, for its own pages, the feeds, and the public
    404 of unknown URLs (no endpoint); the hub's pages don't pay for them."""
    if request.blueprint in ("portal", "feeds") or request.endpoint is None:
        return template_context()
    return {}


def render_error(code: int, exc=None):
    """The portal's own error page (also used by the app for unknown public URLs)."""
    message = ERROR_MESSAGES.get(code) or getattr(exc, "description", "") or ERROR_TITLES[code]
    return render_page("portal/error.html", status=code, code=code, title=ERROR_TITLES[code], message=message)


def _error_page(code: int):
    return lambda exc: render_error(code, exc)


for _code in ERROR_TITLES:
    bp.register_error_handler(_code, _error_page(_code))
