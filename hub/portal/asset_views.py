"""The portal's own images: ``/favicon.ico`` and the registry's logo (``portal.logo``).

Both come from the portal's origin, as the CSP (``img-src 'self'``) wants.  The
favicon is the bundled one (hub/static/portal/favicon.ico, drawn by
demo/emblem.py); the logo is the file the registry names, checked and read once
at start (hub/portal/identity.py).  Pages link the logo with ``?v=`` its digest,
so it may be cached for a year.
"""
from __future__ import annotations

from flask import Response, abort, current_app, request

from hub.portal.blueprint import bp
from hub.portal.identity import identity

FAVICON_MAX_AGE = 86400
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/favicon.ico")
def favicon():
    response = current_app.send_static_file("portal/favicon.ico")
    response.headers["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response


@bp.get("/portal-logo")
def logo():
    found = identity().logo
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.mimetype)
    response.set_etag(found.version)
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == found.version else "public, max-age=3600"
    return response.make_conditional(request)
