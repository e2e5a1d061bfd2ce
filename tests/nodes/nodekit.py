"""Real harvest nodes for tests: `zhanqun node` (Scrapyd) on free loopback ports."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]


def require_scrapyd() -> None:
    if importlib.util.find_spec("scrapyd") is None:
        skip_or_fail("scrapyd is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Node:
    url: str
    process: subprocess.Popen
    log: Path

    def scrapyd_pid(self) -> int | None:
        match = re.search(r"\(pid (\d+)\)", self.log.read_text(encoding="utf-8", errors="replace"))
        return int(match.group(1)) if match else None

    def kill(self) -> None:
        """The machine is gone: the node, Scrapyd and every job of it, at once."""
        pid = self.scrapyd_pid()
        for group in (pid, self.process.pid):
            if group:
                try:
                    os.killpg(group, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()


def start_node(tmp: Path, db_url: str, registry: Path, jobs: int = 2) -> Node:
    port = free_port()
    directory = tmp / f"node-{port}"
    directory.mkdir(parents=True)
    log = directory / "node.out"
    env = {**os.environ, "ZHANQUN_DATABASE_URL": db_url, "ZHANQUN_REGISTRY": str(registry)}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "cli.main", "node", "--port", str(port), "--dir", str(directory),
                                    "--jobs", str(jobs)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    node = Node(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"node exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{node.url}/daemonstatus.json", timeout=2) as resp:
                if json.loads(resp.read())["status"] == "ok":
                    return node
        except OSError:
            time.sleep(0.3)
    node.kill()
    raise AssertionError(f"node never answered: {log.read_text()[-2000:]}")


def zhanqun(*args: str, env: dict | None = None, timeout: float = 600, codes=(0, 1)) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, **(env or {})})
    assert proc.returncode in codes, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    return proc


def exported(registry: Path, db_url: str) -> dict[str, tuple]:
    """Every stored item by its primary URL: (title, published, unit, sources)."""
    proc = zhanqun("export", "--registry", str(registry), "--db", db_url, codes=(0,))
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    out = {}
    for item in items:
        key = item["sources"][0]
        assert key not in out, f"duplicate item {key}"
        out[key] = (item["title"], item.get("published_at"), tuple(sorted(item["sources"])))
    return out
