"""Issue 18 (hub side): the 工作台 at /hub/ per role, the readable audit log (no JSON, no
hashes, no empty values, Chinese labels, the CLI's account events too), 修改密码 with the
current password, one 所属单位 select, and the harvester's reasons in Chinese."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from click.testing import CliRunner
from sqlalchemy import select

from cli.main import main as cli
from hub.db import new_session
from hub.labels import reason_zh
from storage.models import AuditEntry, HarvestRun, Source, User
from tests.hub.conftest import PASSWORD, csrf_from, login


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/hub/"), **data})


def test_overview_for_editors_counts_what_waits_and_what_failed(app, editor):
    with new_session(app) as s:
        s.add(HarvestRun(source_id="kecheng-notices", status="partial", started_at=datetime.now(timezone.utc),
                         fetched=7, new=3, errors=2))
        s.get(Source, "jiangshan-news").status = "failing"
        s.get(Source, "jiangshan-news").consecutive_failures = 4
        s.commit()
    html = editor.get("/hub/").get_data(as_text=True)
    assert "<h1>工作台</h1>" in html
    pending = html[html.index('id="pending-units"'):html.index("</table>", html.index('id="pending-units"'))]
    assert "柯城区人民政府" in pending and ">1<" in pending and "江山市" not in pending
    assert "通知公告" in html[html.index('id="pending-columns"'):]
    today = html[html.index('id="today-harvests"'):]
    assert "1 个采集源共采集 1 次" in today and "部分失败 1 次" in today and "新增 3 条" in today
    troubled = html[html.index('id="troubled-sources"'):]
    assert "江山市人民政府" in troubled and "连续失败 4 次" in troubled
    # Two server-side SVG charts, with their figures as a table too.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="mini-chart" role="img"') == 2
    assert "近 14 天" in html and "<script" not in html.split("</head>")[1]


def test_overview_for_reporters_shows_their_own_and_their_unit_only(app, reporter):
    html = reporter.get("/hub/").get_data(as_text=True)
    assert "我的报送" in html and "本单位信息" in html
    assert "关于秘密待审通知的公告" in html  # their unit's (柯城区) pending item
    assert "江山市政务动态" not in html  # another unit's
    assert "异常采集源" not in html


def test_password_change_needs_the_current_password(app, editor):
    assert 'href="/hub/account/password"' in editor.get("/hub/").get_data(as_text=True)
    new = "a brand new pass phrase"
    r = _post(editor, "/hub/account/password", current="wrong password!", new=new, repeat=new)
    assert r.status_code == 422 and "当前密码不正确" in r.get_data(as_text=True)
    r = _post(editor, "/hub/account/password", current=PASSWORD, new=new, repeat=new + "x")
    assert r.status_code == 422 and "不一致" in r.get_data(as_text=True)
    r = _post(editor, "/hub/account/password", current=PASSWORD, new="short", repeat="short")
    assert r.status_code == 422 and "至少 12 个字符" in r.get_data(as_text=True)
    r = editor.post("/hub/account/password", data={"current": PASSWORD, "new": new, "repeat": new})
    assert r.status_code == 400  # no CSRF token
    r = _post(editor, "/hub/account/password", current=PASSWORD, new=new, repeat=new)
    assert r.status_code == 303
    fresh = app.test_client()
    assert login(fresh, "editor").status_code == 401  # the old password no longer signs in
    assert login(fresh, "editor", new).status_code == 302
    with new_session(app) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user_password_change")).one()
        assert entry.username == "editor" and new not in str(entry.after) and PASSWORD not in str(entry.after)


def test_user_page_has_one_unit_select_and_it_changes_the_unit(app, admin):
    with new_session(app) as s:
        reporter_id = s.scalar(select(User.id).where(User.username == "reporter"))
    html = admin.get(f"/hub/users/{reporter_id}").get_data(as_text=True)
    assert html.count('name="unit"') == 1 and html.count("所属单位（") == 1
    r = _post(admin, f"/hub/users/{reporter_id}/role", role="reporter", unit="jiangshan")
    assert r.status_code == 303
    with new_session(app) as s:
        assert s.get(User, reporter_id).unit_id == "jiangshan"


def test_audit_log_reads_as_chinese_with_cli_account_events(app, admin, editor, sqlite_url):
    _post(editor, f"/review/items/{app.seeded['pending']}/edit", title="改过的标题", summary="")
    _post(editor, f"/review/items/{app.seeded['pending']}/publish", next="0")
    _post(editor, f"/review/items/{app.seeded['published']}/unpublish", reason="内容过时")
    runner = CliRunner()
    result = runner.invoke(cli, ["users", "add", "zhang.san", "--role", "reporter", "--unit", "kecheng",
                                 "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["users", "password", "zhang.san", "--db", sqlite_url]).exit_code == 0
    assert runner.invoke(cli, ["users", "token", "zhang.san", "--db", sqlite_url]).exit_code == 0
    html = admin.get("/audit/").get_data(as_text=True)
    body = html.split("<h1>审计日志</h1>")[1]
    assert '{"' not in body and "null" not in body and "None" not in body
    assert not re.search(r"[0-9a-f]{64}", body)
    for words in ("新建用户", "重置密码", "签发API令牌", "系统（命令行（zhanqun users））", "所属单位", "柯城区人民政府",
                  "报送员", "已重置", "已签发", "发布", "待审核", "已发布", "撤销发布", "内容过时", "改过的标题", "标题"):
        assert words in body, words
    table = body[body.index('<table class="audit'):]
    for english in ("status", "publish_at", "reporter", "pending", "reset", "issued", "cli"):
        assert f">{english}<" not in table and f"{english}：" not in table, english


def test_harvester_reasons_in_chinese():
    assert reason_zh("disallowed by robots.txt") == "被 robots.txt 禁止"
    assert reason_zh("HTTP 404") == "页面不存在（HTTP 404）"
    assert reason_zh("http://a.example/ answers HTTP 503") == "对方网站服务器出错（HTTP 503）"
    assert reason_zh("timed out") == "连接超时"
    assert reason_zh("DNS lookup failed") == "域名解析失败"
    assert reason_zh("已拒绝：内网地址") == "已拒绝：内网地址"
    assert reason_zh("SomeNewError: boom") == "其他错误：SomeNewError: boom"


def test_interval_reasons_in_chinese():
    from hub.labels import interval_zh

    assert interval_zh("every 2m as written (adaptive scheduling off)") == "按配置每 2分钟 一次（不自动调整）"
    assert interval_zh("every 4h: backing off after 2 failed run(s) in a row (up to max_interval 1d)") == \
        "每 4小时 一次：连续 2 次采集失败，暂时放慢"
