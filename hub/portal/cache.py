"""In-process caches of the public portal, valid for one value of the ``content`` counter.

Every publish, unpublish or edit bumps the counter (hub/actions.py, the
harvester's ingest), so a cache entry keyed by the counter value can never
outlive the content it was built from: the first request that sees a newer
value empties the cache.  Each web worker keeps its own caches; all of them
agree because they all read the same counter.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Hashable

from flask import Flask, current_app

EXTENSION = "zhanqun_portal"
HUB_DIR = Path(__file__).resolve().parents[1]


class CounterCache:
    """A bounded LRU mapping whose entries belong to one counter value."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._counter: int | None = None
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def _switch(self, counter: int) -> None:
        if counter != self._counter:
            self._counter = counter
            self._data.clear()

    def get(self, counter: int, key: Hashable) -> Any | None:
        with self._lock:
            if counter != self._counter:
                return None
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, counter: int, key: Hashable, value: Any) -> None:
        with self._lock:
            self._switch(counter)
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def get_or_make(self, counter: int, key: Hashable, make: Callable[[], Any]) -> Any:
        value = self.get(counter, key)
        if value is None:
            value = make()  # built outside the lock: two threads may build the same value once
            self.put(counter, key, value)
        return value

    def __len__(self) -> int:
        return len(self._data)


class PortalState:
    """Per-application state (one app per worker process in production; tests make many)."""

    def __init__(self) -> None:
        # Whole responses (status, content type, body): a few thousand pages of 10-20 KB.
        self.pages = CounterCache(2048)
        self.fragments = CounterCache(256)  # rendered HTML blocks and small query results
        self.counts = CounterCache(1024)  # COUNT(*) of long lists
        self.render_version = _render_version()
        self._seen_lock = threading.Lock()
        self._seen: tuple[int, datetime] | None = None
        self.promote_lock = threading.Lock()
        self.promoted_at = float("-inf")  # time.monotonic() of the last promote_due check

    def depend_on(self, setting: str) -> None:
        """Fold a setting every page shows (the portal's identity) into the render version."""
        self.render_version = hashlib.sha256((self.render_version + setting).encode()).hexdigest()[:12]

    def last_modified(self, counter: int) -> datetime:
        """When this process first saw ``counter``: the Last-Modified of every public page.

        Whole seconds (HTTP dates have no more), strictly later than the
        previous value so that If-Modified-Since never matches across a change
        within the same second.  Workers may differ by the moments they first
        saw a value; the ETag, the same in every worker, is the validator that
        browsers send first (and If-None-Match overrides If-Modified-Since).
        """
        with self._seen_lock:
            if self._seen is not None and self._seen[0] == counter:
                return self._seen[1]
            now = datetime.now(timezone.utc).replace(microsecond=0)
            if self._seen is not None and now <= self._seen[1]:
                now = self._seen[1] + timedelta(seconds=1)
            self._seen = (counter, now)
            return now


def _render_version() -> str:
    """A digest of the portal's code, templates and stylesheet: a deployment that changes
    how pages look changes every ETag, even when the content counter did not move."""
    digest = hashlib.sha256()
    root = HUB_DIR.parent
    folders = ("hub/portal", "hub/feeds", "hub/templates/portal", "hub/static/portal",
               "hub/topics", "hub/templates/topics", "interaction")  # the other public pages too
    for folder in (root / name for name in folders):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".xml", ".txt"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def init_state(app: Flask) -> PortalState:
    return app.extensions.setdefault(EXTENSION, PortalState())


def portal_state() -> PortalState:
    return current_app.extensions[EXTENSION]
