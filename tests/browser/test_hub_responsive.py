"""The hub at a phone's and a laptop's size (issue 18), in Chromium under the real CSP:
no hub page scrolls sideways at 390×844 or 1366×768; the nav collapses without script;
axe finds no serious or critical violation on the hub's pages; the audit log shows no
JSON; 修改密码 works end to end; 立即采集's progress updates live; the 报送 editor
cleans a paste from Word."""
from __future__ import annotations

import os
import re
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from hub import actions
from storage.models import ColumnRule, HarvestRun, Item, User
from tests.browser.livehub import PASSWORD
from tests.browser.pages import login, new_page
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_review_flow import assert_quiet

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
LONG_URL = "http://kecheng.example/art/2026/11/20/" + "a" * 120 + ".html"
WORD = (Path(__file__).parents[1] / "fixtures" / "paste" / "word-clipboard.html").read_text(encoding="utf-8")


def add_people(live_hub) -> None:
    """An admin and a reporter with the editor's password; a rule, runs with long error
    addresses and audit entries, so each page has its widest content on it."""
    with live_hub.session() as s:
        s.add_all([User(username="boss", password_hash=generate_password_hash(PASSWORD), role="admin"),
                   User(username="kc.reporter", password_hash=generate_password_hash(PASSWORD), role="reporter",
                        unit_id="kecheng")])
        s.add(ColumnRule(match="title_regex", pattern="^关于.*开展.*专项检查.*的通知$", column_id="tzgg", action="add",
                         source_id="kecheng-notices", enabled=True, position=10))
        now = datetime.now(timezone.utc)
        for n in range(3):
            s.add(HarvestRun(source_id="kecheng-notices", status="partial", started_at=now - timedelta(hours=n),
                             finished_at=now - timedelta(hours=n) + timedelta(minutes=1), fetched=12, new=2, errors=2,
                             error_messages=[{"url": LONG_URL, "stage": "detail", "message": "HTTP 404"},
                                             {"url": LONG_URL + "?x=1", "stage": "skipped",
                                              "message": "disallowed by robots.txt"}]))
        editor = s.query(User).filter_by(username="editor").one()
        item = s.get(Item, live_hub.ids["pending2"])
        actions.edit(s, item, editor, title=item.title + "（修改）", summary="会议要求加强统筹协调。" * 8)
        actions.publish(s, item, editor)
        s.commit()


def hub_pages(live_hub) -> dict[str, tuple[str, str]]:
    """Each page (name: path, who signs in)."""
    return {
        "工作台": ("/hub/", "editor"), "审核": ("/review/", "editor"),
        "item review": (f"/review/items/{live_hub.ids['pending1']}", "editor"),
        "报送": ("/hub/submissions/new", "kc.reporter"), "报送列表": ("/hub/submissions/", "kc.reporter"),
        "reporter 工作台": ("/hub/", "kc.reporter"),
        "栏目规则": ("/hub/rules/", "editor"), "采集管理": ("/hub/harvest/", "editor"),
        "采集源": ("/hub/harvest/sources/kecheng-notices", "editor"),
        "用户管理": ("/hub/users/", "boss"), "审计日志": ("/audit/", "boss"), "修改密码": ("/hub/account/password", "editor"),
    }


def overflow(page) -> dict:
    return page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth,
        viewport: window.innerWidth,
        wide: [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .filter(e => !e.closest('.table-scroll, table, pre, .chart-figure, .visually-hidden'))
              .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))})""")


@pytest.mark.parametrize("size", SIZES)
def test_no_hub_page_scrolls_sideways(live_hub, browser, size):
    add_people(live_hub)
    pages = {}
    try:
        for name, (path, who) in hub_pages(live_hub).items():
            if who not in pages:
                pages[who] = new_page(browser, viewport=SIZES[size])
                login(pages[who], live_hub.url, who)
            page = pages[who]
            response = page.goto(live_hub.url + path)
            assert response is not None and response.ok, (name, response and response.status)
            found = overflow(page)
            assert found["scroll"] <= found["viewport"], f"{name} ({path}) at {size}: {found}"
            assert_quiet(page)
        if size == "phone":  # the nav is folded behind 菜单 and opens without script
            page = pages["editor"]
            page.goto(live_hub.url + "/review/")
            nav = page.get_by_role("navigation", name="主导航")
            assert not nav.is_visible()
            page.get_by_text("菜单", exact=True).click()
            assert nav.is_visible() and nav.get_by_role("link", name="采集管理").is_visible()
            box = nav.get_by_role("link", name="审核").bounding_box()
            assert box["height"] < 40, f"a nav label wraps: {box}"  # never "审/核"
        else:  # on a laptop the item's review actions sit beside the article
            page = pages["editor"]
            page.goto(f"{live_hub.url}/review/items/{live_hub.ids['pending1']}")
            article = page.locator("article.item").bounding_box()
            side = page.locator("aside.review-side").bounding_box()
            assert side["x"] >= article["x"] + article["width"] - 1 and side["y"] < article["y"] + 200
            title = page.locator("#edit-title").bounding_box()
            assert title["width"] > 500, f"the title input is not full width: {title}"
            # 状态 stays on one line in the queue.
            page.goto(live_hub.url + "/review/")
            lines = page.evaluate("""() => { const td = document.querySelector("table.queue td[data-label='状态']");
                const range = document.createRange(); range.selectNodeContents(td.firstChild);
                return range.getClientRects().length; }""")
            assert lines == 1, "状态 wraps in the queue"
    finally:
        for page in pages.values():
            page.context.close()


def test_review_actions_stay_in_reach_on_a_phone(live_hub, browser):
    page = new_page(browser, viewport=SIZES["phone"])
    try:
        login(page, live_hub.url)
        page.goto(f"{live_hub.url}/review/items/{live_hub.ids['pending1']}")
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(200)
        button = page.get_by_role("button", name="发布并下一条")
        box = button.bounding_box()
        assert box is not None and 0 <= box["y"] <= SIZES["phone"]["height"], box  # sticky at the bottom
    finally:
        page.context.close()


@pytest.fixture
def axe_page(browser):
    page = new_page(browser, bypass_csp=True)  # for axe's injected script only (see test_accessibility)
    yield page
    page.context.close()


def test_hub_pages_pass_axe_including_the_new_ones(live_hub, axe_page):
    add_people(live_hub)
    current = None
    for path, who in sorted(hub_pages(live_hub).values(), key=lambda page: page[1]):
        if who != current:
            axe_page.context.clear_cookies()
            login(axe_page, live_hub.url, who)
            current = who
        assert_accessible(axe_page, live_hub.url + path)


def test_audit_page_has_no_json(live_hub, page):
    add_people(live_hub)
    login(page, live_hub.url, "boss")
    page.goto(live_hub.url + "/audit/")
    html = page.content()
    assert '{"' not in html and "null" not in page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert "修改" in text and "已发布" in text and "摘要" in text


def test_password_change_end_to_end(live_hub, browser):
    page = new_page(browser)
    try:
        login(page, live_hub.url)
        page.get_by_role("link", name="修改密码").click()
        page.get_by_label("当前密码").fill(PASSWORD)
        page.get_by_label("新密码", exact=True).fill("a much longer new password")
        page.get_by_label("再次输入新密码").fill("a much longer new password")
        page.get_by_role("button", name="修改密码").click()
        page.wait_for_url(re.compile(r"/hub/$"))
        assert page.get_by_role("status").filter(has_text="密码已修改").is_visible()
        page.get_by_role("button", name="退出登录").click()
        page.goto(live_hub.url + "/login")
        page.get_by_label("用户名").fill("editor")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert "/login" in page.url  # the old password is refused
        login(page, live_hub.url, password="a much longer new password")
        assert page.get_by_role("heading", name="工作台").is_visible()
        assert_quiet_but_refused_login(page)
    finally:
        page.context.close()


def assert_quiet_but_refused_login(page) -> None:
    """The refused sign-in answers 401, which the console reports; nothing else may."""
    others = [m for m in page.watch.console_errors if "401" not in m]
    assert not others and not page.watch.page_errors and page.evaluate("window.__cspViolations") == []


def test_live_harvest_progress_under_the_real_csp(live_hub, page):
    """The source page polls the status endpoint while a run is open (a run of this very
    process, so it counts as alive), shows its counts as they grow, then the summary."""
    with live_hub.session() as s:
        run = HarvestRun(source_id="qz-news", status="running", pid=os.getpid(), hostname=socket.gethostname(),
                         error_messages=[])
        s.add(run)
        s.commit()
        run_id = run.id
    login(page, live_hub.url)
    page.goto(live_hub.url + "/hub/harvest/sources/qz-news")
    text = page.locator("#harvest-progress-text")
    assert "正在采集" in text.inner_text()
    with live_hub.session() as s:
        s.get(HarvestRun, run_id).fetched, s.get(HarvestRun, run_id).new = 3, 1
        s.commit()
    page.wait_for_function("() => document.getElementById('harvest-progress-text').textContent.includes('已抓取 3 篇')")
    assert "新增 1 条" in text.inner_text()
    with live_hub.session() as s:
        r = s.get(HarvestRun, run_id)
        r.fetched, r.new, r.errors, r.status = 5, 2, 1, "partial"
        r.finished_at = datetime.now(timezone.utc)
        r.error_messages = [{"url": LONG_URL, "stage": "skipped", "message": "disallowed by robots.txt"}]
        s.commit()
    page.wait_for_function("() => document.getElementById('harvest-progress').dataset.state === 'done'")
    final = text.inner_text()
    assert "抓取 5 篇" in final and "新增 2 条" in final and "被 robots.txt 禁止" in final and "部分成功" in final
    assert page.locator("#harvest-progress-done").is_visible()
    assert_quiet(page)


def test_editor_cleans_a_paste_from_word(live_hub, browser):
    add_people(live_hub)
    page = new_page(browser)
    try:
        login(page, live_hub.url, "kc.reporter")
        page.goto(live_hub.url + "/hub/submissions/new")
        editor = page.get_by_role("textbox", name="正文（必填）")
        assert editor.is_visible() and page.get_by_role("toolbar", name="正文格式").is_visible()
        editor.click()
        page.evaluate("""html => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', '关于做好冬季安全生产工作的通知');
            document.querySelector('.rte-area').dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""", WORD)
        pasted = page.locator(".rte-area").inner_html()
        for office in ("mso-", "Mso", "o:p", "style=", "class=", "<span", "font-family"):
            assert office not in pasted, (office, pasted)
        assert "开展隐患排查" in pasted and "<strong>联系电话：</strong>" in pasted and "<table>" in pasted
        assert "·" not in pasted  # Word's fake bullet
        page.get_by_label("标题（必填）").fill("关于做好冬季安全生产工作的通知")
        page.get_by_label("通知公告").check()
        page.get_by_role("button", name="提交报送").click()
        page.wait_for_url(re.compile(r"/hub/submissions/\d+$"))
        with live_hub.session() as s:
            item = s.query(Item).filter_by(origin="submission").one()
            assert "开展隐患排查" in item.body_html and "mso-" not in item.body_html and "<span" not in item.body_html
        assert_quiet(page)
    finally:
        page.context.close()


def test_editing_a_submission_keeps_its_pictures(live_hub, browser):
    """A body with another site's picture: the editor shows a placeholder (nothing loads
    under img-src 'self'), and saving posts the <img> back unchanged."""
    add_people(live_hub)
    with live_hub.session() as s:
        reporter = s.query(User).filter_by(username="kc.reporter").one()
        item = Item(title="图片新闻", url="submission:x", unit_id="kecheng", origin="submission", status="pending",
                    submitted_by_id=reporter.id, body_html='<p>现场：<img src="http://kecheng.example/a.png" alt="现场"></p>',
                    body_text="现场：", content_hash="c" * 64)
        s.add(item)
        s.commit()
        item_id = item.id
    page = new_page(browser)
    try:
        login(page, live_hub.url, "kc.reporter")
        page.goto(f"{live_hub.url}/hub/submissions/{item_id}/edit")
        assert page.locator(".rte-area .rte-image").inner_text() == "［图片：现场］"
        page.get_by_label("标题（必填）").fill("图片新闻（修改）")
        page.get_by_label("通知公告").check()
        page.get_by_role("button", name="保存修改").click()
        page.wait_for_url(re.compile(rf"/hub/submissions/{item_id}$"))
        with live_hub.session() as s:
            body = s.get(Item, item_id).body_html
        assert '<img src="http://kecheng.example/a.png" alt="现场">' in body and "rte-image" not in body
        assert_quiet(page)
    finally:
        page.context.close()
