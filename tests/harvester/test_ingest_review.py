"""What the harvest hands the editors: the sensitive-term screen holds items even
from a ``review: auto`` source, column rules place items, and editors' edits
survive later changes at the source."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from hub import actions
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import ColumnRule, Item, PortalColumn, Unit, User
from tests.sitekit import HTML, Site, article, list_page

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = {
    1: ("关于森林防火工作的通知", ""),
    2: ("关于印发内部资料管理办法的通知", ""),  # sensitive title
    3: ("2026年事业单位公开招聘公告", "<p>本文件为机密级，不宜公开。</p>"),  # sensitive body, and a rule's keyword
}


def routes(articles: dict[int, tuple[str, str]], updated: int | None = None) -> dict:
    """``updated``: the article the site says it changed (its listing date moves on)."""
    links = [(f"/art/{n}.html", title, "2026-11-1%d" % n if n == updated else "2026-11-0%d" % n)
             for n, (title, _) in articles.items()]
    out = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\n"),
           "/col/index.html": (200, HTML, list_page(links))}
    for n, (title, extra) in articles.items():
        out[f"/art/{n}.html"] = (200, HTML, article(title, f"2026-11-0{n} 09:00", extra=extra))
    return out


def registry(tmp: Path, site: Site) -> Path:
    path = tmp / "registry.yaml"
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 2, delay: 0}}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\n  - {id: rsks, name: 人事考试}\n"
        "units:\n  - id: t\n    name: 测试单位\n    kind: department\n"
        f"    homepage: {site.url}/\n    sources:\n"
        f"      - {{id: col, url: '{site.url}/col/index.html', type: list, columns: [tzgg], allow_private: true,"
        " review: auto}\n",
        encoding="utf-8")
    return path


def harvest(path: Path, db_url: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(path), "--db", db_url, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return json.loads(proc.stdout)["sources"][0]


def by_title(sessions) -> dict[str, Item]:
    with sessions() as s:
        items = s.scalars(select(Item)).all()
        for item in items:
            _ = [c.column_id for c in item.columns]
        return {i.title: i for i in items}


def test_screen_rules_and_edits_survive_source_changes(tmp_path, db_url):
    site = Site(routes(ARTICLES))
    try:
        engine = make_engine(db_url)
        upgrade(engine)
        sessions = session_factory(engine)
        path = registry(tmp_path, site)
        harvest(path, db_url)  # creates units, columns, sources
        with sessions.begin() as s:  # a rule added in the hub: 招聘 notices also go in 人事考试
            s.add(ColumnRule(match="title_keyword", pattern="招聘", column_id="rsks", action="add"))
            s.add(ColumnRule(match="column_name", pattern="不存在的栏目", column_id="rsks", action="override"))
        # start over with the rule in place
        with sessions.begin() as s:
            for table in ("item_revisions", "item_columns", "item_sources", "items", "fetch_states"):
                s.execute(__import__("sqlalchemy").text(f"DELETE FROM {table}"))
        harvest(path, db_url)

        items = by_title(sessions)
        plain = items["关于森林防火工作的通知"]
        assert plain.status == "published" and plain.sensitive_terms == []
        held_title = items["关于印发内部资料管理办法的通知"]
        assert held_title.status == "pending" and held_title.sensitive_terms == ["内部资料"]
        held_body = items["2026年事业单位公开招聘公告"]
        assert held_body.status == "pending" and set(held_body.sensitive_terms) == {"不宜公开", "机密"}
        assert sorted(c.column_id for c in held_body.columns) == ["rsks", "tzgg"]
        assert [c.column_id for c in plain.columns] == ["tzgg"]

        # An editor retitles the published item; the source then changes its text and adds a classified mark.
        with sessions() as s:
            editor = User(username="ed", password_hash="x", role="editor")
            s.add(editor)
            s.flush()
            item = s.get(Item, plain.id)
            actions.edit(s, item, editor, title="森林防火工作通知（编辑修改）")
            s.commit()
        changed = dict(ARTICLES)
        changed[1] = ("关于森林防火工作的通知", "<p>补充：本通知附件属绝密材料。</p>")
        site.routes = routes(changed, updated=1)
        outcome = harvest(path, db_url)
        assert outcome["updated"] >= 1, outcome

        with sessions() as s:
            item = s.get(Item, plain.id)
            assert item.title == "森林防火工作通知（编辑修改）"  # the editor's title stays
            assert "绝密材料" in item.body_text  # the body follows the source
            assert item.status == "pending" and item.sensitive_terms == ["绝密"]
            kinds = [f["kind"] for f in item.flags]
            assert "updated_at_source" in kinds and "held_sensitive" in kinds
            assert s.scalar(select(Unit.id)) == "t" and s.get(PortalColumn, "rsks") is not None
        engine.dispose()
    finally:
        site.stop()
