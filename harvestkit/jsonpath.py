"""The JSON paths of a source's ``rules.json`` (``data.list``, ``articles``,
``result[0].items``): checked by the registry, followed by the spiders."""
from __future__ import annotations

import re

PATH = re.compile(r"^(?:[^.\[\]\s]+|\[\d+\])(?:\[\d+\])*(?:\.[^.\[\]\s]+(?:\[\d+\])*)*$")
SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def valid(path: str) -> bool:
    """Dotted keys with optional ``[index]``s: ``data.list``, ``rows[0].items``."""
    return bool(PATH.match(path or ""))


def follow(data, path: str):
    """The value at ``path``, or raise KeyError."""
    node = data
    for name, index in SEGMENT.findall(path):
        if name:
            if not isinstance(node, dict) or name not in node:
                raise KeyError(path)
            node = node[name]
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                raise KeyError(path)
            node = node[int(index)]
    return node
