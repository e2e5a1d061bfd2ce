"""The registry's ``interaction`` settings as the web app sees them.

Read from the app's registry file when a deadline is set (dispatch, extension) and
kept until the file changes; a missing or invalid registry gives the defaults
(5 working days, 15 in all), which the registry check reports elsewhere.
"""
from __future__ import annotations

import threading
from pathlib import Path

from harvester.registry import InteractionPolicy, RegistryError, load_registry

_lock = threading.Lock()
_cache: dict[str, tuple[float, InteractionPolicy]] = {}


def policy_from(path: str | None) -> InteractionPolicy:
    if not path:
        return InteractionPolicy()
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        return InteractionPolicy()
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    try:
        policy = load_registry(path).interaction
    except (RegistryError, OSError):
        return InteractionPolicy()
    with _lock:
        _cache[path] = (mtime, policy)
    return policy


def current_policy() -> InteractionPolicy:
    """The policy of the running app (``REGISTRY_PATH``; ``INTERACTION_POLICY`` overrides, for tests)."""
    from flask import current_app

    override = current_app.config.get("INTERACTION_POLICY")
    if override is not None:
        return InteractionPolicy.model_validate(override)
    return policy_from(current_app.config.get("REGISTRY_PATH"))
