"""What the harvester's flags mean to an editor, with the evidence: the diff of a
page changed at its source, the reason a page was withdrawn, the terms that held
an item, a source whose list rules may be broken."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Item, ItemRevision, ItemSource

FLAG_LABELS = {
    "updated_at_source": "来源已更新",
    "withdrawn_at_source": "来源已撤下",
    "back_at_source": "来源已恢复",
    "held_sensitive": "含敏感词，已转待审",
    "split_from": "由合并拆分而来",
    "broken_rules": "采集规则可能失效",
}
SENTENCE = re.compile(r"(?<=[。！？；\n])")
DIFF_LIMIT = 400  # sentences compared at most


@dataclass
class FlagView:
    kind: str
    label: str
    detail: str = ""
    url: str = ""
    at: str = ""
    diff: Markup | None = None


def label(flag) -> str:
    kind = flag.get("kind") if isinstance(flag, dict) else str(flag)
    return FLAG_LABELS.get(kind, kind)


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.split(text or "") if s.strip()][:DIFF_LIMIT]


def text_diff(old: str, new: str) -> Markup:
    """Sentence-level diff as HTML: removed in <del>, added in <ins>, unchanged elided."""
    a, b = _sentences(old), _sentences(new)
    out: list[Markup] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            if i2 - i1 > 2:
                out.append(Markup('<span class="diff-skip">…（{} 句未变）…</span>').format(i2 - i1))
            else:
                out.extend(escape(s) for s in a[i1:i2])
            continue
        out.extend(Markup("<del>{}</del>").format(s) for s in a[i1:i2])
        out.extend(Markup("<ins>{}</ins>").format(s) for s in b[j1:j2])
    return Markup("").join(out)


def _revision_diff(session: Session, url: str) -> Markup | None:
    link_id = session.scalar(select(ItemSource.id).where(ItemSource.url == url))
    if link_id is None:
        return None
    last_two = session.execute(
        select(ItemRevision.title, ItemRevision.body_text)
        .where(ItemRevision.item_source_id == link_id).order_by(ItemRevision.id.desc()).limit(2)
    ).all()
    if len(last_two) < 2:
        return None
    (new_title, new_text), (old_title, old_text) = last_two
    diff = text_diff(old_text, new_text)
    if old_title != new_title:
        diff = Markup("<p>标题：<del>{}</del> → <ins>{}</ins></p>").format(old_title, new_title) + diff
    return diff


def describe(session: Session, item: Item) -> list[FlagView]:
    """The item's flags, newest first, each with its evidence; plus broken-rules sources."""
    views: list[FlagView] = []
    diffed: set[str] = set()
    for flag in reversed(item.flags or []):
        if not isinstance(flag, dict):
            views.append(FlagView(str(flag), label(flag)))
            continue
        kind = flag.get("kind", "")
        view = FlagView(kind, label(flag), url=flag.get("url", ""), at=flag.get("at", ""))
        if kind == "updated_at_source" and view.url not in diffed:
            diffed.add(view.url)  # the latest change of each page is the one worth reading
            view.diff = _revision_diff(session, view.url)
        elif kind == "withdrawn_at_source":
            view.detail = flag.get("reason", "")
        elif kind == "held_sensitive":
            view.detail = "、".join(flag.get("terms", []))
        elif kind == "split_from":
            view.detail = f"原信息 #{flag.get('item')}"
        views.append(view)
    for link in item.sources:
        if link.source is not None and link.source.status == "broken-rules":
            views.append(FlagView("broken_rules", FLAG_LABELS["broken_rules"],
                                  detail=f"{link.source.id}：{link.source.health_note or ''}", url=link.source.url))
    return views
