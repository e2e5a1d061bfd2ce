"""The sensitive-term screen (严格防止涉密信息上网).

An item whose title or text contains a listed term is held as pending whatever
its source's review setting, and the hub highlights the terms for the editor.
The list lives in the ``sensitive_terms`` table (editable in the hub; seeded
with 涉密, 秘密, 机密, 绝密, 内部资料, 内部文件, 不宜公开).
"""
from __future__ import annotations

import re
from typing import Iterable

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import SensitiveTerm


def load_terms(session: Session) -> tuple[str, ...]:
    return tuple(session.scalars(select(SensitiveTerm.term).order_by(SensitiveTerm.term)))


class Screen:
    """Finds the terms of one list in text; longest terms first, so 绝密 is not also 密."""

    def __init__(self, terms: Iterable[str]):
        self.terms = tuple(sorted({t.strip() for t in terms if t and t.strip()}, key=lambda t: (-len(t), t)))
        self._pattern = re.compile("|".join(map(re.escape, self.terms))) if self.terms else None

    def find(self, *texts: str | None) -> list[str]:
        """The distinct terms found, in the order of the list."""
        if self._pattern is None:
            return []
        found = {m.group(0) for text in texts if text for m in self._pattern.finditer(text)}
        return [t for t in self.terms if t in found]

    def highlight(self, text: str | None) -> Markup:
        """``text`` escaped, with each term wrapped in ``<mark class="sensitive">``."""
        text = text or ""
        if self._pattern is None:
            return escape(text)
        out, last = [], 0
        for m in self._pattern.finditer(text):
            out.append(escape(text[last:m.start()]))
            out.append(Markup('<mark class="sensitive">%s</mark>') % m.group(0))
            last = m.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)
