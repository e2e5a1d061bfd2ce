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
    assert problems(GOOD) == ["r.yaml:20: units[kecheng].sources[kecheng-news].rules: CSS rules apply to list pages, not to type 'hanweb'"]


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
        ("{id: tzgg, name: 通知公告}", "{id: tzgg, name: 通知公告, owner: nobody}", "r.yaml:4: columns[tzgg].owner: unknown unit 'nobody'"),
        ("{id: tzgg, name: 通知公告}", "{id: tzgg, name: 通知公告, owner: Bad Id}", "r.yaml:4: columns[tzgg].owner: String should match"),
        ("columns:\n", "interaction: {reply_within: 20, max_days: 15}\ncolumns:\n", "r.yaml:2: interaction: reply_within (20) exceeds max_days (15)"),
        ("columns:\n", "interaction: {reply_within: 0}\ncolumns:\n", "r.yaml:2: interaction.reply_within:"),
        ("columns:\n", "interaction: {answer_in: 5}\ncolumns:\n", "r.yaml:2: interaction.answer_in: unknown key"),
        ("timezone: Asia/Shanghai", "site_code: '33080001'", "r.yaml:1: portal.site_code: not a 网站标识码"),
        ("timezone: Asia/Shanghai", "icp: 浙备123", "r.yaml:1: portal.icp: not an ICP record number"),
        ("timezone: Asia/Shanghai", "police_record: 公网安备", "r.yaml:1: portal.police_record: not a public-security"),
        ("timezone: Asia/Shanghai", "contact: {email: 信箱}", "r.yaml:1: portal.contact.email: not an e-mail address"),
        ("timezone: Asia/Shanghai", "logo: logo.svg", "r.yaml:1: portal.logo: the logo must be a"),
        ("columns: [xqdt]", "columns: [xqdt, {id: tzgg, page: 'ftp://x/'}]",
         "r.yaml:14: units[kecheng].sources[kecheng-news].columns[tzgg].page: not an http(s) URL"),
        ("columns: [xqdt]", "columns: [{id: zz, page: 'http://x/'}]",
         "r.yaml:14: units[kecheng].sources[kecheng-news].columns[zz].id: unknown column 'zz'"),
        ("columns: [xqdt]", "columns: [xqdt, xqdt]", "r.yaml:14: units[kecheng].sources[kecheng-news].columns: a column is named twice"),
        ("        review: required\n", "        review: required\n        page: www.kecheng.gov.cn\n",
         "r.yaml:17: units[kecheng].sources[kecheng-news].page: not an http(s) URL"),
        ("        review: required\n", "        review: required\n        adaptive: sometimes\n",
         "r.yaml:17: units[kecheng].sources[kecheng-news].adaptive:"),
    ],
)
def test_each_error_names_file_line_and_key(old, new, expected):
    text = GOOD.replace("type: hanweb", "type: list").replace(old, new, 1)
    assert text != GOOD
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found


def test_column_owner_and_interaction_keys():
    text = GOOD.replace("type: hanweb", "type: list").replace("{id: tzgg, name: 通知公告}", "{id: tzgg, name: 通知公告, owner: kecheng}")
    reg = parse_registry("interaction: {reply_within: 7, max_days: 15, near_due: 2}\n" + text)
    assert reg.columns[1].owner == "kecheng" and reg.columns[0].owner is None
    assert (reg.interaction.reply_within, reg.interaction.max_days, reg.interaction.near_due) == (7, 15, 2)
    assert parse_registry(text).interaction.reply_within == 5  # the default


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
        load_registry(ROOT / name, check_files=True)


JSON_SOURCE = GOOD.replace("type: hanweb", "type: json").replace(
    'rules: {item: "ul.list li", link: "a", title: "a", date: "span"}',
    "rules:\n          json: {items: data.list, title: title, url: link, date: pubDate, total: data.total, page_param: pageNo}")


def test_json_sources_and_their_paths():
    source = parse_registry(JSON_SOURCE).source("kecheng-news")[1]
    assert source.type == "json"
    rules = source.model_dump()["rules"]["json"]
    assert rules["items"] == "data.list" and rules["total"] == "data.total" and rules["page_param"] == "pageNo"


@pytest.mark.parametrize("old,new,expected", [
    ("title: title,", "title: 'a b',", "r.yaml:21: units[kecheng].sources[kecheng-news].rules.json.title: bad JSON path 'a b'"),
    ("items: data.list,", "items: 'data..list',", "r.yaml:21: units[kecheng].sources[kecheng-news].rules.json.items: bad JSON path"),
    ("items: data.list,", "", "r.yaml:21: units[kecheng].sources[kecheng-news].rules.json.items: Field required"),
    ("page_param: pageNo", "page_param: 'page no'", "r.yaml:21: units[kecheng].sources[kecheng-news].rules.json.page_param: String should match"),
    ("type: json", "type: sitemap", "r.yaml:21: units[kecheng].sources[kecheng-news].rules.json: rules.json applies to JSON lists, not to type 'sitemap'"),
    ("json: {", "item: 'li'\n          json: {", "r.yaml:20: units[kecheng].sources[kecheng-news].rules: give either 'item'"),
])
def test_bad_json_rules_name_file_and_line(old, new, expected):
    found = problems(JSON_SOURCE.replace(old, new))
    assert any(p.startswith(expected) for p in found), found


IDENTITY = """\
portal:
  name: 中国衢州
  site_code: 3308000001
  icp: 浙ICP备05007200号-3
  police_record: 浙公网安备 33080202000101号
  organizer: 衢州市人民政府办公室
  operator: 衢州市大数据发展管理局
  contact: {phone: 0570-3022222, email: zfb@qz.gov.cn, address: 衢州市柯城区荷花中路, page: 'https://www.qz.gov.cn/lxwm/'}
  logo: images/logo.png
columns:
  - {id: xqdt, name: 县区动态}
  - {id: tzgg, name: 通知公告}
units:
  - id: longyou
    name: 龙游县人民政府
    kind: county
    homepage: http://www.longyou.gov.cn/
    sources:
      - id: longyou-rss
        url: http://www.longyou.gov.cn/rss.xml
        type: feed
        columns: [xqdt, {id: tzgg, page: 'http://www.longyou.gov.cn/col/tzgg/'}]
        page: http://www.longyou.gov.cn/col/xwzx/
        schedule: {every: 30m}
        adaptive: true
"""


def test_portal_identity_and_pages_for_people(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes((ROOT / "demo" / "logo.png").read_bytes())
    registry = tmp_path / "registry.yaml"
    registry.write_text(IDENTITY, encoding="utf-8")
    reg = load_registry(registry, check_files=True)
    assert reg.portal.site_code == "3308000001"  # unquoted digits read as the code they are
    assert reg.portal.police_record_code == "33080202000101"
    assert reg.portal.contact.page == "https://www.qz.gov.cn/lxwm/"
    source = reg.source("longyou-rss")[1]
    assert source.column_ids == ["xqdt", "tzgg"] and source.adaptive is True
    assert source.column_pages == {"tzgg": "http://www.longyou.gov.cn/col/tzgg/"}
    assert source.page == "http://www.longyou.gov.cn/col/xwzx/"


@pytest.mark.parametrize("content,expected", [
    (None, "logo file not found"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "is not a PNG, JPEG, GIF, WebP or ICO image"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (600 * 1024), "more than 512 KiB"),
])
def test_the_logo_file_is_checked_where_it_is_served(tmp_path, content, expected):
    (tmp_path / "images").mkdir()
    if content is not None:
        (tmp_path / "images" / "logo.png").write_bytes(content)
    registry = tmp_path / "registry.yaml"
    registry.write_text(IDENTITY, encoding="utf-8")
    load_registry(registry)  # harvests do not serve it (they may read a copy kept elsewhere)
    with pytest.raises(RegistryError) as info:
        load_registry(registry, check_files=True)
    assert str(info.value).startswith(f"{registry}:9: portal.logo: ") and expected in str(info.value)


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
