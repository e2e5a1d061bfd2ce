"""CSRF tokens, safe redirects and the login rate limiter (no extra dependencies)."""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from flask import abort, request, session

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


class LoginLimiter:
    """At most ``max_failures`` failed logins per (username, IP) within ``window`` seconds. In memory."""

    def __init__(self, max_failures: int = 5, window: float = 600) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def blocked(self, username: str, ip: str) -> bool:
        key = (username.lower(), ip)
        with self._lock:
            return len(self._prune(key, time.monotonic())) >= self.max_failures

    def fail(self, username: str, ip: str) -> None:
        key = (username.lower(), ip)
        with self._lock:
            now = time.monotonic()
            self._prune(key, now).append(now)

    def reset(self, username: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), ip), None)
