"""Unknown addresses and methods under ``/api/`` answer in JSON too (404 / 405),
not with the hub's HTML error pages."""
from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from hub.api import bp
from hub.api.errors import ApiError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods() -> list[str]:
    """Methods some real API route accepts at this address (the catch-all aside)."""
    adapter = request.url_rule.map.bind_to_environ(request.environ)
    allowed = set()
    for method in METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.add(method)
    return sorted(allowed)


@bp.route("/", defaults={"rest": ""}, methods=METHODS)
@bp.route("/<path:rest>", methods=METHODS)
def unknown(rest: str):
    allowed = _allowed_methods()
    if allowed:
        raise MethodNotAllowed(valid_methods=[*allowed, *(["HEAD"] if "GET" in allowed else []), "OPTIONS"])
    raise ApiError(404, f"没有此 API 地址：{request.path}")
