"""The column rule form: what an editor typed, checked, as the fields of a ColumnRule."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.column_rules import RuleError, compile_pattern
from storage.models import COLUMN_RULE_ACTIONS, COLUMN_RULE_MATCHES, ColumnRule, PortalColumn, Source

PATTERN_MAX = 500
POSITION_MAX = 100_000
FIELDS = ("match", "pattern", "column", "action", "source", "position")


class RuleFormError(ValueError):
    """What is wrong with the form: a message for the editor."""


def form_values(form: Mapping[str, str]) -> dict[str, str]:
    return {key: form.get(key) or "" for key in FIELDS}


def rule_values(rule: ColumnRule) -> dict[str, str]:
    return {"match": rule.match, "pattern": rule.pattern, "column": rule.column_id, "action": rule.action,
            "source": rule.source_id or "", "position": str(rule.position)}


def snapshot(rule: ColumnRule) -> dict:
    return {"rule": rule.id, "match": rule.match, "pattern": rule.pattern, "column": rule.column_id,
            "action": rule.action, "source": rule.source_id, "enabled": bool(rule.enabled), "position": rule.position}


def next_position(session: Session) -> int:
    return (session.scalar(select(func.max(ColumnRule.position))) or 0) + 10


def parse(session: Session, values: dict[str, str]) -> dict:
    """The checked fields (``match``, ``pattern``, ``column_id``, ``action``, ``source_id``, ``position``)."""
    match = values["match"]
    if match not in COLUMN_RULE_MATCHES:
        raise RuleFormError("请选择匹配方式。")
    pattern = values["pattern"] if match == "title_regex" else values["pattern"].strip()
    if not pattern.strip():
        raise RuleFormError("请填写匹配内容。")
    if len(pattern) > PATTERN_MAX:
        raise RuleFormError(f"匹配内容不能超过 {PATTERN_MAX} 个字符。")
    if match == "title_regex":
        try:
            compile_pattern(pattern)
        except RuleError as exc:
            raise RuleFormError(str(exc)) from None
    column = values["column"]
    if session.get(PortalColumn, column) is None:
        raise RuleFormError("请选择目标栏目。")
    action = values["action"]
    if action not in COLUMN_RULE_ACTIONS:
        raise RuleFormError("请选择动作（追加或替换）。")
    source = values["source"].strip() or None
    if source is not None and session.get(Source, source) is None:
        raise RuleFormError(f"采集源“{source}”不存在。")
    position_text = values["position"].strip()
    if position_text:
        try:
            position = int(position_text)
        except ValueError:
            raise RuleFormError("顺序须为整数。") from None
        if not 0 <= position <= POSITION_MAX:
            raise RuleFormError(f"顺序须在 0 到 {POSITION_MAX} 之间。")
    else:
        position = next_position(session)
    return {"match": match, "pattern": pattern, "column_id": column, "action": action, "source_id": source,
            "position": position}
