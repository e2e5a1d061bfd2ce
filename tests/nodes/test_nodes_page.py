"""采集管理 shows the harvest nodes, the runs running on each, and where each run ran."""
from __future__ import annotations

from datetime import datetime, timezone

from hub.db import new_session
from nodes.models import HarvestNode
from storage.models import HarvestRun
from tests.hub.control_kit import client_as, seeded_app
from tests.hub.test_harvest_control import VALID_REGISTRY


def test_harvest_page_shows_nodes_their_jobs_and_each_runs_node(sqlite_url, tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(VALID_REGISTRY, encoding="utf-8")
    with seeded_app(sqlite_url, REGISTRY_PATH=str(registry), HARVEST_LOG_DIR=str(tmp_path / "logs")) as app:
        now = datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)
        with new_session(app) as s:
            s.add_all([
                HarvestNode(url="http://10.0.0.11:6800", status="ok", node_name="harvest-1", running=1, pending=0,
                            jobs=3, checked_at=now),
                HarvestNode(url="http://10.0.0.12:6800", status="lost", running=0, pending=0, jobs=1, checked_at=now,
                            message="listjobs.json: [Errno 111] Connection refused"),
                HarvestRun(source_id="kecheng-notices", status="running", started_at=now, node="http://10.0.0.11:6800",
                           node_job="4f1c2a"),
                HarvestRun(source_id="kecheng-notices", status="aborted", started_at=now, finished_at=now,
                           node="http://10.0.0.12:6800", node_job="9b7e01",
                           error_messages=[{"url": "", "stage": "node", "message": "harvest node http://10.0.0.12:6800 stopped answering"}]),
            ])
            s.commit()
        editor = client_as(app, "editor")
        html = editor.get("/hub/harvest/").get_data(as_text=True)
        assert "采集节点（2）" in html
        assert "http://10.0.0.11:6800" in html and "harvest-1" in html and "在线" in html
        assert "已失联" in html and "Connection refused" in html
        assert "4f1c2a" in html  # the job running on the first node
        assert 'href="http://10.0.0.11' not in html  # node addresses are text, never links
        page = editor.get("/hub/harvest/sources/kecheng-notices").get_data(as_text=True)
        assert "节点 <span class=\"source-url\">http://10.0.0.12:6800</span>" in page  # where the run ran
        assert "采集节点" in page and "stopped answering" in page


def test_harvest_page_without_nodes_says_nothing_of_them(sqlite_url, tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(VALID_REGISTRY, encoding="utf-8")
    with seeded_app(sqlite_url, REGISTRY_PATH=str(registry), HARVEST_LOG_DIR=str(tmp_path / "logs")) as app:
        assert "采集节点" not in client_as(app, "editor").get("/hub/harvest/").get_data(as_text=True)
