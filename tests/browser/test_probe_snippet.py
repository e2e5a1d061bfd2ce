"""试采 in a real browser under the hub's Content-Security-Policy: an editor probes an
address (a loopback one, which is refused for editors and said so), then shows and copies
the registry snippet with the page's button (static script, no inline code)."""
from __future__ import annotations

import re

from tests.browser.pages import login
from tests.browser.test_review_flow import assert_quiet
from tests.cmskit import CmsSite, variants


def test_probe_form_result_and_snippet_button(live_hub, page):
    site = CmsSite(next(v for v in variants() if v["id"] == "trs-createpage-vars"))
    try:
        login(page, live_hub.url)
        page.goto(f"{live_hub.url}/hub/harvest/")
        page.get_by_role("link", name="试采新栏目").click()
        page.wait_for_url(re.compile(r"/hub/harvest/probe"))
        assert page.get_by_text("只有管理员可以试采这类地址").is_visible()
        page.get_by_label("栏目地址").fill(site.list_url)
        page.get_by_label("来源类型").select_option("trs")
        page.get_by_role("button", name="开始试采").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").filter(has_text="not a public address").is_visible()
        assert not site.site.paths("/xxgk/")
        snippet = page.locator("#snippet")
        assert not snippet.is_visible()
        page.get_by_role("button", name="显示采集配置片段").click()
        assert snippet.is_visible() and "sources:" in snippet.input_value() and "type: trs" in snippet.input_value()
        page.get_by_role("button", name="复制").click()
        page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
        assert_quiet(page)
    finally:
        site.stop()
