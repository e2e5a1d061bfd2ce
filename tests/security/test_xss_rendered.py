"""Stored XSS, proven in the browser: a hostile sub-site publishes every payload of
tests/security/xss_payloads.py (titles, 来源, bodies, image alt/src, attachment names and
addresses, page addresses, a feed's titles, authors and content); a real harvest stores
them (``review: auto``: public at once); Chromium opens every page that shows them on the
portal (item pages in 简, 繁 and 纯文字版, column, unit and home pages, search results,
the feeds) and in the hub (the 审核 queue, every item's review page, the harvest pages),
hovers, focuses and clicks what is in the article, and nothing runs.

A hooked global proves it: an init script defines ``__hit(n)``, which every payload calls
if it runs, pushing ``n`` onto ``window.__xss``; dialogs and popups are recorded; anything
under the site's ``/canary/`` (CSS, images, stylesheets, frames) must never be requested
by the browser.  Every page is checked twice: with the real Content-Security-Policy, and
with the policy switched off in the browser (``bypass_csp``), which shows that the
sanitizer alone holds.  A control injected at run time shows the hook would see an
execution, and that the policy alone blocks one.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from storage.models import Item
from tests.browser.chromium import chromium
from tests.browser.livehub import LiveHub, dispose, make_app, make_template, seed, serve
from tests.browser.pages import login, new_page
from tests.browser.test_stored_xss import POKE, harvest
from tests.security import xss_site
from tests.security.xss_payloads import payloads
from tests.sitekit import Site

HOOK = """
window.__xss = [];
window.__hit = function (n) { window.__xss.push(String(n)); };
"""
# Run after a page is poked: one animation frame and one task, for the events it queued.
SETTLE = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"
CONTROL = """() => new Promise(done => {
  const img = document.createElement("img");
  img.setAttribute("onerror", "__hit('control')");
  img.addEventListener("error", () => setTimeout(done, 0));
  img.src = "/no-such-picture.png";
  document.body.append(img);
})"""
# What a payload could leave active in the DOM: handler attributes, script-capable URLs in
# attributes that take URLs, and (in ``scope``, the article) elements an article never needs.
DOM_FINDINGS = """
([selector, strict]) => {
  const found = [];
  const scope = document.querySelector(selector);
  if (!scope) return ["no element matches " + selector];
  const URL_ATTRS = ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster",
                     "srcset", "ping", "cite", "lowsrc", "dynsrc", "codebase"];
  const squash = (v) => v.replace(/[\\u0000-\\u0020\\u007f-\\u00a0]+/g, "").toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = squash(attr.value);
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}=${attr.value}`);
      if (URL_ATTRS.includes(name) && /^(javascript|vbscript|livescript|data):/.test(value))
        found.push(`${el.tagName} ${name}=${attr.value}`);
      if (name === "style") found.push(`${el.tagName} style=${attr.value}`);  // no page of ours has one
    }
    if (el.tagName === "SCRIPT" && !el.src) found.push("inline <script>: " + el.textContent.slice(0, 80));
    if (el.tagName === "SCRIPT" && el.src && new URL(el.src).origin !== location.origin) found.push("foreign script " + el.src);
    if (el.tagName === "META" && (el.httpEquiv || "").toLowerCase() === "refresh") found.push("meta refresh");
    if (el.tagName === "BASE") found.push("base " + el.getAttribute("href"));
    if (["IFRAME", "FRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(`<${el.tagName.toLowerCase()}>`);
  }
  let banned = "svg, math, style, link, meta, template, noscript, video, audio, source, picture, details, marquee, img";
  if (strict) banned += ", form, input, button, select, textarea";  // an article body has no controls
  for (const el of scope.querySelectorAll(banned)) {
    if (el.tagName === "IMG" && new URL(el.src, location.href).origin === location.origin) continue;  // loaded via the hub
    if (el.matches("details.run-detail")) continue;  // the harvest page's own fold of a run's errors
    found.push(`<${el.tagName.toLowerCase()}> inside ${selector}`);
  }
  return found;
}
"""
SEARCHES = ("专项", "载荷", "订阅", "script", "onerror", "img", "svg", "hit", "javascript", "alert", "iframe")
FEEDS = ("/feeds/all.atom", "/feeds/all.rss", "/feeds/columns/tzgg.atom", "/feeds/units/hostile-feed.rss",
         "/feeds/units/hostile.atom")
FIGURES = {"pages": 0, "executions": 0, "dialogs": 0, "popups": 0, "canary_requests": 0}


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    """The live hub after a real harvest of the hostile site: (hub, site, payloads, hostile items)."""
    tmp = tmp_path_factory.mktemp("xss-proof")
    site = Site({})
    placed = payloads(site.url + "/canary")
    layout = xss_site.build(site, placed)
    # Static files cached by the browser (no revalidation per page): the pages load faster.
    app = make_app(tmp, make_template(tmp), SEND_FILE_MAX_AGE_DEFAULT=3600)
    try:
        ids = seed(app)
        outcome = harvest(xss_site.registry(tmp, site), app.config["DATABASE_URL"])
        with serve(app) as url:
            hub = LiveHub(url=url, app=app, ids=ids)
            with hub.session() as s:
                items = s.scalars(select(Item).where(Item.unit_id.in_(["hostile", "hostile-feed"]))).all()
                s.expunge_all()
            site.reset()
            yield hub, site, placed, items, {**layout, "harvest": outcome}
    finally:
        site.stop()
        dispose(app)


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def test_every_payload_is_harvested_stored_and_published(federation):
    _, _, placed, items, layout = federation
    assert len(items) == layout["list_pages"] + layout["feed_entries"], layout["harvest"]
    assert {i.status for i in items} == {"published"}
    titles = {i.title for i in items}
    sources = {i.source_text for i in items}
    text = "\n".join(i.body_text for i in items)
    names = {a.get("name") for i in items for a in i.attachments}
    for p in placed:
        if p.place in ("title", "feed-title"):
            assert any(f"({p.n})" in t for t in titles), p  # every one calls __hit(n) or alert(n)
        elif p.place in ("source", "feed-author"):
            assert any(s and s[:10] in p.markup for s in sources), p  # cut to the 来源 length, trimmed
        elif p.place != "url":
            assert p.marker in text, f"payload {p.n} ({p.kind}) did not reach the store"
    assert sum(f"__hit({p.n})" in (n or "") for n in names for p in placed if p.place == "attachment") >= 4
    for item in items:
        assert stored_findings(item.body_html) == [], item.title


ALLOWED_STORED = {"div", "p", "br", "span", "a", "img", "table", "thead", "tbody", "tr", "td", "th", "ul", "ol", "li",
                  "strong", "b", "em", "i", "u", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
                  "sub", "sup", "hr"}


def stored_findings(body_html: str) -> list[str]:
    """What a stored body holds beyond the extraction allowlist: tags, handlers, script URLs."""
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in ALLOWED_STORED:
            found.append(f"<{el.tag}>")
            continue
        for name, value in el.attrib.items():
            squashed = re.sub(r"[\x00-\x20]+", "", value).lower()
            if name.lower().startswith("on") or name not in {"href", "src", "alt", "title", "rel", "colspan", "rowspan"}:
                found.append(f"<{el.tag} {name}>")
            if name in ("href", "src") and not squashed.startswith(("http://", "https://", "mailto:", "ftp://")):
                found.append(f"<{el.tag} {name}={value}>")
    return found


def open_page(browser, bypass_csp: bool):
    page = new_page(browser, bypass_csp=bypass_csp)
    page.context.add_init_script(HOOK)
    page.popups = []
    page.context.on("page", lambda popup: page.popups.append(popup.url))
    return page


def visit(page, url: str, scope: str | None = "main", poke: str | None = None) -> None:
    """Open ``url``, poke inside ``poke``, and assert that nothing ran and nothing active is left."""
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)
    if poke:
        page.evaluate(POKE, poke)
        page.keyboard.press("Tab")
    page.evaluate(SETTLE)
    FIGURES["pages"] += 1
    hits = page.evaluate("window.__xss")
    FIGURES["executions"] += len(hits)
    FIGURES["dialogs"] += len(page.watch.dialogs)
    FIGURES["popups"] += len(page.popups)
    assert hits == [], (url, hits)
    assert page.watch.dialogs == [] and page.popups == [], (url, page.watch.dialogs, page.popups)
    assert page.url.split("#")[0] == url, f"{url} navigated away to {page.url}"
    if scope:
        findings = page.evaluate(DOM_FINDINGS, [scope, poke is not None])
        assert findings == [], f"{url}:\n" + "\n".join(findings)


def check_control(page, base: str, bypass_csp: bool) -> None:
    """An inline handler added at run time: seen by the hook without the policy, blocked with it."""
    page.goto(base + "/")
    page.evaluate(CONTROL)
    assert page.evaluate("window.__xss") == (["control"] if bypass_csp else [])
    if not bypass_csp:
        assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))


def assert_no_canary(site: Site) -> None:
    FIGURES["canary_requests"] += len(site.hits)
    assert site.hits == [], [h.path for h in site.hits]  # the browser asked the hostile site for nothing


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_no_payload_runs_on_the_portal(federation, browser, csp):
    hub, site, _, items, _ = federation
    page = open_page(browser, bypass_csp=csp == "bypassed")
    try:
        check_control(page, hub.url, csp == "bypassed")
        for item in items:
            for variant in ("", "?variant=hant", "?text=1"):
                visit(page, f"{hub.url}/items/{item.id}{variant}", ".item-body", poke=".item-body")
        for path in ("/", "/columns/tzgg", "/columns/tzgg?page=2", "/units/hostile", "/units/hostile-feed"):
            visit(page, hub.url + path)
        for query in SEARCHES:
            visit(page, f"{hub.url}/search?q={quote(query)}")
        for path in FEEDS:
            visit(page, hub.url + path, scope=None)
        assert_no_canary(site)
    finally:
        page.context.close()


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_no_payload_runs_in_the_hub(federation, browser, csp):
    hub, site, _, items, _ = federation
    page = open_page(browser, bypass_csp=csp == "bypassed")
    try:
        login(page, hub.url)
        visit(page, f"{hub.url}/review/?status=all", "table.queue")
        for item in items:
            visit(page, f"{hub.url}/review/items/{item.id}", ".body-html", poke=".body-html")
        for path in ("/hub/harvest/", "/hub/harvest/sources/hostile-list", "/hub/harvest/sources/hostile-feed"):
            visit(page, hub.url + path)
        assert_no_canary(site)
    finally:
        page.context.close()


def test_figures(federation):
    """The proof's figures (run with -s to see them): payloads, page loads, executions."""
    _, _, placed, items, _ = federation
    print(f"\nXSS proof: {len(placed)} payloads in {len(items)} harvested items; {FIGURES['pages']} page loads "
          f"in Chromium (with and without the CSP); executions {FIGURES['executions']}, dialogs {FIGURES['dialogs']}, "
          f"popups {FIGURES['popups']}, canary requests {FIGURES['canary_requests']}")
    assert len(placed) >= 100
    assert FIGURES["pages"] >= 200
    assert FIGURES["executions"] == FIGURES["dialogs"] == FIGURES["popups"] == FIGURES["canary_requests"] == 0
