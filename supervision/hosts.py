"""Politeness per host and concurrency across hosts, for the checks.

The checks obey the harvest's politeness (registry ``harvest.per_host`` /
``harvest.hosts``): one request at a time per host, the host's delay between
request starts, process-wide (:data:`GATE`, shared by every check job of the
scheduler).  Work is spread over hosts: each host's requests run one after
another in a worker of their own, so a host that hangs holds up only itself.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
HOST_WORKERS = 8  # hosts checked at once


def host_key(url: str) -> str:
    """``name`` or ``name:port``, as the registry's ``harvest.hosts`` names hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class HostGate:
    """One request at a time per host, ``delay`` seconds between request starts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}

    @contextmanager
    def turn(self, host: str, delay: float) -> Iterator[None]:
        with self._lock:
            lock, last = self._hosts.setdefault(host, (threading.Lock(), [0.0]))
        with lock:
            wait = last[0] + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            last[0] = time.monotonic()
            yield


GATE = HostGate()


def run_per_host(jobs: list[tuple[str, Callable[[], T]]], workers: int = HOST_WORKERS) -> list[T]:
    """Run ``(host, job)`` pairs: hosts concurrently, each host's jobs in order.
    Results come back in the order of ``jobs``; a job's exception is re-raised."""
    if not jobs:
        return []
    by_host: dict[str, list[int]] = {}
    for index, (host, _) in enumerate(jobs):
        by_host.setdefault(host, []).append(index)
    results: list = [None] * len(jobs)

    def run_host(indexes: list[int]) -> None:
        for index in indexes:
            results[index] = jobs[index][1]()

    with ThreadPoolExecutor(min(workers, len(by_host)), thread_name_prefix="check") as pool:
        for future in [pool.submit(run_host, indexes) for indexes in by_host.values()]:
            future.result()
    return results
