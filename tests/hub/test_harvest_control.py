"""采集管理: source health for editors, pause/resume with audit, 立即采集 for real, the registry for admins."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from harvester.runs import pid_alive
from hub.db import new_session
from storage.models import HarvestRun, Item, ItemSource, Source
from tests.hub.control_kit import audit, client_as, expect_access, post, seeded_app
from tests.sitekit import HTML, Site, article, list_page, one_source_registry

VALID_REGISTRY = (
    "portal: {name: 测试门户}\ncolumns:\n  - {id: notices, name: 通知公告}\n  - {id: news, name: 政务动态}\nunits:\n"
    "  - id: kecheng\n    name: 柯城区人民政府\n    kind: county\n    homepage: http://kc.example/\n    sources:\n"
    "      - {id: kecheng-notices, url: 'http://kc.example/tzgg/', type: list, columns: [notices]}\n"
    "      - {id: kecheng-new, url: 'http://kc.example/new/', type: list, columns: [news]}\n"
)


@pytest.fixture
def registry_file(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text(VALID_REGISTRY, encoding="utf-8")
    return path


@pytest.fixture
def app_with_registry(sqlite_url, registry_file, tmp_path):
    with seeded_app(sqlite_url, REGISTRY_PATH=str(registry_file), HARVEST_LOG_DIR=str(tmp_path / "logs")) as app:
        yield app


def add_runs(app):
    with new_session(app) as s:
        source = s.get(Source, "kecheng-notices")
        source.status, source.consecutive_failures = "failing", 2
        source.last_error = "HTTP 500"
        source.last_success = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
        s.add_all([
            HarvestRun(source_id="kecheng-notices", status="ok", fetched=5, new=3, updated=1, unchanged=1,
                       started_at=datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc),
                       finished_at=datetime(2026, 11, 20, 1, 1, tzinfo=timezone.utc),
                       requests={"listing": 1, "detail": 4}),
            HarvestRun(source_id="kecheng-notices", status="failed", errors=1,
                       started_at=datetime(2026, 11, 21, 1, 0, tzinfo=timezone.utc),
                       finished_at=datetime(2026, 11, 21, 1, 0, 5, tzinfo=timezone.utc),
                       error_messages=[{"url": "http://kc.example/tzgg/", "stage": "listing", "message": "HTTP 500"}],
                       requests={"listing": 1}),
        ])
        s.commit()


def test_pages_by_role(app_with_registry):
    app = app_with_registry
    expect_access(app, ["/hub/harvest/", "/hub/harvest/sources/kecheng-notices", "/hub/harvest/sources/kecheng-new"],
                  allowed=("editor", "admin"))
    expect_access(app, ["/hub/harvest/registry"], allowed=("admin",))


def test_sources_list_shows_health_and_last_run(app_with_registry):
    app = app_with_registry
    add_runs(app)
    html = client_as(app, "editor").get("/hub/harvest/").get_data(as_text=True)
    assert "柯城区人民政府" in html and "http://kc.example/tzgg/" in html
    assert "失败" in html and "HTTP 500" in html  # status in Chinese, with the error
    assert "2026-11-20 09:00" in html  # last success, Beijing time
    assert "抓取 0 · 新增 0 · 更新 0 · 错误 1" in html  # the latest run
    assert "正常" in html  # jiangshan-news
    assert "已不在采集配置中" in html  # jiangshan-news is in the database only
    # A registry source not harvested yet can be harvested from here.
    assert "采集配置中尚未采集的来源" in html and "kecheng-new" in html
    assert 'href="/hub/harvest/registry"' not in html  # editors do not see the registry link


def test_source_page_lists_runs_with_errors_and_pages(app_with_registry):
    app = app_with_registry
    add_runs(app)
    editor = client_as(app, "editor")
    html = editor.get("/hub/harvest/sources/kecheng-notices").get_data(as_text=True)
    assert "采集记录（共 2 次）" in html
    assert "HTTP 500" in html and "列表页" in html  # error message with its stage
    assert "详情页 4" in html  # request counts
    assert "成功" in html and "失败" in html
    assert editor.get("/hub/harvest/sources/nope").status_code == 404
    with new_session(app) as s:
        s.add_all([HarvestRun(source_id="kecheng-notices", status="ok") for _ in range(25)])
        s.commit()
    html = editor.get("/hub/harvest/sources/kecheng-notices").get_data(as_text=True)
    assert "第 1 / 2 页" in html and 'rel="next"' in html
    html = editor.get("/hub/harvest/sources/kecheng-notices?page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in html and "HTTP 500" in html  # the oldest runs on the last page


def test_registry_page_valid_and_invalid(app_with_registry, registry_file):
    admin = client_as(app_with_registry, "admin")
    html = admin.get("/hub/harvest/registry").get_data(as_text=True)
    assert "有效" in html and str(registry_file) in html and "kecheng-notices" in html
    registry_file.write_text(VALID_REGISTRY.replace("kind: county", "kind: village") + "# <script>x</script>\n",
                             encoding="utf-8")
    html = admin.get("/hub/harvest/registry").get_data(as_text=True)
    assert "有误" in html and f"{registry_file}:8: units[kecheng].kind" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html


def test_post_without_csrf_is_refused(app_with_registry):
    editor = client_as(app_with_registry, "editor")
    for action in ("pause", "resume", "run"):
        assert editor.post(f"/hub/harvest/sources/kecheng-notices/{action}", data={"reason": "x"}).status_code == 400
    with new_session(app_with_registry) as s:
        assert s.get(Source, "kecheng-notices").status == "ok"
    assert audit(app_with_registry) == []


def test_reporter_and_anonymous_cannot_act(app_with_registry):
    reporter = client_as(app_with_registry, "reporter")
    for action in ("pause", "resume", "run"):
        r = post(reporter, f"/hub/harvest/sources/kecheng-notices/{action}", as_role="reporter", reason="x")
        assert r.status_code == 403
    anonymous = client_as(app_with_registry, "anonymous")
    assert anonymous.post("/hub/harvest/sources/kecheng-notices/pause").status_code == 400  # no session, no token
    assert audit(app_with_registry) == []


def test_pause_and_resume_change_status_and_are_audited(db_url, tmp_path):
    with seeded_app(db_url) as app:
        editor = client_as(app, "editor")
        r = post(editor, "/hub/harvest/sources/kecheng-notices/pause", reason="  ")
        assert r.status_code == 303
        assert "暂停采集时请填写原因" in editor.get(r.headers["Location"]).get_data(as_text=True)

        r = post(editor, "/hub/harvest/sources/kecheng-notices/pause", reason="网站改版中")
        assert r.status_code == 303 and r.headers["Location"].endswith("/hub/harvest/sources/kecheng-notices")
        html = editor.get(r.headers["Location"]).get_data(as_text=True)
        assert "已暂停" in html and "网站改版中" in html
        html = editor.get("/hub/harvest/").get_data(as_text=True)
        assert "已暂停" in html and "网站改版中" in html and "（已暂停）" in html
        with new_session(app) as s:
            source = s.get(Source, "kecheng-notices")
            assert (source.status, source.paused_reason) == ("paused", "网站改版中")
            source.consecutive_failures = 4
            s.commit()
        [entry] = audit(app, "pause_source")
        assert entry.item_id is None and entry.username == "editor"
        assert entry.before == {"source": "kecheng-notices", "status": "ok", "reason": None}
        assert entry.after == {"source": "kecheng-notices", "status": "paused", "reason": "网站改版中"}

        post(editor, "/hub/harvest/sources/kecheng-notices/resume")
        with new_session(app) as s:
            source = s.get(Source, "kecheng-notices")
            assert (source.status, source.paused_reason, source.consecutive_failures) == ("ok", None, 0)
        [entry] = audit(app, "resume_source")
        assert entry.before["status"] == "paused" and entry.before["consecutive_failures"] == 4
        assert entry.after["status"] == "ok"
        assert post(editor, "/hub/harvest/sources/nope/pause", reason="x").status_code == 404


def test_harvest_now_refusals(app_with_registry, registry_file):
    app = app_with_registry
    editor = client_as(app, "editor")
    # Unknown to the registry (jiangshan-news is only in the database).
    r = post(editor, "/hub/harvest/sources/jiangshan-news/run")
    assert "采集配置中没有来源" in editor.get(r.headers["Location"]).get_data(as_text=True)
    # Being harvested right now (by this very process: alive).
    import os
    import socket

    with new_session(app) as s:
        s.add(HarvestRun(source_id="kecheng-notices", status="running", pid=os.getpid(), hostname=socket.gethostname()))
        s.commit()
    r = post(editor, "/hub/harvest/sources/kecheng-notices/run")
    assert "正在采集中" in editor.get(r.headers["Location"]).get_data(as_text=True)
    # An invalid registry.
    registry_file.write_text("portal: {name: x}\ncolumns: []\n", encoding="utf-8")
    r = post(editor, "/hub/harvest/sources/kecheng-new/run")
    assert r.headers["Location"].endswith("/hub/harvest/")
    assert "采集配置有误" in editor.get(r.headers["Location"]).get_data(as_text=True)
    assert audit(app, "harvest_now") == []


def test_harvest_now_runs_a_real_harvest(sqlite_url, tmp_path):
    routes = {"/col/index.html": (200, HTML, list_page([("/art/1.html", "关于森林防火的通知", "2026-11-01"),
                                                        ("/art/2.html", "垃圾分类工作动态", "2026-11-02")]))}
    routes["/art/1.html"] = (200, HTML, article("关于森林防火的通知", "2026-11-01"))
    routes["/art/2.html"] = (200, HTML, article("垃圾分类工作动态", "2026-11-02"))
    site = Site(routes)
    try:
        registry = one_source_registry(tmp_path / "registry.yaml", site)
        logs = tmp_path / "logs"
        with seeded_app(sqlite_url, REGISTRY_PATH=str(registry), HARVEST_LOG_DIR=str(logs)) as app:
            editor = client_as(app, "editor")
            assert "采集配置中尚未采集的来源" in editor.get("/hub/harvest/").get_data(as_text=True)
            r = post(editor, "/hub/harvest/sources/a/run")
            assert r.status_code == 303 and r.headers["Location"].endswith("/hub/harvest/sources/a")
            assert "已开始采集" in editor.get(r.headers["Location"]).get_data(as_text=True)
            [entry] = audit(app, "harvest_now")
            assert entry.after["source"] == "a" and entry.after["pid"] > 0 and entry.item_id is None
            # A second click before the first harvest finished is refused.
            again = post(editor, "/hub/harvest/sources/a/run")
            assert "刚刚已开始采集" in editor.get(again.headers["Location"]).get_data(as_text=True) \
                or "正在采集中" in editor.get(again.headers["Location"]).get_data(as_text=True)

            deadline = time.monotonic() + 60
            run = None
            while time.monotonic() < deadline:
                with new_session(app) as s:
                    run = s.scalar(select(HarvestRun).where(HarvestRun.source_id == "a").order_by(HarvestRun.id.desc()))
                    if run is not None and run.status != "running":
                        break
                time.sleep(0.5)
            log = (logs / "a.log").read_text(encoding="utf-8") if (logs / "a.log").exists() else ""
            assert run is not None and run.status == "ok", log
            assert run.new == 2
            with new_session(app) as s:
                titles = set(s.scalars(select(Item.title).join(ItemSource).where(ItemSource.source_id == "a")))
            assert titles == {"关于森林防火的通知", "垃圾分类工作动态"}
            assert len(audit(app, "harvest_now")) == 1
            # The harvester prints its summary after closing the run: wait for it to exit.
            while pid_alive(entry.after["pid"]) and time.monotonic() < deadline + 30:
                time.sleep(0.2)
            html = editor.get("/hub/harvest/sources/a").get_data(as_text=True)
            assert "采集记录（共 1 次）" in html and "最近一次“立即采集”的输出" in html
            assert "1 sources, 2 pages, 2 new" in html  # the command's output, shown to the editor
    finally:
        site.stop()
