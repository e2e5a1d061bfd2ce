"""Named counters.  ``content`` grows with every change to what the public sees
(publish, unpublish, edits, auto-published harvests), so every web worker can
tell that its cached fragments and ETags are stale with one primary-key read."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Counter

CONTENT = "content"


def bump(session: Session, name: str = CONTENT) -> None:
    result = session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if result.rowcount == 0:
        session.add(Counter(name=name, value=1))


def value(session: Session, name: str = CONTENT) -> int:
    return session.scalar(select(Counter.value).where(Counter.name == name)) or 0
