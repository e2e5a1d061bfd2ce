"""A real TRS "动静结合" column page (../shared/corpus: the pingtan 政务公开 list, 75 static
items in groups of five, recordCount 107): every static item is read, and the run says
that 32 more are declared than the page holds.  Skips outside CI when the corpus is absent."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from harvestkit.urls import canonical_url
from spiders import list_detect, pagers
from storage.db import make_engine, session_factory
from storage.models import HarvestRun, ItemSource, Source
from tests.sitekit import HTML, Site, article

ROOT = Path(__file__).resolve().parents[2]
LIST = "pingtan-gov-zwgk-archive/pingtan/zwgk/ghxx/gzjzqk/_lists"
PAGE_URL = "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/"


@pytest.fixture(scope="module")
def pingtan(corpus):
    folder = corpus / LIST
    return (folder / "index.html").read_bytes(), json.loads((folder / "index.expected.derived.json").read_text("utf-8"))


def test_every_static_item_of_the_grouped_list_is_found(pingtan):
    page, truth = pingtan
    doc = list_detect.parse(page.decode("utf-8"), PAGE_URL)
    entries = list_detect.detect_entries(doc, PAGE_URL)
    assert len(entries) == 75
    assert [(e.url, e.title, e.date) for e in entries] == [
        (i["url"], " ".join(i["title"].split()), i["date"]) for i in truth["items"]]
    paging = pagers.detect(doc, PAGE_URL)
    assert paging.scheme == "trs 动静结合" and paging.declared_total == 107 and paging.total_label == "recordCount"


def test_the_harvest_reads_75_and_says_107_are_declared(pingtan, tmp_path, db_url):
    page, truth = pingtan
    routes = {"/zwgk/ghxx/gzjzqk/": (200, HTML, page)}
    for item in truth["items"]:
        path = urlsplit(urljoin("http://x/zwgk/ghxx/gzjzqk/", item["href"])).path
        routes[path] = (200, HTML, article(item["title"], item["date"], "平潭综合实验区"))
    site = Site(routes)
    try:
        registry = tmp_path / "registry.yaml"
        registry.write_text(
            "portal: {name: 测试门户}\nharvest: {per_host: {concurrency: 4, delay: 0}}\n"
            "columns:\n  - {id: zwgk, name: 政务公开}\nunits:\n  - id: pingtan\n    name: 平潭综合实验区\n"
            f"    kind: county\n    homepage: {site.url}/\n    sources:\n"
            f"      - {{id: gzjzqk, url: '{site.url}/zwgk/ghxx/gzjzqk/', type: auto, columns: [zwgk], allow_private: true}}\n",
            encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url,
                               "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert json.loads(proc.stdout)["sources"][0]["status"] == "partial", proc.stderr[-2000:]
        with session_factory(make_engine(db_url))() as s:
            stored = set(s.scalars(select(ItemSource.url)))
            run = s.scalar(select(HarvestRun))
            source = s.get(Source, "gzjzqk")
        assert len(stored) == 75 and stored == {canonical_url(urljoin(site.url + "/zwgk/ghxx/gzjzqk/", i["href"]))
                                                for i in truth["items"]}
        assert [m["message"] for m in run.error_messages] == ["recordCount 107, read 75"]
        assert source.status == "incomplete" and "recordCount 107, read 75" in source.health_note
        shown = subprocess.run([sys.executable, "-m", "cli.main", "sources", "--json", "--registry", str(registry),
                                "--db", db_url], capture_output=True, text=True, cwd=ROOT, timeout=120)
        row = json.loads(shown.stdout)["sources"][0]
        assert row["status"] == "incomplete" and "recordCount 107, read 75" in row["reason"]
    finally:
        site.stop()
