"""Column mapping rules: which portal columns (栏目) an item goes in.

By default an item goes in its source's registry columns.  Rules (table
``column_rules``, editable in the hub) match a keyword or a regular expression in
the title, or the page's own ``ColumnName``; ``add`` puts the item in one more
column, ``override`` replaces the source's columns (several overriding rules
that match all count).  A rule may be limited to one source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ColumnRule


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: int
    match: str  # title_keyword | title_regex | column_name
    pattern: str
    column_id: str
    action: str  # add | override
    source_id: str | None = None

    def matches(self, title: str, column_name: str, source_id: str | None) -> bool:
        if self.source_id and self.source_id != source_id:
            return False
        if self.match == "title_keyword":
            return self.pattern in (title or "")
        if self.match == "title_regex":
            return compile_pattern(self.pattern).search(title or "") is not None
        if self.match == "column_name":
            return (column_name or "").strip() == self.pattern.strip()
        return False


def compile_pattern(pattern: str) -> re.Pattern:
    """A title regex, checked when a rule is saved (RuleError names the problem)."""
    if len(pattern) > 500:
        raise RuleError("正则表达式过长（最多 500 个字符）")
    try:
        return _compile(pattern)
    except re.error as exc:
        raise RuleError(f"正则表达式无效：{exc}") from None


_cache: dict[str, re.Pattern] = {}


def _compile(pattern: str) -> re.Pattern:
    compiled = _cache.get(pattern)
    if compiled is None:
        compiled = _cache[pattern] = re.compile(pattern)
    return compiled


def load_rules(session: Session) -> tuple[Rule, ...]:
    rows = session.scalars(
        select(ColumnRule).where(ColumnRule.enabled.is_(True)).order_by(ColumnRule.position, ColumnRule.id)
    )
    return tuple(Rule(r.id, r.match, r.pattern, r.column_id, r.action, r.source_id) for r in rows)


def columns_for(title: str, column_name: str, source_id: str | None, defaults: Iterable[str],
                rules: Iterable[Rule]) -> list[str]:
    """The item's columns: the source's defaults, replaced by overriding rules, plus added ones."""
    hits = [r for r in rules if r.matches(title, column_name, source_id)]
    overriding = [r.column_id for r in hits if r.action == "override"]
    base = overriding if overriding else list(defaults)
    return list(dict.fromkeys([*base, *(r.column_id for r in hits if r.action == "add")]))
