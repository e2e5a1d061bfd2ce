"""Where harvest nodes are named (``--nodes``, the registry's ``harvest.nodes``) and
what is refused: bad addresses with a clear message, SQLite naming PostgreSQL."""
from __future__ import annotations

import pytest

from harvester.registry import RegistryError, parse_registry
from nodes.scrapyd import parse_node_urls, public_url
from tests.hub.test_harvest_control import VALID_REGISTRY
from tests.nodes.nodekit import zhanqun


def test_registry_names_harvest_nodes_and_refuses_bad_ones_with_file_and_line():
    text = VALID_REGISTRY.replace("portal: {name: 测试门户}\n",
                                  "portal: {name: 测试门户}\nharvest:\n  nodes: [http://10.0.0.11:6800/, http://10.0.0.12:6800]\n")
    assert parse_registry(text).harvest.nodes == ["http://10.0.0.11:6800", "http://10.0.0.12:6800"]
    with pytest.raises(RegistryError) as err:
        parse_registry(text.replace("http://10.0.0.12:6800]", "ftp://10.0.0.12]"), "reg.yaml")
    message = str(err.value)
    assert "reg.yaml:3" in message and "not a harvest node address" in message


def test_node_addresses_on_the_command_line():
    assert parse_node_urls("http://a:6800, http://b:6800/,http://a:6800") == ["http://a:6800", "http://b:6800"]
    for bad in ("", "a:6800", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            parse_node_urls(bad)
    assert public_url("http://user:secret@10.0.0.11:6800/") == "http://10.0.0.11:6800"  # never print credentials


def test_bad_nodes_and_sqlite_are_refused_before_anything_runs(tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(VALID_REGISTRY, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'z.db'}"
    proc = zhanqun("harvest", "--registry", str(registry), "--db", db, "--nodes", "not-a-url", codes=(2,))
    assert "not a node address" in proc.stderr
    proc = zhanqun("scheduler", "--registry", str(registry), "--db", db, "--nodes", "http://127.0.0.1:6800", codes=(1,))
    assert "PostgreSQL" in proc.stderr
    assert not (tmp_path / "z.db").exists()  # refused before any database was touched
