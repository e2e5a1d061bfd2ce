"""简体 ⇄ 繁體 with OpenCC, one converter per configuration per process.

The portal renders 繁體 pages from its 简体 ones (``s2t``); search turns every
query into 简体 (``t2s``), because the index holds the text as the sub-sites
wrote it, and they write 简体: 衛生 must find 卫生 whichever version the reader
is on.  Loading a converter reads its dictionaries (a few milliseconds), so
each is built once, on first use.
"""
from __future__ import annotations

import threading


class Converters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, object] = {}

    def get(self, config: str):
        converter = self._made.get(config)
        if converter is None:
            with self._lock:
                converter = self._made.get(config)
                if converter is None:
                    import opencc

                    converter = self._made[config] = opencc.OpenCC(config)
        return converter


CONVERTERS = Converters()


def to_traditional(text: str) -> str:
    return CONVERTERS.get("s2t").convert(text) if text else text


def to_simplified(text: str) -> str:
    return CONVERTERS.get("t2s").convert(text) if text else text
