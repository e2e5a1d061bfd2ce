"""Reading the client's input strictly: query parameters and JSON bodies.

Malformed input (not a number, wrong JSON type, unknown field) is a 400 that
says which parameter is wrong; the views then judge the content itself (422).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request

from hub.api.errors import ApiError

MISSING = object()


def int_arg(name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ApiError(400, f"参数 {name} 须为整数（收到“{raw}”）。") from None
    if value < minimum:
        raise ApiError(400, f"参数 {name} 不能小于 {minimum}。")
    if maximum is not None and value > maximum:
        raise ApiError(400, f"参数 {name} 不能大于 {maximum}。")
    return value


def str_arg(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    return raw.strip() or None


def json_body(allowed: tuple[str, ...], required: bool = True) -> dict[str, Any]:
    """The request's JSON object, refused when it has a field not in ``allowed``;
    ``{}`` for an empty optional body."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise ApiError(400, "请求体不能为空，须为 JSON 对象。")
        return {}
    if not request.is_json:
        raise ApiError(400, "请求体须为 JSON（Content-Type: application/json）。")
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "请求体不是有效的 JSON。")
    if not isinstance(body, dict):
        raise ApiError(400, "请求体须为 JSON 对象。")
    _only_fields(body, allowed)
    return body


def _only_fields(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(400, f"不支持的字段：{'、'.join(unknown)}（可用字段：{'、'.join(allowed)}）。")


def field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = False,
          nullable: bool = False, absent: Any = MISSING) -> Any:
    """``body[name]`` checked to be of ``kind`` (bool is not an int here); ``absent``
    (MISSING unless given) if it is not there."""
    if name not in body:
        if required:
            raise ApiError(422, f"缺少字段 {name}。", "missing_field")
        return absent
    value = body[name]
    if value is None and nullable:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ApiError(400, f"字段 {name} 的类型不正确（应为 {_type_names(kinds)}）。")
    return value


def string_list(body: dict[str, Any], name: str, *, required: bool = False) -> list[str] | Any:
    value = field(body, name, list, required=required)
    if value is MISSING:
        return value
    if not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"字段 {name} 须为字符串数组。")
    return value


def datetime_value(name: str, raw: str) -> datetime:
    """ISO 8601; without an offset it is the portal's local time (like the hub's form)."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ApiError(400, f"字段 {name} 须为 ISO 8601 日期时间，例如 2026-12-01T09:00:00+08:00。") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return value


def _type_names(kinds: tuple[type, ...]) -> str:
    names = {str: "字符串", bool: "布尔值", int: "整数", list: "数组", dict: "对象"}
    return " 或 ".join(names.get(k, k.__name__) for k in kinds)
