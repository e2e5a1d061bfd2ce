"""JSON errors of the API: ``{"error": code, "message": 中文说明}`` with the right status.

Every failure under ``/api/`` answers in JSON, including the ones raised by
Flask itself (unknown route, body too large) and by the app-wide CSRF check,
so a client never has to parse an HTML error page.
"""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from hub.db import db_session

# error code and default message per status
DEFAULTS = {
    400: ("bad_request", "请求无效。"),
    401: ("unauthorized", "需要 API 令牌：请在请求头中提供 Authorization: Bearer <令牌>。"),
    403: ("forbidden", "您的账号没有执行此操作的权限。"),
    404: ("not_found", "找不到请求的资源。"),
    405: ("method_not_allowed", "此地址不支持该请求方法。"),
    409: ("conflict", "当前状态不允许此操作。"),
    413: ("payload_too_large", "请求体过大。"),
    415: ("unsupported_media_type", "请求体须为 JSON。"),
    422: ("invalid", "提交的内容无效。"),
    429: ("too_many_requests", "请求过多，请稍后再试。"),
    500: ("internal_error", "服务器内部错误，请稍后再试。"),
}
REALM = 'Bearer realm="zhanqun"'


class ApiError(Exception):
    """An answer other than success: status, machine-readable code and a Chinese message."""

    def __init__(self, status: int, message: str | None = None, error: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        default_error, default_message = DEFAULTS.get(status, ("error", "请求失败。"))
        super().__init__(message or default_message)
        self.status = status
        self.error = error or default_error
        self.message = message or default_message
        self.headers = headers or {}


def unauthorized(message: str | None = None, invalid_token: bool = False) -> ApiError:
    """401 with the challenge RFC 6750 asks for (``invalid_token`` when one was sent)."""
    challenge = REALM + (', error="invalid_token"' if invalid_token else "")
    return ApiError(401, message, "invalid_token" if invalid_token else None, {"WWW-Authenticate": challenge})


def error_response(exc: ApiError):
    response = jsonify(error=exc.error, message=exc.message)
    response.status_code = exc.status
    response.headers.update(exc.headers)
    return response


def handle_api_error(exc: ApiError):
    return error_response(exc)


def handle_http_exception(exc: HTTPException):
    """Flask's own errors (404, 405, 413, the CSRF check's 400…) as JSON."""
    status = exc.code or 500
    error, message = DEFAULTS.get(status, ("error", "请求失败。"))
    described = exc.description if isinstance(exc.description, str) else ""
    # werkzeug's English default descriptions say less than ours; our own aborts carry Chinese.
    if described and any("\u4e00" <= ch <= "\u9fff" for ch in described):
        message = described
    if status == 401:
        return error_response(unauthorized(message))
    response = error_response(ApiError(status, message, error))
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def commit_or_refuse(change, refusals: tuple[tuple[type[Exception], int, str | None], ...]):
    """Run ``change(session)`` in the request's transaction, commit it and return what it
    returned; when it raises
    an error of a kind in ``refusals`` (the first that matches: kind, status, error code),
    roll back and answer that status with the error's message."""
    session = db_session()
    try:
        result = change(session)
    except tuple(kind for kind, _status, _error in refusals) as exc:
        session.rollback()
        status, error = next((status, error) for kind, status, error in refusals if isinstance(exc, kind))
        raise ApiError(status, str(exc), error) from None
    session.commit()
    return result
