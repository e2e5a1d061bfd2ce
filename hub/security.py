"""CSRF tokens, safe redirects and the Content-Security-Policy (login throttling: hub/auth/throttle.py)."""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, request, session

# One policy for the hub and the portal: nothing on any page comes from elsewhere (no CDN,
# no hot-linked images: harvested images are links, or loaded through the hub's guarded
# image fetch, hub/source_images), no inline script or style, no plugins, no <base>,
# forms post only here, and no page may be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

CSRF_KEY = "_csrf"
CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


API_PREFIX = "/api/"


def _bearer_api_request() -> bool:
    """A call to the API authenticated by a token, which a foreign page cannot send (the API
    ignores cookies, see hub.api.auth): nothing for a cross-site request to forge."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return request.path.startswith(API_PREFIX) and scheme.lower() == "bearer" and bool(token.strip())


def check_csrf() -> None:
    """``before_request``: every state-changing request carries the session's token.

    Bearer requests to the API are exempt; any other write to the API is refused
    outright (401: the API accepts tokens only, so a cookie can never act there)."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if request.path.startswith(API_PREFIX):
        if _bearer_api_request():
            return
        abort(401, description="需要 API 令牌：请在请求头中提供 Authorization: Bearer <令牌>。")
    expected = session.get(CSRF_KEY)
    sent = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        abort(400, description="CSRF 校验失败，请刷新页面后重试。")


def safe_next(target: str | None, fallback: str) -> str:
    """Only local absolute paths: no scheme, no host, no ``//`` or ``/\\`` tricks."""
    if not target:
        return fallback
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(c) < 32 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
