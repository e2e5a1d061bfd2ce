"""Politeness per host holds across harvest nodes (host leases in PostgreSQL).

Two sources of one demo site (one host) are harvested at the same time by two
real Scrapyd nodes; the site counts the requests it is answering at once.
The registry allows 2 in flight per host: the host must never see more,
although each node alone would allow 2 (4 together without the shared gate).
"""
from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, text

import demo.server
from demo.federation import Federation
from demo.registry import registry_yaml
from demo.server import serve
from tests.conftest import pg_schema
from tests.nodes.nodekit import require_scrapyd, start_node, zhanqun

pytestmark = [pytest.mark.pg, pytest.mark.timeout(600)]

SITE = "kecheng"  # kecheng-news and kecheng-tzgg live on this one host
ANSWER_SECONDS = 0.15  # each answer takes a while, so requests overlap if allowed to


class InFlight:
    """How many requests the site is answering at once, at most."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.most = self.total = 0

    def wrap(self, handle):
        def counted(fed, site_id, method, path, body):
            if site_id != SITE:
                return handle(fed, site_id, method, path, body)
            with self.lock:
                self.now += 1
                self.total += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(ANSWER_SECONDS)
                return handle(fed, site_id, method, path, body)
            finally:
                with self.lock:
                    self.now -= 1

        return counted


def test_two_nodes_share_one_hosts_limit(pg_server_url, tmp_path, monkeypatch):
    require_scrapyd()
    seen = InFlight()
    monkeypatch.setattr(demo.server, "handle", seen.wrap(demo.server.handle))
    fed = Federation()
    with serve(fed, base_port=0) as server, pg_schema(pg_server_url) as db_url:
        registry = tmp_path / "registry.yaml"
        text_ = registry_yaml(server.urls)
        assert "per_host: {concurrency: 4, delay: 0.05}" in text_
        registry.write_text(text_.replace("per_host: {concurrency: 4, delay: 0.05}", "per_host: {concurrency: 2, delay: 0}"),
                            encoding="utf-8")
        nodes = [start_node(tmp_path, db_url, registry, jobs=1) for _ in range(2)]
        try:
            result = json.loads(zhanqun(
                "harvest", "--registry", str(registry), "--db", db_url, "--json", "--workers", "0",
                "--source", "kecheng-news", "--source", "kecheng-tzgg", "--nodes", ",".join(n.url for n in nodes)).stdout)
        finally:
            for node in nodes:
                node.stop()
        assert [s["status"] for s in result["sources"]] == ["ok", "ok"]
        assert [n["jobs"] for n in result["nodes"]] == [1, 1]
        engine = create_engine(db_url)
        with engine.connect() as conn:
            ran = [dict(r._mapping) for r in conn.execute(text(
                "SELECT source_id, node, started_at, finished_at FROM harvest_runs ORDER BY id"))]
            leases = conn.execute(text("SELECT count(*) FROM host_leases")).scalar()
        engine.dispose()
    assert {r["node"] for r in ran} == {n.url for n in nodes}  # one source per node
    first, second = ran
    assert first["started_at"] < second["finished_at"] and second["started_at"] < first["finished_at"]  # at once
    assert seen.total >= 49  # both listings and every detail page went through the counted site
    print(f"\nrequests to the host: {seen.total}, most at once: {seen.most} (limit 2)")
    assert 1 <= seen.most <= 2
    assert leases == 0  # every lease was given back
