"""``zhanqun probe``: on every fixture of the CMS corpus and every demo source (one
process for all of them), the JSON shape, private addresses and robots.txt."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

from demo.federation import Federation
from demo.registry import registry_yaml
from demo.server import serve
from harvester.registry import parse_registry
from tests.cmskit import CmsSite, variants
from tests.sitekit import HTML, Site, article, list_page

ROOT = Path(__file__).resolve().parents[2]
BATCH = """
import json, sys
from probe import ProbeRequest, probe_many
requests = [ProbeRequest(**r) for r in json.load(sys.stdin)]
print(json.dumps([r.to_json() for r in probe_many(requests)], ensure_ascii=False))
"""
FAMILY_TYPES = {"trs": {"trs", "list"}, "hanweb": {"hanweb"}, "jpaas": {"hanweb"}, "plugins": {"list"},
                "static": {"list"}, "json": {"json", "list"}}


def errors(report: dict) -> list[str]:
    return [w for w in report["warnings"] if w.startswith("error: ")]


def probe_all(requests: list[dict]) -> list[dict]:
    proc = subprocess.run([sys.executable, "-c", BATCH], input=json.dumps(requests), capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def zhanqun_probe(*args: str) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "probe", *args, "--json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    return proc.returncode, json.loads(proc.stdout)


def pasted(snippet: str, column: str = "tzgg") -> dict:
    """The snippet pasted into a registry: it must validate once its columns are set."""
    source = yaml.safe_load(snippet)["sources"][0]
    source["columns"] = [column]
    text = yaml.safe_dump({"portal": {"name": "门户"}, "columns": [{"id": column, "name": "栏目"}],
                           "units": [{"id": "u", "name": "单位", "kind": "county", "homepage": "http://a.gov.cn/",
                                      "sources": [source]}]}, allow_unicode=True)
    return parse_registry(text).source(source["id"])[1].model_dump()


@pytest.fixture(scope="module")
def fixture_probes():
    sites = [CmsSite(v) for v in variants()]
    try:
        requests = [{"url": s.list_url, "type": t, "pages": 2, "allow_private": True} for s in sites
                    for t in ("auto", s.variant["type"])]
        yield sites, probe_all(requests)
    finally:
        for site in sites:
            site.stop()


def test_probe_reads_every_fixture_typed_and_auto(fixture_probes):
    sites, reports = fixture_probes
    problems = []
    for n, site in enumerate(sites):
        for report, given in zip(reports[2 * n: 2 * n + 2], ("auto", site.variant["type"])):
            label = f"{site.variant['id']} ({given})"
            first = report["pages"][0]["items"] if report["pages"] else []
            want = site.page_items(1)
            if report["type"] not in FAMILY_TYPES[site.variant["family"]]:
                problems.append(f"{label}: type {report['type']}")
            if [i["url"] for i in first] != [urljoin(site.list_url, it.href) for it in want]:
                problems.append(f"{label}: first page {len(first)} items, want {len(want)}")
            if site.variant["scheme"] not in (report["paging"]["scheme"] or ""):
                problems.append(f"{label}: scheme {report['paging']['scheme']}")
            if not report["sample"] or report["sample"]["title"] != want[0].title or not report["sample"]["published_at"]:
                problems.append(f"{label}: sample {report['sample'] and report['sample']['title']}")
            if errors(report) or any(w.startswith("incomplete") for w in report["warnings"]):
                problems.append(f"{label}: {report['errors']} {report['warnings']}")
            if pasted(report["registry"])["type"] != report["type"]:
                problems.append(f"{label}: snippet")
    assert not problems, "\n".join(problems)


def test_probe_reads_every_demo_source(tmp_path_factory):
    fed = Federation()
    with serve(fed, base_port=0) as server:
        registry = parse_registry(registry_yaml(server.urls))
        sources = [s for _, s in registry.sources()]
        reports = probe_all([{"url": s.url, "type": s.type, "pages": 2, "allow_private": True, "encoding": s.encoding}
                             for s in sources])
    broken = {"wjw-tzgg"}  # the demo's broken source: its list always answers 500
    empty = {"jiangshan-zcjd"}  # the demo's empty column (空白栏目): its list says 暂无信息
    for source, report in zip(sources, reports):
        if source.id in broken:
            assert any("HTTP 500" in e for e in errors(report)) and not any(p["items"] for p in report["pages"])
            continue
        if source.id in empty:
            assert any("空白栏目" in w for w in report["warnings"]) and not errors(report), report["warnings"]
            continue
        assert report["pages"] and report["pages"][0]["items"], (source.id, errors(report))
        assert report["sample"] and report["sample"]["title"], (source.id, errors(report))
        assert pasted(report["registry"])["url"] == source.url


def test_probe_json_shape_and_text(fixture_probes, tmp_path):
    sites, _ = fixture_probes
    site = next(s for s in sites if s.variant["id"] == "trs-createpage-4arg")
    code, report = zhanqun_probe(site.list_url, "--allow-private", "--pages", "2", "--registry", str(tmp_path / "none.yaml"))
    assert code == 0
    assert set(report) == {"type", "reason", "paging", "pages", "sample", "warnings", "registry"}
    assert report["type"] == "trs" and "createPageHTML" in report["reason"]
    assert report["paging"] == {"scheme": "trs createPageHTML", "declared_pages": 3, "declared_total": None}
    assert [len(p["items"]) for p in report["pages"]] == [4, 4]
    assert report["pages"][1]["url"].endswith("/col/tzgg/index_1.htm")
    item = report["pages"][0]["items"][0]
    assert set(item) == {"title", "url", "date"} and item["date"] == site.items[0].day.isoformat()
    sample = report["sample"]
    assert sample["title"] == site.items[0].title and sample["source"] == "县政府办公室"
    assert sample["attachments"] and len(sample["body_text"]) <= 200 and "body_html" not in sample
    assert any("max_pages 2" in w for w in report["warnings"])  # a third page exists: said, not hidden
    assert "sources:" in report["registry"] and pasted(report["registry"])["type"] == "trs"
    text = subprocess.run([sys.executable, "-m", "cli.main", "probe", site.list_url, "--allow-private", "--pages", "1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120).stdout
    assert "trs createPageHTML" in text and site.items[0].title in text and "sources:" in text


def test_probe_warns_of_pagers_it_cannot_read(tmp_path):
    routes = {"/col/index.html": (200, HTML, (
        "<html><body><ul class='list'>" + "".join(f"<li><a href='/b{i}.html'>第{i}条通知公告标题</a><span>2026-11-0{i + 1}</span></li>" for i in range(3))
        + "</ul><script>var totalPage = 4; $('#p').pager({pageCount: totalPage, click: function(n){ load(n); }});</script>"
          "</body></html>").encode())}
    routes.update({f"/b{i}.html": (200, HTML, article(f"第{i}条通知公告标题", f"2026-11-0{i + 1}")) for i in range(3)})
    site = Site(routes)
    try:
        code, report = zhanqun_probe(site.url + "/col/index.html", "--allow-private")
        assert any("not understood" in w for w in report["warnings"]), report["warnings"]
        assert code == 0 and report["paging"]["declared_pages"] == 4
    finally:
        site.stop()


def test_probe_refuses_private_addresses_and_obeys_robots():
    routes = {"/col/index.html": (200, HTML, list_page([("/a.html", "关于开展安全检查的通知", "2026-11-01"),
                                                        ("/b.html", "关于开展消防演练的通知", "2026-11-02")])),
              "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /col/\n")}
    site = Site(routes)
    try:
        code, report = zhanqun_probe(site.url + "/col/index.html")
        assert code == 1 and any("not a public address" in e for e in errors(report)), errors(report)
        assert not site.paths("/col/")
        code, report = zhanqun_probe(site.url + "/col/index.html", "--allow-private")
        assert code == 1 and any("robots.txt" in e for e in errors(report)), errors(report)
        assert not site.paths("/col/") and site.paths("/robots.txt")
    finally:
        site.stop()


def test_warnings_name_undated_entries_and_titles_with_dates():
    from probe.report import ProbeReport, ProbeRequest, list_warnings, source_id

    report = ProbeReport(ProbeRequest("http://www.kecheng.gov.cn/col/col1229/index.html"), pages=[{"url": "u", "items": [
        {"title": "关于开展安全检查的通知", "url": "http://a/1.html", "date": "2026-11-01"},
        {"title": "2026-11-02 消防演练通知", "url": "http://a/2.html", "date": None},
        {"title": "", "url": "http://a/3.html", "date": None}]}])
    warnings = list_warnings(report)
    assert any("2 of 3 entries have no date" in w for w in warnings)
    assert any("titles have a date in them" in w for w in warnings)
    assert any("1 of 3 entries have no title" in w for w in warnings)
    assert source_id("http://www.kecheng.gov.cn/col/col1229/index.html") == "kecheng-col1229"
