"""The fixture corpus of real CMS list and paging variants (tests/fixtures/cms), harvested
as the spiders really see it: each variant on its own loopback site, once with the source
type an operator would give and once as ``auto``, in one harvest.  Every item must be
stored; lists that declare more than can be read must say so."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from harvestkit.urls import canonical_url
from storage.db import make_engine, session_factory
from storage.models import HarvestRun, Item, ItemSource, Source
from tests.cmskit import CmsSite, registry_entry, shortfalls, variants
from tests.sitekit import HTML, Site

ROOT = Path(__file__).resolve().parents[2]


BAD_JSON = {
    "/api/maintenance.json": (200, HTML, "<html><body>系统维护中，请稍后访问</body></html>".encode()),
    "/api/list.json": (200, {"Content-Type": "application/json"},
                       json.dumps({"data": {"rows": [{"t": "关于开展安全检查的通知", "u": "/a/1.html"}]}}).encode()),
}


def bad_json_sources(site: Site) -> list[str]:
    """A JSON source that answers HTML, and one whose rules name paths the JSON lacks."""
    return [
        f"      - {{id: json-not-json, url: '{site.url}/api/maintenance.json', type: json, columns: [tzgg], allow_private: true}}\n",
        f"      - {{id: json-bad-path, url: '{site.url}/api/list.json', type: json, columns: [tzgg], allow_private: true, "
        "rules: {json: {items: data.list, title: t, url: u}}}\n",
    ]


def registry_text(typed: dict, auto: dict, short: dict, bad: list[str]) -> str:
    head = ("portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
            "harvest: {per_host: {concurrency: 4, delay: 0}}\n"
            "columns:\n  - {id: tzgg, name: 通知公告}\nunits:\n")

    def unit(uid: str, name: str, lines: list[str]) -> str:
        return (f"  - id: {uid}\n    name: {name}\n    kind: county\n    homepage: http://127.0.0.1/\n    sources:\n"
                + "".join(lines))
    return head + unit("typed", "按类型采集", [registry_entry(s, vid, s.variant["type"], s.variant.get("rules"))
                                           for vid, s in typed.items()]) \
        + unit("auto", "自动识别采集", [registry_entry(s, f"{vid}--auto", "auto") for vid, s in auto.items()]) \
        + unit("short", "声明多于可读", [registry_entry(s, vid, s.variant["type"], max_pages=s.variant.get("max_pages"))
                                       for vid, s in short.items()]) \
        + unit("bad", "错误的JSON", bad)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    typed = {v["id"]: CmsSite(v, salt="typed") for v in variants()}
    auto = {v["id"]: CmsSite(v, salt="auto") for v in variants()}
    short = {v["id"]: CmsSite(v, salt="short") for v in shortfalls()}
    bad = Site(BAD_JSON)
    try:
        tmp = tmp_path_factory.mktemp("cms")
        registry = tmp / "registry.yaml"
        registry.write_text(registry_text(typed, auto, short, bad_json_sources(bad)), encoding="utf-8")
        db_url = f"sqlite:///{tmp / 'cms.db'}"
        proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url,
                               "--json", "--workers", "2"], capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
        with session_factory(make_engine(db_url))() as s:
            stored = defaultdict(dict)
            for url, source_id, title in s.execute(select(ItemSource.url, ItemSource.source_id, Item.title)
                                                   .join(Item, Item.id == ItemSource.item_id)):
                stored[source_id][url] = title
            runs = {r.source_id: r for r in s.scalars(select(HarvestRun))}
            health = {r.id: (r.status, r.health_note) for r in s.scalars(select(Source))}
        yield {"typed": typed, "auto": auto, "short": short, "stored": stored, "runs": runs, "health": health,
               "result": json.loads(proc.stdout)}
    finally:
        bad.stop()
        for site in [*typed.values(), *auto.values(), *short.values()]:
            site.stop()


def completeness(corpus, mode: str) -> dict[str, tuple[int, int]]:
    """family → (items stored, items on the sites)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for vid, site in corpus[mode].items():
        source_id = vid if mode == "typed" else f"{vid}--auto"
        truth = {canonical_url(u): t for u, t in site.truth().items()}
        got = corpus["stored"].get(source_id, {})
        out[site.variant["family"]][0] += sum(1 for u in truth if u in got)
        out[site.variant["family"]][1] += len(truth)
    return {k: tuple(v) for k, v in out.items()}


@pytest.mark.parametrize("mode", ["typed", "auto"])
def test_every_variant_harvests_completely(corpus, mode):
    problems = []
    for vid, site in corpus[mode].items():
        source_id = vid if mode == "typed" else f"{vid}--auto"
        truth = {canonical_url(u): t for u, t in site.truth().items()}
        got = corpus["stored"].get(source_id, {})
        missing = sorted(set(truth) - set(got))
        run = corpus["runs"][source_id]
        if missing or run.status != "ok" or run.errors:
            problems.append(f"{source_id}: {len(truth) - len(missing)}/{len(truth)} stored, run {run.status}, "
                            f"errors {[m['message'] for m in run.error_messages][:3]}")
        wrong = [(got[u], t) for u, t in truth.items() if u in got and got[u] != t]
        if wrong:
            problems.append(f"{source_id}: titles {wrong[:2]}")
    assert not problems, "\n".join(problems)
    table = completeness(corpus, mode)
    assert all(stored == total for stored, total in table.values()), table
    assert len(table) >= 6 and sum(total for _, total in table.values()) >= 200


def test_the_corpus_covers_twenty_variants_of_six_families():
    assert len(variants()) >= 20
    assert len({v["family"] for v in variants()}) >= 6


def test_lists_that_declare_more_than_was_read_are_never_silent(corpus):
    for vid, site in corpus["short"].items():
        run = corpus["runs"][vid]
        expect, message = site.variant["expect"], site.variant["message"]
        stored = corpus["stored"].get(vid, {})
        assert {canonical_url(u) for u in site.truth()} <= set(stored) or expect == "bound", vid
        if expect == "bound":
            assert run.status == "ok" and run.notes == [message], (vid, run.notes)
            assert corpus["health"][vid][0] == "ok"
            continue
        messages = [m["message"] for m in run.error_messages]
        assert run.status == "partial", (vid, run.status, messages)
        assert any(message in m for m in messages), (vid, messages)
        status, note = corpus["health"][vid]
        if "not understood" in message:
            assert status == "broken-rules" and "not understood" in note
        else:
            assert status == "incomplete" and message in note, (vid, status, note)


def test_a_json_list_that_is_not_json_or_lacks_its_paths_is_an_error(corpus):
    runs = corpus["runs"]
    assert runs["json-not-json"].status == "failed"
    assert "not JSON" in runs["json-not-json"].error_messages[0]["message"]
    assert runs["json-bad-path"].status == "failed"
    assert "no 'data.list' in the JSON (rules.json.items)" in runs["json-bad-path"].error_messages[0]["message"]
