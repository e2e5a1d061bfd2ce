"""Browsers an account has signed in from ("device cookies", OWASP's answer to
lock-outs that an attacker aims at a user).

After a successful sign-in the browser gets a signed, HttpOnly cookie naming the
account and a fingerprint of its password hash.  From such a browser the account's
own back-off (someone else guessing its password elsewhere) does not apply; the
client address's back-off still does.  A password reset changes the fingerprint,
so a reset also withdraws the exemption from every browser.
"""
from __future__ import annotations

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from storage.models import User

COOKIE = "zq_known_device"
SALT = "zhanqun-known-device"
MAX_AGE = 90 * 24 * 3600  # seconds a browser stays known without signing in again
MAX_ACCOUNTS = 5  # accounts remembered per browser (a shared office computer)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:32]


def _known() -> list[str]:
    value = request.cookies.get(COOKIE)
    if not value:
        return []
    try:
        known = _serializer().loads(value, max_age=MAX_AGE)
    except BadSignature:
        return []
    return [k for k in known if isinstance(k, str)] if isinstance(known, list) else []


def is_known(user: User | None) -> bool:
    """This browser signed in as ``user`` before, with the password it has now."""
    return user is not None and _fingerprint(user) in _known()


def remember(response: Response, user: User) -> None:
    known = [_fingerprint(user)] + [k for k in _known() if k != _fingerprint(user)]
    response.set_cookie(
        COOKIE, _serializer().dumps(known[:MAX_ACCOUNTS]), max_age=MAX_AGE, path="/login",
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
    )
