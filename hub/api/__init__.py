"""The hub's REST API (``/api/v1/``): items, editorial actions, 信息报送, supervision
(监管: verdicts and findings), and the columns, units and sources to look ids up in; described by an OpenAPI 3.1
document at ``/api/v1/openapi.json``.

Token auth only (``Authorization: Bearer``, see :mod:`hub.api.auth`); JSON in,
JSON out, errors included (:mod:`hub.api.errors`).  The same permissions as
the hub's pages, through the same :mod:`hub.actions`.
"""
from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException, default_exceptions

from hub.api.auth import drop_session
from hub.api.errors import ApiError, handle_api_error, handle_http_exception

PREFIX = "/api"
MAX_BODY_BYTES = 8 * 1024 * 1024  # JSON only (no files): a long 正文 fits many times over

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.register_error_handler(ApiError, handle_api_error)
# By code as well: the app's HTML handlers for 400/403/404/405… are registered by code, and
# Flask picks a handler registered by code before one registered by class.
for _code in default_exceptions:
    bp.register_error_handler(_code, handle_http_exception)
bp.register_error_handler(HTTPException, handle_http_exception)


@bp.url_value_preprocessor
def _before_anything(_endpoint, _values) -> None:
    """Runs before the app's CSRF check and sign-in: no cookie session, a body limit for JSON."""
    drop_session()
    request.max_content_length = MAX_BODY_BYTES


@bp.after_request
def _no_store(response):
    """Answers depend on the token: never stored by shared caches or reused for another token."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Authorization")
    return response


from hub.api import catalog, fallback, items, openapi, submissions, supervision  # noqa: E402,F401  (routes register on bp)
import interaction.api  # noqa: E402,F401  (政民互动's routes register on bp too)
