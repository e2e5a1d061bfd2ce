"""registry.yaml validation: every problem names file:line and key path."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harvester.registry import RegistryError, load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
portal: {name: 中国衢州, timezone: Asia/Shanghai}
columns:
  - {id: xqdt, name: 县区动态}
  - {id: tzgg, name: 通知公告}
units:
  - id: kecheng
    name: 柯城区人民政府
    kind: county
    homepage: http://www.kecheng.gov.cn/
    sources:
      - id: kecheng-news
        url: http://www.kecheng.gov.cn/col/col1229/index.html
        type: hanweb
        columns: [xqdt]
        schedule: {every: 30m}
        review: required
        encoding: gbk
        max_pages: 5
        allow_private: false
        rules: {item: "ul.list li", link: "a", title: "a", date: "span"}
    duties:
      - {column: xqdt, min_items: 4, per: month}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RegistryError) as info:
        parse_registry(text, "r.yaml")
    return [str(p) for p in info.value.problems]


def test_the_documented_shape_is_valid():
    reg = parse_registry(GOOD.replace("type: hanweb", "type: list"))
    unit, source = reg.source("kecheng-news")
    assert unit.name == "柯城区人民政府"
    assert source.schedule.interval.total_seconds() == 1800
    assert source.encoding == "gbk" and source.max_pages == 5


def test_rules_on_a_hanweb_source_are_refused():
    assert problems(GOOD) == ["r.yaml:20: units[kecheng].sources[kecheng-news].rules: rules apply to list pages, not to type 'hanweb'"]


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("        review: required\n", "        review: required\n        colour: red\n", "r.yaml:17: units[kecheng].sources[kecheng-news].colour: unknown key"),
        ("columns: [xqdt]", "columns: [nope]", "r.yaml:14: units[kecheng].sources[kecheng-news].columns[0]: unknown column 'nope'"),
        ("url: http://www.kecheng.gov.cn/col", "url: ftp://www.kecheng.gov.cn/col", "r.yaml:12: units[kecheng].sources[kecheng-news].url: not an http(s) URL"),
        ("{every: 30m}", "{every: 30 minutes}", "r.yaml:15: units[kecheng].sources[kecheng-news].schedule: bad interval"),
        ("{every: 30m}", "{cron: '61 * * * *'}", "r.yaml:15: units[kecheng].sources[kecheng-news].schedule: bad cron expression"),
        ("{every: 30m}", "{every: 30m, cron: '0 * * * *'}", "r.yaml:15: units[kecheng].sources[kecheng-news].schedule: give exactly one"),
        ("kind: county", "kind: village", "r.yaml:8: units[kecheng].kind:"),
        ("encoding: gbk", "encoding: klingon", "r.yaml:17: units[kecheng].sources[kecheng-news].encoding: unknown encoding"),
        ("{id: tzgg, name: 通知公告}", "{id: xqdt, name: 通知公告}", "r.yaml:4: columns[xqdt].id: duplicate column id 'xqdt'"),
        ("{column: xqdt, min_items", "{column: zzz, min_items", "r.yaml:22: units[kecheng].duties[0].column: unknown column 'zzz'"),
        ("timezone: Asia/Shanghai", "timezone: Mars/Olympus", "r.yaml:1: portal.timezone: unknown timezone"),
    ],
)
def test_each_error_names_file_line_and_key(old, new, expected):
    text = GOOD.replace("type: hanweb", "type: list").replace(old, new, 1)
    assert text != GOOD
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found


def test_duplicate_source_ids_across_units():
    text = GOOD.replace("type: hanweb", "type: list") + """\
  - id: qujiang
    name: 衢江区人民政府
    kind: county
    homepage: http://www.qjq.gov.cn/
    sources:
      - {id: kecheng-news, url: "http://www.qjq.gov.cn/", columns: [xqdt]}
"""
    assert "r.yaml:28: units[qujiang].sources[kecheng-news].id: duplicate source id 'kecheng-news'" in problems(text)


def test_broken_yaml_names_its_line():
    found = problems("portal: {name: x\ncolumns: [\n")
    assert found[0].startswith("r.yaml:2: (top): not valid YAML")


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError) as info:
        load_registry(tmp_path / "nope.yaml")
    assert "file not found" in str(info.value)


def test_cli_check_exits_2_and_harvest_refuses(tmp_path):
    bad = tmp_path / "registry.yaml"
    bad.write_text(GOOD.replace("columns: [xqdt]", "columns: [nope]"), encoding="utf-8")
    zhanqun = [sys.executable, "-m", "cli.main"]
    check = subprocess.run([*zhanqun, "registry", "check", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 2
    assert f"{bad}:14: units[kecheng].sources[kecheng-news].columns[0]: unknown column 'nope'" in check.stderr
    db = tmp_path / "h.db"
    run = subprocess.run([*zhanqun, "harvest", "--registry", str(bad), "--db", f"sqlite:///{db}"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "nothing was harvested" in run.stderr
    assert not db.exists()


def test_committed_registries_are_valid():
    for name in ("registry.yaml", "registry.example-quzhou.yaml"):
        load_registry(ROOT / name)


SUPERVISED = GOOD.replace("type: hanweb", "type: list").replace("portal: {name: 中国衢州, timezone: Asia/Shanghai}\n", """\
portal: {name: 中国衢州, timezone: Asia/Shanghai}
supervision:
  stale_after: {dynamic: 14d, notice: 180d, plan: 365d}
  homepage_stale_after: 14d
  homepage_checks: {every: 1h, timeout: 15}
  veto: {unreachable_checks: 15, stale_columns: 5, empty_columns: 5}
  link_checks: {every: 1d, per_run: 200, external: true}
  deduct: {column_stale: 2, broken_link: 1, broken_link_item: 0.1}
  deduct_max: {broken_link: 10}
""").replace("        review: required\n", "        review: required\n        category: notice\n        harvest: false\n").replace(
    "    homepage: http://www.kecheng.gov.cn/\n", "    homepage: http://www.kecheng.gov.cn/\n    allow_private: false\n")


def test_the_documented_supervision_keys_are_valid():
    reg = parse_registry(SUPERVISED)
    unit, source = reg.source("kecheng-news")
    assert (source.category, source.harvest, unit.allow_private) == ("notice", False, False)
    assert reg.supervision.veto.unreachable_checks == 15 and reg.supervision.link_checks.per_run == 200
    defaults = parse_registry(GOOD.replace("type: hanweb", "type: list"))
    assert defaults.supervision == reg.supervision.model_copy(update={"deduct": defaults.supervision.deduct})
    assert defaults.source("kecheng-news")[1].category == "dynamic" and defaults.source("kecheng-news")[1].harvest


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("category: notice", "category: news", "r.yaml:26: units[kecheng].sources[kecheng-news].category: Input should be"),
        ("harvest: false", "harvest: sometimes", "r.yaml:27: units[kecheng].sources[kecheng-news].harvest:"),
        ("{dynamic: 14d,", "{dynamic: 2 weeks,", "r.yaml:3: supervision.stale_after.dynamic: bad duration '2 weeks'"),
        ("{every: 1h, timeout: 15}", "{every: 10s, timeout: 15}", "r.yaml:5: supervision.homepage_checks.every: '10s' is too often"),
        ("stale_columns: 5,", "stale_columns: 0,", "r.yaml:6: supervision.veto.stale_columns: Input should be greater than or equal to 1"),
        ("per_run: 200", "per_run: lots", "r.yaml:7: supervision.link_checks.per_run:"),
        ("broken_link: 1,", "harvest_broken: 1, broken_link: 1,", "r.yaml:8: supervision.deduct.harvest_broken: unknown key"),
        ("  homepage_stale_after: 14d\n", "  homepage_stale_after: 14d\n  colour: red\n", "r.yaml:5: supervision.colour: unknown key"),
    ],
)
def test_supervision_errors_name_file_line_and_key(old, new, expected):
    text = SUPERVISED.replace(old, new, 1)
    assert text != SUPERVISED
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found
