"""Stored XSS: a sub-site serves pages full of script-injection payloads; a real
harvest stores them (``review: auto``, so they go public at once); then Chromium
opens the portal's pages and the hub's review page, hovers and clicks what is in
the article, and nothing runs: no ``window.__xss``, no dialog, and the DOM holds
no script, no event-handler attribute and no javascript: URL.

The pages keep their real Content-Security-Policy (no ``bypass_csp`` here): the
policy is part of the defence.  But the test also shows that the stored HTML is
clean by itself, so the policy is the second line, not the only one.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from storage.models import Item
from tests.browser.hostile_site import HOSTILE_TITLE, REFRESH_TITLE, hostile_registry, hostile_routes
from tests.browser.livehub import LiveHub, dispose, make_app, seed, serve
from tests.browser.pages import login, new_page
from tests.sitekit import Site

ROOT = Path(__file__).resolve().parents[2]
# Typed into a search box or a queue filter, and shown back on the results page.
REFLECTED = "\"'><script>window.__xss=60</script><img src=x onerror=window.__xss=61>专项"

# Everything a payload could leave behind in the DOM, as a list of findings.
DOM_FINDINGS = """
([selector, strict]) => {
  const found = [];
  const scope = document.querySelector(selector);
  if (!scope) return ["no element matches " + selector];
  const squash = (v) => v.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]+/g, "").toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = squash(attr.value);
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (/(javascript|vbscript|livescript):/.test(value)) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background"].includes(name)
          && value.startsWith("data:")) found.push(`${el.tagName} ${name}=${attr.value}`);
    }
    if (el.tagName === "SCRIPT" && !el.src) found.push("inline <script>: " + el.textContent.slice(0, 80));
    if (el.tagName === "SCRIPT" && el.src && new URL(el.src).origin !== location.origin) found.push("foreign script " + el.src);
    if (el.tagName === "META" && (el.httpEquiv || "").toLowerCase() === "refresh") found.push("meta refresh");
    if (el.tagName === "BASE") found.push("base " + el.getAttribute("href"));
  }
  let banned = "script, iframe, frame, object, embed, svg, math, style, link, meta, base, template, noscript, "
    + "video, audio, source, details, marquee";
  if (strict) banned += ", form, input, button, select, textarea";  // an article body has no controls
  for (const el of scope.querySelectorAll(banned)) found.push(`<${el.tagName.toLowerCase()}> inside ${selector}`);
  return found;
}
"""

# Hover everything in the article, click what does not leave for another origin.
POKE = """
(selector) => {
  const clicked = [];
  const scope = document.querySelector(selector);
  for (const el of scope.querySelectorAll("*")) {
    for (const type of ["mouseover", "mouseenter", "focus", "toggle"]) el.dispatchEvent(new Event(type));
  }
  for (const el of scope.querySelectorAll("a, button, summary, input, area, [tabindex]")) {
    const href = el.getAttribute("href");
    if (href && new URL(href, location.href).origin !== location.origin) continue;  // off-site: not followed
    el.click();
    clicked.push(el.outerHTML.slice(0, 80));
  }
  return clicked;
}
"""


def harvest(registry: Path, db_url: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url,
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    try:
        return json.loads(proc.stdout)["sources"][0]
    except ValueError:
        pytest.fail(f"the harvest printed no JSON report:\n{proc.stdout[-1000:]}\n{proc.stderr[-2000:]}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, hub_template):
    """The live hub after a real harvest of the hostile site: (hub, harvest outcome, items by title)."""
    tmp = tmp_path_factory.mktemp("xss")
    site = Site(hostile_routes())
    app = make_app(tmp, hub_template)
    try:
        ids = seed(app)
        outcome = harvest(hostile_registry(tmp, site), app.config["DATABASE_URL"])
        with serve(app) as url:
            hub = LiveHub(url=url, app=app, ids=ids)
            with hub.session() as s:
                items = {i.title: i for i in s.scalars(select(Item).where(Item.unit_id == "hostile"))}
                s.expunge_all()
            yield hub, outcome, items
    finally:
        site.stop()
        dispose(app)


def hostile_item(hostile) -> Item:
    _, outcome, items = hostile
    assert HOSTILE_TITLE in items, f"the hostile page was not stored: {outcome}; stored: {list(items)}"
    return items[HOSTILE_TITLE]


def assert_stored_clean(item: Item) -> None:
    html = item.body_html.lower()
    assert "第一段" in html and "第三段" in html, "the ordinary text of the page survives"
    assert "<script" not in html and "javascript:" not in html and "vbscript:" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html), "an event-handler attribute is stored"
    assert not re.search(r"\b(href|src|action|formaction|data)\s*=\s*[\"']?\s*data:", html)
    for tag in ("iframe", "svg", "math", "style", "form", "object", "embed", "meta", "base", "link", "template"):
        assert f"<{tag}" not in html, f"<{tag}> is stored"
    for link in item.attachments:
        assert link["url"].startswith(("http://", "https://")), link


def test_stored_html_is_clean(hostile):
    item = hostile_item(hostile)
    assert item.status == "published"  # review: auto, nothing sensitive: it went public at once
    assert_stored_clean(item)
    # The title and the 来源 are plain text: kept as the page had them, escaped when shown.
    assert "<script>" in item.title
    assert "onerror" in item.source_text


def test_page_with_a_javascript_refresh_is_harvested_and_clean(hostile):
    """A ``<meta http-equiv=refresh content="0;url=javascript:...">`` is not followed: the page is stored."""
    _, outcome, items = hostile
    assert REFRESH_TITLE in items, f"the page with a javascript: refresh was not stored: {outcome}"
    assert_stored_clean(items[REFRESH_TITLE])


def check_page(page, url: str, selector: str, poke: str | None = None) -> None:
    """Open ``url``, hover and click inside ``poke`` (the article body), and assert that
    nothing ran and that the document, and ``selector`` strictly, hold nothing active."""
    page.goto(url)
    if poke:
        assert page.evaluate(POKE, poke) is not None
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
    assert page.url.split("#")[0] == url, f"the page navigated away to {page.url}"
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("window.__xss")
    assert page.watch.dialogs == []
    assert not page.watch.page_errors, page.watch.page_errors
    findings = page.evaluate(DOM_FINDINGS, [selector, poke is not None])
    assert findings == [], "\n".join(findings)


def test_portal_pages_run_no_payload(hostile, browser):
    hub, _, _ = hostile
    item = hostile_item(hostile)
    page = new_page(browser)
    try:
        for variant in ("?variant=hant", "?text=1", ""):
            check_page(page, f"{hub.url}/items/{item.id}{variant}", ".item-body", poke=".item-body")
        assert page.locator("article h1").inner_text().strip() == HOSTILE_TITLE  # the <script> shows as text
        for path in ("/", "/columns/tzgg", "/units/hostile", "/search?q=%E4%B8%93%E9%A1%B9"):
            check_page(page, hub.url + path, "main")
            assert page.get_by_text(HOSTILE_TITLE).count() >= 1, f"{path} lists the item"
        check_page(page, f"{hub.url}/search?q={quote(REFLECTED)}", "main")
        assert page.locator("main input[name=q]").first.input_value() == REFLECTED  # shown back as text
    finally:
        page.context.close()


def test_hub_review_page_runs_no_payload(hostile, browser):
    hub, _, _ = hostile
    item = hostile_item(hostile)
    page = new_page(browser)
    try:
        login(page, hub.url)
        check_page(page, f"{hub.url}/review/items/{item.id}", ".body-html", poke=".body-html")
        assert page.locator("article h1").inner_text().strip() == HOSTILE_TITLE
        check_page(page, f"{hub.url}/review/?status=all", "table.queue")
        assert page.get_by_role("link", name=HOSTILE_TITLE).count() == 1
        check_page(page, f"{hub.url}/review/?status=all&q={quote(REFLECTED)}", "main")
        assert page.get_by_label("标题含").input_value() == REFLECTED
    finally:
        page.context.close()
