"""The portal in Chromium under its real CSP: a favicon, pages that fit a phone
(390×844) without sideways scrolling, and the item page's 字号, 打印 and print layout."""
from __future__ import annotations

PHONE = {"width": 390, "height": 844}


def portal_paths(live_hub) -> list[str]:
    item = live_hub.ids["news1"]
    return ["/", "/columns/zwdt", "/units/qz", f"/items/{item}", f"/items/{item}?size=large",
            "/search?q=%E6%A3%AE%E6%9E%97%E9%98%B2%E7%81%AB", "/search", "/?variant=hant", "/nowhere"]


def test_the_favicon_answers(live_hub, page):
    response = page.request.get(live_hub.url + "/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")


def test_portal_pages_fit_a_phone(live_hub, browser):
    from tests.browser.pages import new_page

    phone = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        for path in portal_paths(live_hub):
            phone.goto(live_hub.url + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} scrolls sideways on a phone: {width} px wide"
        assert not phone.watch.csp_messages() and not phone.watch.page_errors
    finally:
        phone.context.close()


def test_font_size_print_button_and_print_layout(live_hub, page):
    page.goto(f"{live_hub.url}/items/{live_hub.ids['news1']}")
    body_size = "() => parseFloat(getComputedStyle(document.querySelector('.item-body')).fontSize)"
    medium = page.evaluate(body_size)
    button = page.get_by_role("button", name="打印本页")
    assert button.is_visible()  # print.js ran under script-src 'self'
    sizes = page.get_by_role("group", name="字号")
    sizes.get_by_role("link", name="大").click()
    page.wait_for_url("**size=large")
    assert page.evaluate(body_size) > medium * 1.15
    sizes.get_by_role("link", name="小").click()
    page.wait_for_url("**size=small")
    assert page.evaluate(body_size) < medium
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.columns-nav', '.item-tools', '.item-pager', '.band']
        .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)""")
    assert hidden and set(hidden) == {"none"}
    assert page.locator("article h1").is_visible() and page.locator(".item-body").is_visible()
    assert not page.watch.csp_messages() and not page.watch.page_errors and not page.watch.console_errors
