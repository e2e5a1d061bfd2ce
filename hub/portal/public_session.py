"""Public responses never carry the hub's session cookie.

The hub loads the signed-in user on every request (``hub.auth.load_user``),
which marks the session as read: Flask would then add ``Vary: Cookie`` and,
for a permanent session, a refreshed ``Set-Cookie`` to every response.  On a
public page marked ``Cache-Control: public`` that is wrong twice over: a
shared cache could hand an editor's session cookie to strangers, and
``Vary: Cookie`` splits the cache per visitor.  This session interface skips
saving the session for the public blueprints; the portal never writes to it.

Other packages' public pages register their blueprints here too
(:func:`register`): all of them are the public's (robots.txt lets crawlers in),
and the ``sessionless`` ones never save the session.  A public form that needs
its CSRF token in the session (the letter form of 政民互动) is public but not
sessionless, and is never cached.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

PUBLIC_BLUEPRINTS = frozenset({"portal", "feeds"})
EXTENSION = "zhanqun_public_blueprints"


def _registry(app: Flask) -> dict[str, set[str]]:
    return app.extensions.setdefault(EXTENSION, {"public": set(PUBLIC_BLUEPRINTS),
                                                 "sessionless": set(PUBLIC_BLUEPRINTS)})


def register(app: Flask, name: str, sessionless: bool = True) -> None:
    registry = _registry(app)
    registry["public"].add(name)
    if sessionless:
        registry["sessionless"].add(name)


def public_blueprints(app: Flask) -> frozenset[str]:
    return frozenset(_registry(app)["public"])


class PublicAwareSessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response) -> None:
        if request.blueprint in _registry(current_app)["sessionless"]:
            return
        super().save_session(app, session, response)


def install(app: Flask) -> None:
    """Swap in the public-aware interface unless the app already has a custom one."""
    current = app.session_interface
    if isinstance(current, PublicAwareSessionInterface):
        return
    if type(current) is not SecureCookieSessionInterface:
        raise RuntimeError(
            f"the portal needs Flask's cookie sessions, not {type(current).__name__}: "
            "public pages must never set or vary on the session cookie"
        )
    app.session_interface = PublicAwareSessionInterface()
