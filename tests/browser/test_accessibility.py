"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA rules) finds no serious or
critical violation on the portal's and the hub's pages, and the keyboard reaches the
content: the first Tab lands on the visible skip link, Enter moves focus to <main>."""
from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from supervision.models import ColumnState, Evidence, Finding, Probe
from tests.browser.pages import login, new_page
from tests.conftest import skip_or_fail

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@lru_cache(maxsize=1)
def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        skip_or_fail("axe-playwright-python (which bundles axe-core) is not installed")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture
def axe_page(browser):
    # bypass_csp for the axe runs only: the pages' policy (script-src 'self') rightly
    # refuses the inline axe-core script this test injects.  The other browser tests
    # keep the real policy.
    page = new_page(browser, bypass_csp=True)
    yield page
    page.context.close()


def violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the current page."""
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def report(url: str, found: list[dict]) -> str:
    """What the page's owner needs to fix each violation."""
    lines = [f"{len(found)} serious/critical axe violation(s) on {url}:"]
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:10]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else None}"
    found = violations(page)
    assert not found, report(url, found)


def test_portal_pages_pass_axe(live_hub, axe_page):
    base, item_id = live_hub.url, live_hub.ids["news1"]
    for path in ("/", "/columns/zwdt", f"/items/{item_id}", f"/items/{item_id}?size=large", "/units/qz", "/?text=1",
                 "/interact/write", "/interact/track", "/interact/", "/topics/"):
        assert_accessible(axe_page, base + path)
    # A results page, with results on it (the 检索 form, the hits and their highlighting).
    assert_accessible(axe_page, f"{base}/search?q=%E6%A3%AE%E6%9E%97%E9%98%B2%E7%81%AB")  # 森林防火
    assert axe_page.locator("main").get_by_role("link", name="衢州市召开森林防火工作部署会").count() >= 1


def supervised(live_hub) -> int:
    """A week of probes, a column state and a finding with evidence, for the 监管 pages."""
    now = datetime.now(timezone.utc)
    with live_hub.session() as s:
        for hour in range(0, 24 * 7, 6):
            for unit in ("qz", "kecheng"):
                s.add(Probe(unit_id=unit, checked_at=now - timedelta(hours=hour), url=f"http://{unit}.example/",
                            ok=unit == "qz" or hour % 4 != 0, http_status=200))
        s.add(ColumnState(source_id="kecheng-notices", unit_id="kecheng", observed_at=now, state="ok", newest="2026-10-01"))
        finding = Finding(unit_id="kecheng", kind="column_stale", subject="kecheng-notices", source_id="kecheng-notices",
                          url="http://kecheng.example/tzgg/", detail="栏目已 60 天未更新", since=now, last_seen=now, open_key="k")
        s.add(finding)
        s.flush()
        s.add(Evidence(finding_id=finding.id, role="first", fetched_at=now, url=finding.url, method="GET", http_status=200,
                       raw_gz=zlib.compress("<html><body>列表</body></html>".encode("utf-8"))))
        s.commit()
        return finding.id


def test_hub_pages_pass_axe(live_hub, axe_page):
    base = live_hub.url
    finding = supervised(live_hub)
    assert_accessible(axe_page, f"{base}/login")
    login(axe_page, base)
    for path in ("/review/", f"/review/items/{live_hub.ids['pending1']}", "/hub/letters/", "/hub/topics/new", "/hub/supervision/",
                 "/hub/supervision/units/kecheng", f"/hub/supervision/findings/{finding}"):
        assert_accessible(axe_page, base + path)


def has_visible_focus(page) -> bool:
    return page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
        return outline || (style.boxShadow && style.boxShadow !== "none");
    }""")


def test_skip_link_is_the_first_tab_stop_and_leads_to_main(live_hub, page):
    page.goto(live_hub.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),"
                            " href: document.activeElement.getAttribute('href')})")
    assert focused == {"tag": "A", "text": "跳到主要内容", "href": "#main"}
    assert has_visible_focus(page), "the focused skip link shows no outline or focus ring"
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["width"] > 0 and box["height"] > 0 and box["top"] >= 0, f"the focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    assert page.evaluate("!!document.activeElement.closest('main')")
    assert has_visible_focus(page), "the first focusable element of main shows no outline or focus ring"


def test_axe_reports_what_it_should(axe_page):
    """The harness itself: a page with a known critical violation is caught."""
    axe_page.set_content('<html lang="zh-CN"><title>t</title><main><img src="data:,"><p>内容</p></main></html>')
    assert [v["id"] for v in violations(axe_page)] == ["image-alt"]
