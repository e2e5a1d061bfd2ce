"""The hub under its strict Content-Security-Policy, in Chromium: every page an
administrator can open loads with no CSP violation, no console error and no script error;
a reporter submits through the real form (``form-action 'self'``) a body with two
pictures from a sub-site, and the pictures load through the hub on request, one by one
or all at once, while the browser itself never contacts the sub-site."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storage.models import ColumnRule, User
from tests.browser.chromium import chromium
from tests.browser.livehub import PASSWORD, PASSWORD_HASH, dispose, make_app, make_template, seed, serve
from tests.browser.pages import login, new_page
from tests.security.picture_sites import png
from tests.sitekit import Site

OUR_AGENT = "Zhanqun/0.1 (portal hub image preview)"


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def pictures():
    site = Site({"/a.png": (200, {"Content-Type": "image/png"}, png(3, 2)),
                 "/b.png": (200, {"Content-Type": "image/png"}, png(4, 4))})
    yield site
    site.stop()


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pictures):
    tmp = tmp_path_factory.mktemp("csp-pages")
    registry = tmp / "registry.yaml"
    registry.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\ncolumns:\n  - {id: tzgg, name: 通知公告}\n"
        f"units:\n  - id: pics\n    name: 图片单位\n    kind: department\n    homepage: {pictures.url}/\n"
        f"    sources:\n      - {{id: pics-list, url: '{pictures.url}/col/', type: list, columns: [tzgg],"
        " allow_private: true}\n", encoding="utf-8")
    app = make_app(tmp, make_template(tmp), REGISTRY_PATH=str(registry))
    try:
        ids = seed(app)
        with app.extensions["zhanqun_db"]["sessions"]() as s:
            s.add_all([User(username="chief", password_hash=PASSWORD_HASH, role="admin"),
                       User(username="kc-reporter", password_hash=PASSWORD_HASH, role="reporter", unit_id="kecheng"),
                       ColumnRule(match="title_keyword", pattern="通知", column_id="tzgg")])
            s.commit()
            ids["rule"] = s.scalar(select(ColumnRule.id))
            ids["user"] = s.scalar(select(User.id).where(User.username == "kc-reporter"))
        with serve(app) as url:
            yield url, ids
    finally:
        dispose(app)


def assert_clean(page, url: str) -> None:
    assert not page.watch.csp_messages(), (url, page.watch.csp_messages())
    assert page.evaluate("window.__cspViolations") == [], url
    assert not page.watch.page_errors, (url, page.watch.page_errors)
    assert not page.watch.console_errors, (url, page.watch.console_errors)


def loaded_images(page) -> list[dict]:
    page.wait_for_function("() => [...document.querySelectorAll('.body-html img')].every(i => i.complete)")
    return page.evaluate("() => [...document.querySelectorAll('.body-html img')]"
                         ".map(i => ({src: new URL(i.src).pathname, alt: i.alt, width: i.naturalWidth}))")


def test_a_reporters_pictures_load_through_the_hub_under_the_policy(hub, browser, pictures):
    base, _ = hub
    page = new_page(browser)
    try:
        login(page, base, "kc-reporter", PASSWORD)
        page.goto(f"{base}/hub/submissions/new")
        page.get_by_label("标题（必填）").fill("关于报送图片新闻的通知")
        # Pasted from a web page into the rich-text editor (text/html on the clipboard): its
        # pictures stay placeholders in the editor, nothing loads, and the form posts <img>.
        page.get_by_role("textbox", name="正文（必填）").click()
        page.evaluate("""html => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            document.querySelector('.rte-area').dispatchEvent(
                new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""", f'<p>活动现场：<img src="{pictures.url}/a.png" alt="活动现场"></p>'
              f'<p>签约仪式：<img src="{pictures.url}/b.png" alt="签约仪式"></p>')
        assert page.locator(".rte-area .rte-image").all_inner_texts() == ["［图片：活动现场］", "［图片：签约仪式］"]
        page.get_by_label("通知公告").check()
        page.get_by_role("button", name="提交报送").click()
        page.wait_for_url(re.compile(r"/hub/submissions/\d+$"))
        assert_clean(page, page.url)
        body = page.locator(".body-html")
        assert body.locator("img").count() == 0 and "［图片：活动现场］" in body.inner_text()
        assert pictures.hits == []  # nothing fetched until asked

        body.get_by_role("link", name="加载来源图片").first.click()
        assert loaded_images(page) == [{"src": "/hub/source-image", "alt": "活动现场", "width": 3}]
        page.get_by_role("button", name="加载全部来源图片（2 张）").click()
        assert [i["width"] for i in loaded_images(page)] == [3, 4]
        assert_clean(page, page.url)
        assert [h.path for h in pictures.hits] == ["/a.png", "/b.png"]
        assert {h.headers.get("User-Agent") for h in pictures.hits} == {OUR_AGENT}  # the hub, not Chromium
    finally:
        page.context.close()


def hub_pages(ids: dict) -> list[str]:
    return ["/hub/", "/review/", "/review/?status=all", f"/review/items/{ids['pending1']}",
            f"/review/items/{ids['news1']}", "/audit/", "/hub/submissions/", "/hub/rules/", f"/hub/rules/{ids['rule']}",
            "/hub/harvest/", "/hub/harvest/registry", "/hub/harvest/sources/qz-news", "/hub/users/", "/hub/users/new",
            f"/hub/users/{ids['user']}", "/", "/columns/zwdt", f"/items/{ids['news1']}", "/units/qz",
            "/search?q=%E6%A3%AE%E6%9E%97"]


def test_every_hub_page_loads_under_the_policy(hub, browser):
    base, ids = hub
    page = new_page(browser)
    try:
        page.goto(f"{base}/login")
        assert_clean(page, "/login")
        login(page, base, "chief", PASSWORD)
        for path in hub_pages(ids):
            response = page.goto(base + path)
            assert response is not None and response.ok, (path, response and response.status)
            assert "img-src 'self'" in response.headers["content-security-policy"] or path == "/hub/"
            assert_clean(page, path)
        # Scripts the pages load run under the policy: the review page's keyboard shortcuts.
        page.goto(f"{base}/review/")
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.classList.contains('item-link')")
        assert_clean(page, "/review/ (keyboard)")
    finally:
        page.context.close()
