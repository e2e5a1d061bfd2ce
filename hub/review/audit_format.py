"""The audit log for people: each entry's before and after as a list of changed fields
with Chinese labels and readable values (names, not ids; 是/否, not true/false; local
times).  Technical values never show: hashes, process ids, empty values ("null").

Entries stay as they were recorded (JSON, append-only); this module only reads them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harvestkit.dates import as_local
from hub.actions import STATUS_LABELS

FIELD_LABELS = {
    "status": "状态", "title": "标题", "summary": "摘要", "columns": "栏目", "pinned": "置顶", "featured": "首页推荐",
    "publish_at": "定时发布时间", "reason": "原因", "user": "账号", "role": "角色", "unit": "所属单位",
    "active": "账号状态", "password": "密码", "api_token": "API 令牌", "source": "采集源", "rule": "规则编号",
    "match": "匹配方式", "pattern": "匹配内容", "column": "栏目", "action": "规则动作", "enabled": "规则状态",
    "position": "顺序", "term": "敏感词", "sensitive_terms": "敏感词", "primary": "首发来源", "new_item": "拆出的新信息",
    "target": "本条信息", "merged_item": "并入的信息", "sources": "来源", "by": "执行方", "files": "附件",
    "consecutive_failures": "连续失败次数", "url": "地址", "type": "类型", "allow_private": "允许内网地址",
    "found": "找到条数", "at": "时间", "via": "途径", "id": "编号", "name": "名称", "topic": "专题",
    "items": "信息", "slug": "专题标识", "origin": "类型", "body": "正文", "withdrawn": "撤回",
}
HIDDEN_FIELDS = {"pid", "sha256", "content_hash", "hash", "password_hash", "api_token_hash", "hostname"}
VALUE_LABELS = {
    "password": {"reset": "已重置", "changed": "已由本人修改"},
    "api_token": {"issued": "已签发", "replaced": "已替换（旧令牌失效）", "revoked": "已撤销"},
    "via": {"cli": "命令行（zhanqun users）", "first_start": "首次启动自动创建", "api": "API"},
    "by": {"rules": "栏目规则"},
    "match": {"title": "标题", "column_name": "原站栏目名", "url": "地址", "source": "采集源", "regex": "正则"},
    "action": {"add": "追加", "override": "替换"},
    "role": {"admin": "管理员", "editor": "编辑", "reporter": "报送员"},
    "type": {"auto": "自动识别", "feed": "订阅源", "list": "列表页", "hanweb": "大汉", "trs": "拓尔思", "sitemap": "网站地图",
             "json": "JSON 接口"},
    "origin": {"harvest": "网上抓取", "submission": "信息报送"},
}
BOOLEAN_LABELS = {"active": ("启用", "停用"), "enabled": ("启用", "停用")}
HEX_HASH = re.compile(r"^[0-9a-f]{32,}$")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


class AuditFormatter:
    """Reads entries with the names of units, columns and users of this hub."""

    def __init__(self, units: dict[str, str], columns: dict[str, str], tz: str):
        self.units, self.columns, self.tz = units, columns, tz

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return ""
        if isinstance(value, bool):
            yes, no = BOOLEAN_LABELS.get(key, ("是", "否"))
            return yes if value else no
        if isinstance(value, (list, tuple)):
            return "、".join(v for v in (self.value(key, v) for v in value) if v)
        if isinstance(value, dict):
            if key == "files" or ("name" in value and "size" in value):
                return str(value.get("name", ""))
            return "；".join(f"{FIELD_LABELS.get(k, k)}：{v}" for k, v in
                            ((k, self.value(k, v)) for k, v in value.items() if k not in HIDDEN_FIELDS) if v)
        text = str(value)
        if HEX_HASH.match(text):
            return ""
        if key == "status":
            from hub.harvest import RUN_STATUS_LABELS, SOURCE_STATUS_LABELS

            return STATUS_LABELS.get(text) or SOURCE_STATUS_LABELS.get(text) or RUN_STATUS_LABELS.get(text) or text
        if key in ("columns", "column"):
            return self.columns.get(text, text)
        if key == "unit":
            return self.units.get(text, text)
        if key in VALUE_LABELS:
            return VALUE_LABELS[key].get(text, text)
        if key in ("publish_at", "at") or (isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d", text)):
            try:
                local = as_local(datetime.fromisoformat(text), self.tz)
                return local.strftime("%Y-%m-%d %H:%M") if local else text
            except ValueError:
                return text
        if key in ("reason", "term") or not re.search(r"[A-Za-z]", text):
            return text
        if key in ("url", "source", "primary", "sources", "pattern", "user", "title", "summary", "name", "slug"):
            return text
        from hub.labels import reason_zh

        return reason_zh(text)

    def changes(self, before: dict | None, after: dict | None) -> list[Change]:
        """What changed, field by field: a field both sides agree on is the entry's subject
        (the account, the source) and shows once; empty sides are left out."""
        before, after = before or {}, after or {}
        out = []
        for key in list(dict.fromkeys([*before, *after])):
            if key in HIDDEN_FIELDS or "hash" in key:
                continue
            old, new = self.value(key, before.get(key)), self.value(key, after.get(key))
            if not old and not new:
                continue
            if key in ("target", "merged_item") and isinstance(before.get(key), dict):
                continue  # merges: the item pair shows through "sources"; the snapshots are noise
            out.append(Change(FIELD_LABELS.get(key, key), "" if old == new else old, new))
        return out


def actor_label(username: str, after: dict | None) -> str:
    """"system" in Chinese: the command line or the first start, when the entry says which."""
    if username != "system":
        return username
    via = (after or {}).get("via")
    return "系统（" + VALUE_LABELS["via"].get(via, "后台任务") + "）" if via else "系统"
