"""Government information-disclosure fields (索引号, 文号, 发文机关, 成文日期, 主题分类).

They appear either in a header ``<table>`` (label cell, value cell, possibly
several pairs per row) or as ``label：value`` text (``<li><span>索引号：</span>…``).
"""
from __future__ import annotations

import re

from harvester.extract.dom import norm_space, text_of
from harvestkit.dates import parse_date

__all__ = ["GOV_FIELDS", "extract_gov_fields", "fields_from_lines"]

# key -> label spellings (without spaces / colons)
GOV_FIELDS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "索取号", "信息索引号", "索引编号"),
    "document_number": ("文号", "发文字号", "发文文号", "文件编号", "文件字号", "发文编号"),
    "issuing_authority": ("发文机关", "发布机构", "发文单位", "发布机关", "发文机构", "发布单位", "制发机关",
                          "信息发布机构", "公开责任部门"),
    "written_date": ("成文日期", "成文时间", "发文日期", "发文时间"),
    "subject_category": ("主题分类", "主题类别", "信息分类", "主题分类名称"),
}
_LABEL_TO_KEY = {label: key for key, labels in GOV_FIELDS.items() for label in labels}
_ALL_LABELS = sorted(_LABEL_TO_KEY, key=len, reverse=True)
_SPACED = "|".join(r"\s*".join(map(re.escape, lab)) for lab in _ALL_LABELS)
_LABEL_VALUE_RE = re.compile(r"(?P<label>" + _SPACED + r")\s*[:：]\s*(?P<value>.*?)"
                             r"(?=\s*(?:" + _SPACED + r")\s*[:：]|\s{3,}|$)")
_STRIP_RE = re.compile(r"[\s:：\u00a0\u3000]+")
_EMPTY_VALUES = {"", "无", "-", "--", "/", "暂无"}


def _clean_value(key: str, value: str) -> str:
    value = norm_space(value).strip(" :：;；,，")
    if value in _EMPTY_VALUES:
        return ""
    if key == "written_date":
        dt = parse_date(value)
        return dt.date().isoformat() if dt else ""
    if len(value) > 120:
        return ""
    return value


def _label_key(text: str) -> str | None:
    t = _STRIP_RE.sub("", text or "")
    if not t or len(t) > 12:
        return None
    return _LABEL_TO_KEY.get(t)


def fields_from_lines(lines, found: dict[str, str] | None = None) -> dict[str, str]:
    """``label：value`` pairs from text lines (several pairs per line allowed)."""
    found = {} if found is None else found
    for line in lines:
        if "：" not in line and ":" not in line:
            continue
        for m in _LABEL_VALUE_RE.finditer(line):
            key = _LABEL_TO_KEY.get(_STRIP_RE.sub("", m.group("label")))
            if key and key not in found:
                value = _clean_value(key, m.group("value"))
                if value:
                    found[key] = value
    return found


def extract_gov_fields(root, lines=()) -> dict[str, str]:
    """Table cells first (label cell → next cell), then ``label：value`` text lines."""
    found: dict[str, str] = {}
    if root is not None:
        for cell in root.iter("td", "th", "dt", "span", "strong", "b", "label", "em"):
            # cheap pre-check on direct text before any subtree walk
            head = _STRIP_RE.sub("", cell.text or "")
            if not head or head[0] not in "索文发成主信公制":
                continue
            key = _label_key(text_of(cell))
            if not key or key in found:
                continue
            nxt = cell.getnext()
            while nxt is not None and not isinstance(nxt.tag, str):
                nxt = nxt.getnext()
            if nxt is not None:
                value = _clean_value(key, text_of(nxt))
                if value and _label_key(value) is None:
                    found[key] = value
    return fields_from_lines(lines, found)
