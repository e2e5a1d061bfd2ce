"""Harvest nodes for real: two Scrapyd nodes (`zhanqun node`) on loopback ports,
one PostgreSQL, the demo federation served on loopback.

* the federation harvested through two nodes is the federation harvested locally;
* a node killed mid-harvest: its job is aborted and rescheduled, the other node
  finishes, nothing is lost or duplicated;
* a node that never answers is skipped and reported;
* SQLite is refused with a message naming PostgreSQL.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.conftest import pg_schema
from tests.demokit import served_demo
from tests.nodes.nodekit import ROOT, exported, free_port, require_scrapyd, start_node, zhanqun

pytestmark = [pytest.mark.pg, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    with served_demo(tmp_path_factory.mktemp("demo")) as (fed, _server, registry):
        yield fed, registry


@pytest.fixture(scope="module")
def local_items(federation, pg_server_url):
    """The reference: the same federation harvested by a local harvest."""
    _, registry = federation
    with pg_schema(pg_server_url) as db_url:
        zhanqun("harvest", "--registry", str(registry), "--db", db_url, "--json", "--workers", "0")
        yield exported(registry, db_url)


@pytest.fixture()
def cluster(federation, pg_server_url, tmp_path):
    require_scrapyd()
    _, registry = federation
    with pg_schema(pg_server_url) as db_url:
        nodes = [start_node(tmp_path, db_url, registry) for _ in range(2)]
        try:
            yield db_url, registry, nodes
        finally:
            for node in nodes:
                node.stop()


def runs(db_url: str) -> list[dict]:
    """Every run so far (none before the harvest made the tables)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            found = [dict(r._mapping, error_messages=[]) for r in conn.execute(text(
                "SELECT id, source_id, status, node, node_job FROM harvest_runs ORDER BY id"))]
            by_id = {r["id"]: r for r in found}
            for run_id, url, stage, message in conn.execute(text(
                    "SELECT run_id, url, stage, message FROM harvest_errors ORDER BY id")):
                by_id[run_id]["error_messages"].append({"url": url, "stage": stage, "message": message})
            return found
    except ProgrammingError:
        return []
    finally:
        engine.dispose()


def test_two_nodes_harvest_what_a_local_harvest_does(cluster, local_items):
    db_url, registry, nodes = cluster
    unreachable = f"http://127.0.0.1:{free_port()}"
    urls = ",".join([nodes[0].url, unreachable, nodes[1].url])
    proc = zhanqun("harvest", "--registry", str(registry), "--db", db_url, "--json", "--workers", "0", "--nodes", urls)
    result = json.loads(proc.stdout)
    by_url = {n["url"]: n for n in result["nodes"]}
    assert by_url[unreachable]["status"] == "unreachable" and by_url[unreachable]["jobs"] == 0
    assert by_url[nodes[0].url]["status"] == by_url[nodes[1].url]["status"] == "ok"
    assert by_url[nodes[0].url]["jobs"] > 0 and by_url[nodes[1].url]["jobs"] > 0
    assert {s["id"] for s in result["sources"] if s["status"] == "failed"} == {"wjw-tzgg"}  # the demo's broken source
    assert result["totals"]["sources"] == 13 and result["totals"]["aborted"] == 0
    assert exported(registry, db_url) == local_items
    ran = runs(db_url)
    assert {r["node"] for r in ran} == {nodes[0].url, nodes[1].url}  # where each run ran
    assert all(r["node_job"] for r in ran)

    # A second harvest through the nodes stores nothing twice.
    again = json.loads(zhanqun("harvest", "--registry", str(registry), "--db", db_url, "--json", "--workers", "0",
                               "--nodes", f"{nodes[0].url},{nodes[1].url}").stdout)
    assert again["totals"]["new"] == 0
    assert exported(registry, db_url) == local_items


def test_a_node_killed_mid_harvest_loses_nothing(cluster, local_items):
    db_url, registry, nodes = cluster
    victim, survivor = nodes
    harvest = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url, "--json",
         "--workers", "0", "--nodes", f"{victim.url},{survivor.url}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill the node while it is running a source's harvest
        if any(r["node"] == victim.url and r["status"] == "running" for r in runs(db_url)):
            break
        time.sleep(0.2)
    else:
        harvest.kill()
        pytest.fail("the node never ran a job")
    victim.kill()
    out, err = harvest.communicate(timeout=600)
    result = json.loads(out)
    by_url = {n["url"]: n for n in result["nodes"]}
    assert by_url[victim.url]["status"] == "lost", err
    assert by_url[survivor.url]["status"] == "ok"
    statuses = {s["id"]: s["status"] for s in result["sources"]}
    assert len(statuses) == 13
    assert {sid for sid, status in statuses.items() if status not in ("ok", "partial")} == {"wjw-tzgg"}, (statuses, err)
    ran = runs(db_url)
    lost = [r for r in ran if r["status"] == "aborted"]
    assert lost and all(r["node"] == victim.url for r in lost)
    assert all("stopped answering" in r["error_messages"][-1]["message"] for r in lost)
    for r in lost:  # each lost source was harvested again, on the node that stayed
        assert any(o["source_id"] == r["source_id"] and o["node"] == survivor.url and o["id"] > r["id"] for o in ran)
    assert exported(registry, db_url) == local_items


def test_nodes_refuse_sqlite_naming_postgresql(federation, tmp_path):
    _, registry = federation
    proc = zhanqun("harvest", "--registry", str(registry), "--db", f"sqlite:///{tmp_path / 'z.db'}",
                   "--nodes", "http://127.0.0.1:6800", codes=(1,))
    assert "PostgreSQL" in proc.stderr
    env = {"ZHANQUN_DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}", "ZHANQUN_REGISTRY": str(registry)}
    node = zhanqun("node", "--port", str(free_port()), "--dir", str(tmp_path / "n"), env=env, codes=(1,))
    assert "PostgreSQL" in node.stderr
