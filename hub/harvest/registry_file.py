"""The registry file as the hub sees it: its path, its text and whether it is valid.

Parsed again only when the file changes (size or modification time), so the
sources page can list registry sources not harvested yet without re-validating
the whole federation on every view.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app

from harvester.registry import Registry, RegistryError, parse_registry

MAX_SHOWN_BYTES = 2 * 1024 * 1024  # the page shows the text; a registry is far smaller


@dataclass(frozen=True)
class RegistryFile:
    path: str
    exists: bool
    text: str = ""
    registry: Registry | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)  # "file:line: key: message"

    @property
    def valid(self) -> bool:
        return self.registry is not None


def registry_path() -> str:
    """``REGISTRY_PATH`` of the app config (from ``$ZHANQUN_REGISTRY``), absolute."""
    path = current_app.config.get("REGISTRY_PATH") or os.environ.get("ZHANQUN_REGISTRY", "registry.yaml")
    return os.path.abspath(path)


def read_registry(path: str | None = None) -> RegistryFile:
    path = path or registry_path()
    try:
        stat = os.stat(path)
    except OSError:
        return RegistryFile(path, False, problems=(f"{path}:0: (top): 文件不存在或无法读取",))
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parse(path: str, _mtime_ns: int, _size: int) -> RegistryFile:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SHOWN_BYTES + 1)
    except OSError as exc:
        return RegistryFile(path, False, problems=(f"{path}:0: (top): 无法读取：{exc.strerror}",))
    if len(raw) > MAX_SHOWN_BYTES:
        return RegistryFile(path, True, problems=(f"{path}:0: (top): 文件过大（超过 2 MB）",))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RegistryFile(path, True, raw.decode("utf-8", errors="replace"),
                            problems=(f"{path}:1: (top): not UTF-8 text: {exc}",))
    try:
        return RegistryFile(path, True, text, parse_registry(text, path))
    except RegistryError as exc:
        return RegistryFile(path, True, text, problems=tuple(str(p) for p in exc.problems))
