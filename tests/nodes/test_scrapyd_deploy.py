"""The README's other way to run a harvest node: plain Scrapyd, the project deployed with
`scrapyd-deploy` (scrapyd-client) from a directory holding nothing but a `scrapy.cfg`,
zhanqun installed beside Scrapyd, and `zhanqun harvest --nodes` dispatching to it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from demo.federation import Federation
from demo.registry import registry_yaml
from demo.server import serve
from tests.conftest import pg_schema, skip_or_fail
from tests.nodes.nodekit import free_port, require_scrapyd, zhanqun

pytestmark = [pytest.mark.pg, pytest.mark.timeout(600)]

DEPLOY = Path(sys.executable).with_name("scrapyd-deploy")


def start_scrapyd(directory: Path, env: dict) -> tuple[str, subprocess.Popen]:
    port = free_port()
    directory.mkdir()
    (directory / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {directory}/eggs\n"
        f"logs_dir = {directory}/logs\ndbs_dir = {directory}/dbs\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=directory, env=env,
                            stdout=(directory / "out").open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/daemonstatus.json", timeout=2):
                return url, proc
        except OSError:
            assert proc.poll() is None, (directory / "out").read_text()
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("scrapyd never answered")


def test_a_project_deployed_with_scrapyd_deploy_runs_the_harvests(pg_server_url, tmp_path):
    require_scrapyd()
    if not DEPLOY.exists():
        skip_or_fail("scrapyd-client (scrapyd-deploy) is not installed")
    with serve(Federation(), base_port=0) as sites, pg_schema(pg_server_url) as db_url:
        registry = tmp_path / "registry.yaml"
        registry.write_text(registry_yaml(sites.urls), encoding="utf-8")
        env = {**os.environ, "ZHANQUN_DATABASE_URL": db_url, "ZHANQUN_REGISTRY": str(registry)}
        url, scrapyd = start_scrapyd(tmp_path / "scrapyd", env)
        try:
            project = tmp_path / "deploy"
            project.mkdir()
            (project / "scrapy.cfg").write_text(  # as the README says, and nothing else
                f"[settings]\ndefault = nodes.settings\n\n[deploy]\nurl = {url}/\nproject = zhanqun\n", encoding="utf-8")
            deployed = subprocess.run([str(DEPLOY)], cwd=project, env=env, capture_output=True, text=True, timeout=300)
            assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout, (deployed.stdout, deployed.stderr)

            result = json.loads(zhanqun("harvest", "--registry", str(registry), "--db", db_url, "--json",
                                        "--workers", "0", "--nodes", url).stdout)
            assert result["nodes"] == [{"url": url, "jobs": 13, "status": "ok"}]
            assert result["totals"]["sources"] == 13 and result["totals"]["new"] > 200
            assert {s["id"] for s in result["sources"] if s["status"] == "failed"} == {"wjw-tzgg"}  # the demo's broken one
        finally:
            os.killpg(scrapyd.pid, signal.SIGTERM)
            scrapyd.wait(60)
