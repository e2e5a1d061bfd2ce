"""A harvester killed mid-run leaves nothing half-written; the next run completes the job."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from storage.db import make_engine, session_factory
from storage.models import HarvestRun, Item, ItemRevision, ItemSource
from tests.demokit import served_demo

ROOT = Path(__file__).resolve().parents[2]


def counts(db_url: str) -> dict:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        out = {
            "items": s.scalar(select(func.count(Item.id))),
            "items_without_source": s.scalar(select(func.count(Item.id)).where(~Item.sources.any())),
            "sources_without_revision": s.scalar(
                select(func.count(ItemSource.id)).where(~select(ItemRevision.id).where(ItemRevision.item_source_id == ItemSource.id).exists())
            ),
            "sources": s.scalar(select(func.count(ItemSource.id))),
            "run_status": sorted(s.scalars(select(HarvestRun.status))),
        }
    engine.dispose()
    return out


def test_kill_9_mid_harvest_then_rerun(tmp_path):
    with served_demo(tmp_path) as (fed, server, registry):
        db_url = f"sqlite:///{tmp_path / 'h.db'}"
        cmd = [sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url, "--json"]
        victim = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                if (tmp_path / "h.db").exists() and counts(db_url)["items"] >= 20:
                    break
            except OperationalError:  # the harvester has not created its tables yet
                pass
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        broken = counts(db_url)
        assert broken["items"] >= 20
        assert broken["items_without_source"] == 0 and broken["sources_without_revision"] == 0
        assert "running" in broken["run_status"]

        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        result = json.loads(done.stdout)
        final = counts(db_url)
        assert final["items_without_source"] == 0 and final["sources_without_revision"] == 0
        assert "running" not in final["run_status"] and "aborted" in final["run_status"]
        truth = fed.truth()
        assert final["sources"] == len(truth["items"])  # none lost, none duplicated
        assert result["totals"]["new"] + broken["sources"] == final["sources"]
