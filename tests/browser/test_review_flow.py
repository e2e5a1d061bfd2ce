"""An editor's day in a real browser: sign in, open the 审核 queue, retitle a pending
item, publish it, and find it on the public portal; then the keyboard review
(j, o, p) under the hub's real Content-Security-Policy."""
from __future__ import annotations

import re

from storage.models import Item
from tests.browser.pages import login


def assert_quiet(page) -> None:
    """No script errors, no console errors and no CSP violations on the page."""
    watch = page.watch
    assert not watch.csp_messages(), watch.csp_messages()
    assert page.evaluate("window.__cspViolations") == []
    assert not watch.page_errors, watch.page_errors
    assert not watch.console_errors, watch.console_errors


def status_of(live_hub, item_id: int) -> str:
    with live_hub.session() as s:
        return s.get(Item, item_id).status


def test_edit_publish_and_find_on_the_portal(live_hub, page):
    base, item_id = live_hub.url, live_hub.ids["pending1"]
    old_title, new_title = "关于开展农村饮水安全专项检查的通知", "农村饮水安全专项检查通知（编辑修改）"

    login(page, base)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审核").click()
    page.wait_for_url(re.compile(r"/review/"))
    page.get_by_role("link", name=old_title).click()
    page.wait_for_url(re.compile(rf"/review/items/{item_id}\b"))

    page.get_by_label("标题").fill(new_title)
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text=f"已保存修改：{new_title}").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == new_title

    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text=f"已发布：{new_title}").is_visible()
    assert status_of(live_hub, item_id) == "published"
    assert_quiet(page)

    # The public portal shows it at once, with the new title.
    page.goto(f"{base}/items/{item_id}")
    assert page.get_by_role("heading", level=1).inner_text().strip() == new_title
    assert page.title().startswith(new_title) and old_title not in page.title()
    page.goto(f"{base}/columns/tzgg")
    link = page.get_by_role("link", name=new_title)
    assert link.count() >= 1
    link.first.click()
    page.wait_for_url(re.compile(rf"/items/{item_id}\b"))
    page.goto(f"{base}/")
    assert page.get_by_role("link", name=new_title).count() >= 1, "the newest published item is on the home page"
    assert_quiet(page)


def test_keyboard_review_publishes_and_moves_on(live_hub, page):
    base = live_hub.url
    login(page, base)
    page.goto(f"{base}/review/")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 2
    first_id = int(rows.first.get_attribute("data-item"))
    second_id = int(rows.nth(1).get_attribute("data-item"))
    assert status_of(live_hub, first_id) == "pending"

    page.keyboard.press("j")  # select the first row (review.js marks it and focuses its link)
    assert "current" in (rows.first.get_attribute("class") or "")
    page.keyboard.press("o")  # open it
    page.wait_for_url(re.compile(rf"/review/items/{first_id}\b"))
    page.wait_for_load_state()

    page.keyboard.press("p")  # publish and go to the next item in the queue
    page.wait_for_url(re.compile(rf"/review/items/{second_id}\b"))
    assert page.get_by_role("status").filter(has_text="已发布").is_visible()
    assert status_of(live_hub, first_id) == "published"
    assert status_of(live_hub, second_id) == "pending"
    assert_quiet(page)
