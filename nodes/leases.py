"""Politeness per host across every harvesting process on every node.

:class:`spiders.politeness.HostGate` keeps one process's requests to a host
within ``concurrency`` in flight and ``delay`` apart.  Harvest nodes are many
processes on many machines, so on PostgreSQL the gate also takes a *lease* in
the shared database for every request: at most ``concurrency`` unexpired leases
per host (``host_leases``) and starts no closer than the host's spacing
(``host_pacing.next_at``), decided under a transaction-scoped advisory lock per
host so two nodes never both take the last slot.  The database's clock decides
(nodes' clocks may differ).  A lease expires after :data:`LEASE_SECONDS`, so a
node that dies holding leases frees its hosts by itself.

SQLite is one machine's database: there the process-local gate is the gate.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from nodes.models import HostLease, HostPacing
from spiders.politeness import HostGate

LEASE_SECONDS = 120  # > download timeout (30 s) with its retry: a live request never loses its lease
BUSY_POLL = 0.05  # seconds between tries while every slot of a host is taken elsewhere


def lock_key(host: str) -> int:
    """A signed 64-bit advisory lock key for one host."""
    return int.from_bytes(hashlib.sha1(f"zhanqun-host:{host}".encode()).digest()[:8], "big", signed=True)


class HostLeases:
    """The shared half of the gate: leases and pacing rows in PostgreSQL."""

    def __init__(self, engine: Engine, holder: str | None = None):
        self.engine = engine
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"

    def try_take(self, host: str, concurrency: int, spacing: float) -> tuple[int | None, float]:
        """``(lease id, 0)`` when a request may start now, else ``(None, seconds to wait)``."""
        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(host)})
            now = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
            conn.execute(delete(HostLease).where(HostLease.host == host, HostLease.expires_at < now))
            held = conn.scalar(select(func.count()).select_from(HostLease).where(HostLease.host == host))
            if held >= concurrency:
                return None, BUSY_POLL
            next_at = conn.scalar(select(HostPacing.next_at).where(HostPacing.host == host))
            if next_at is not None and next_at > now:
                return None, max(0.001, (next_at - now).total_seconds())
            lease = conn.execute(
                insert(HostLease).values(host=host, holder=self.holder, taken_at=now, expires_at=now + timedelta(seconds=LEASE_SECONDS))
                .returning(HostLease.id)
            ).scalar_one()
            upsert = pg_insert(HostPacing).values(host=host, next_at=now + timedelta(seconds=spacing))
            conn.execute(upsert.on_conflict_do_update(index_elements=[HostPacing.host], set_={"next_at": upsert.excluded.next_at}))
            return lease, 0.0

    def give_back(self, lease: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(HostLease).where(HostLease.id == lease))


class SharedHostGate(HostGate):
    """The process-local gate first (its spacing, back-off and Retry-After blocks),
    then a lease in the shared database."""

    def __init__(self, policy, leases: HostLeases):
        super().__init__(policy)
        self.leases = leases
        self.held: dict[str, list[int]] = defaultdict(list)
        self.returns = ThreadPoolExecutor(2, thread_name_prefix="host-lease")

    async def acquire(self, host: str, inflight=None) -> None:
        await super().acquire(host, inflight)
        state = self.state(host)
        try:
            while True:
                lease, wait = await asyncio.to_thread(self.leases.try_take, host, state.concurrency, state.spacing())
                if lease is not None:
                    break
                pause = asyncio.sleep(wait)
                await (pause if inflight is None else inflight.until_halted(pause))
        except BaseException:
            self._untake(host)
            raise
        self.held[host].append(lease)

    def _untake(self, host: str) -> None:
        """Give back the local slot of a request that never got its lease."""
        state = self.state(host)
        state.in_flight -= 1
        state.semaphore.release()

    def release(self, host: str, ok: bool) -> None:
        super().release(host, ok)
        if self.held[host]:
            self.returns.submit(self.leases.give_back, self.held[host].pop())

    def close(self) -> None:
        self.returns.shutdown(wait=True)


def host_gate(engine: Engine, policy) -> HostGate:
    """The gate a harvest uses: shared through the database on PostgreSQL."""
    if engine.dialect.name == "postgresql":
        return SharedHostGate(policy, HostLeases(engine))
    return HostGate(policy)
