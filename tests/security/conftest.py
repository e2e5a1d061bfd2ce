"""What the harvest-side security tests share: a registry written for hostile
loopback sites, real ``zhanqun harvest`` subprocesses, and what they left in the
database (runs with their errors, items).

Every site here is a real server on 127.0.0.1 (tests/sitekit.py, or a raw TCP
server where HTTP itself is the weapon).  A source that must reach its own test
site says ``allow_private: true``, which opens that site's host:port and nothing
else; anything else private it is led to must be refused.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester import launcher
from storage.db import make_engine, session_factory
from storage.models import HarvestRun, Item

ROOT = Path(__file__).resolve().parents[2]


def source_line(sid: str, url: str, type_: str = "list", private: bool = True, extra: str = "", timeout: float = 5) -> str:
    return (f"      - {{id: {sid}, url: '{url}', type: {type_}, columns: [tzgg], allow_private: {str(private).lower()}, "
            f"timeout: {timeout:g}, review: auto{extra}}}\n")


def write_registry(path: Path, homepage: str, sources: list[str], harvest: str = "{per_host: {concurrency: 4, delay: 0}}") -> Path:
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
        f"harvest: {harvest}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\n"
        "units:\n  - id: t\n    name: 测试单位\n    kind: department\n"
        f"    homepage: {homepage}\n    sources:\n" + "".join(sources),
        encoding="utf-8")
    return path


def run_harvest(registry: Path, db_url: str, timeout: float = 120) -> dict:
    """One harvest, started as the scheduler and the hub start one (``harvester.launcher``)."""
    proc = launcher.run_harvest(registry, db_url, timeout=timeout)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return {s["id"]: s for s in json.loads(proc.stdout)["sources"]}


def start_harvest(registry: Path, db_url: str) -> subprocess.Popen:
    """A harvest in its own process group, as the scheduler starts one."""
    return launcher.start_harvest(registry, db_url, as_json=True)


def runs(db_url: str) -> dict[str, HarvestRun]:
    """The latest run of each source."""
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            out = {}
            for run in s.scalars(select(HarvestRun).order_by(HarvestRun.id)):
                out[run.source_id] = run
            return out
    finally:
        engine.dispose()


def all_runs(db_url: str) -> list[HarvestRun]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            return list(s.scalars(select(HarvestRun).order_by(HarvestRun.id)))
    finally:
        engine.dispose()


def messages(run: HarvestRun) -> str:
    return "\n".join(f"{m['url']} [{m['stage']}] {m['message']}" for m in run.error_messages or [])


def items(db_url: str) -> list[dict]:
    """Every stored item: its text (title, body, summary, attachments, meta) and the
    raw pages kept as evidence, for asserting what never got in."""
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            out = []
            for item in s.scalars(select(Item)):
                raw = b"".join(zlib.decompress(r.raw_gz) for link in item.sources for r in link.revisions)
                text = " ".join((item.title, item.body_text, item.body_html, item.summary,
                                 json.dumps([item.attachments, item.images, item.meta], ensure_ascii=False)))
                out.append({"title": item.title, "status": item.status, "flags": item.flags or [],
                            "urls": [link.url for link in item.sources], "links": {link.url: link.status for link in item.sources},
                            "text": text, "raw": raw.decode("utf-8", "replace"), "attachments": item.attachments or []})
            return out
    finally:
        engine.dispose()


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def group_rss_kb(pgid: int) -> int:
    """Resident memory of every process of a process group, in KiB (from /proc)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # field 5 of stat: the process group
                continue
            with open(f"/proc/{entry.name}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word
    (an FTP server that never greets, an HTTP server that never answers)."""

    sock: socket.socket
    port: int
    accepted: list

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent_server():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = SilentServer(sock, sock.getsockname()[1], [])

    def accept() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            server.accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield server
    server.close()


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
