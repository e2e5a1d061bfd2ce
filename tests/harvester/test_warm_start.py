"""Warm harvests (harvester/forkserver.py): forked from a pre-imported parent, each
still its own process — a wedged one blocks no other, a killed one loses no run."""
from __future__ import annotations

import json
import os
import signal
import time

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from harvester.forkserver import WarmLauncher
from storage.db import make_engine, session_factory
from storage.models import HarvestRun, Item
from tests.sitekit import HTML, Site, article, list_page, one_source_registry


def column_site(prefix: str, n: int = 4, latency: float = 0.0) -> Site:
    arts = [(f"/art/{i}.html", f"{prefix}第{i}号关于秋冬季安全生产的通知", f"2026-10-{i + 1:02d}") for i in range(n)]
    routes = {href: (200, HTML, article(title, day)) for href, title, day in arts}
    routes["/col/index.html"] = (200, HTML, list_page(arts))
    return Site(routes, latency=latency)


def runs(db_url: str) -> list[HarvestRun]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as s:
            return list(s.scalars(select(HarvestRun).order_by(HarvestRun.id)))
    except OperationalError:  # the harvest has not made its tables yet
        return []
    finally:
        engine.dispose()


def test_a_warm_harvest_is_the_harvest_and_a_wedged_one_blocks_no_other(tmp_path, sqlite_url):
    fast, slow = column_site("快站"), column_site("慢站", latency=8.0)
    launcher = WarmLauncher()
    launcher.start()
    try:
        fast_reg = one_source_registry(tmp_path / "fast.yaml", fast)
        slow_db = f"sqlite:///{tmp_path / 'slow.db'}"
        wedged = launcher.run(["harvest", "--registry", str(one_source_registry(tmp_path / "slow.yaml", slow)),
                               "--db", slow_db, "--json", "--workers", "0"])
        started = time.monotonic()
        child = launcher.run(["harvest", "--registry", str(fast_reg), "--db", sqlite_url, "--json", "--workers", "0"])
        out, err = child.communicate()
        assert child.returncode == 0, err[-2000:]
        assert wedged.poll() is None  # still waiting on its slow host
        assert time.monotonic() - started < 30
        result = json.loads(out)
        assert result["totals"]["new"] == 4 and result["sources"][0]["status"] == "ok"
        engine = make_engine(sqlite_url)
        with session_factory(engine)() as s:
            assert len(s.scalars(select(Item)).all()) == 4
        engine.dispose()
        assert os.getpgid(wedged.pid) == wedged.pid  # its own process group, as the scheduler signals it

        # SIGTERM to its group, as the scheduler stops it: the run closes aborted.  Its writer opens
        # the run (harvester/writes.OpenRuns); on a loaded machine the fast harvest can finish first.
        deadline = time.monotonic() + 30
        while not runs(slow_db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [r.status for r in runs(slow_db)] == ["running"]
        os.killpg(wedged.pid, signal.SIGTERM)
        wedged.communicate()
        assert [r.status for r in runs(slow_db)] == ["aborted"]
    finally:
        fast.stop()
        slow.stop()


def test_a_killed_warm_harvest_loses_no_run(tmp_path, sqlite_url):
    site = column_site("慢站", latency=3.0)
    launcher = WarmLauncher()
    try:
        registry = str(one_source_registry(tmp_path / "registry.yaml", site))
        args = ["harvest", "--registry", registry, "--db", sqlite_url, "--json", "--workers", "0"]
        child = launcher.run(args)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not runs(sqlite_url):
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        assert [r.status for r in runs(sqlite_url)] == ["running"]
        site.latency = 0.0
        again = launcher.run(args)
        out, err = again.communicate()
        assert again.returncode == 0, err[-2000:]
        assert [r.status for r in runs(sqlite_url)] == ["aborted", "ok"]
        assert json.loads(out)["totals"]["new"] == 4
    finally:
        site.stop()


def test_waiting_for_a_child_whose_output_was_read_answers_its_exit_code():
    """The scheduler's stop() may wait for a harvest whose job thread has just read its
    output (and closed the process object): the exit code, not an error that would end
    the scheduler with status 1."""
    launcher = WarmLauncher(preload=["cli.main"])
    child = launcher.run(["--version"])
    out, _ = child.communicate()
    assert "zhanqun" in out and child.returncode == 0
    assert child.wait(1) == 0 and child.poll() == 0
