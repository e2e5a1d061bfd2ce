"""Reading portal pages in tests: parsed HTML and the structural rules every page keeps."""
from __future__ import annotations

from lxml import html as lxml_html


def page(response):
    assert response.content_type.startswith("text/html"), response.content_type
    return lxml_html.fromstring(response.get_data(as_text=True))


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


def external_links(doc) -> list:
    return [a for a in doc.xpath(".//a[@href]") if a.get("href").startswith(("http://", "https://"))]


def assert_accessible_structure(doc) -> None:
    """What the WCAG checks of these tests cover without a browser: language,
    one h1, landmarks, skip link, a label for every control, no empty links,
    rel on external links, no inline script or style, images and scripts from the portal only."""
    assert doc.get("lang") in ("zh-CN", "zh-Hant")
    assert len(doc.xpath("//h1")) == 1, texts(doc, "//h1")
    for landmark in ("header", "nav", "main", "footer"):
        assert doc.xpath(f"//{landmark}"), landmark
    skip = doc.xpath("//a[contains(@class, 'skip-link')]")[0]
    assert skip.get("href") == "#main" and doc.xpath("//main[@id='main']")
    for control in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        assert control.get("id") and doc.xpath(f"//label[@for='{control.get('id')}']"), lxml_html.tostring(control)
    for link in doc.xpath("//a[@href]"):
        assert link.text_content().strip(), lxml_html.tostring(link)
    for link in external_links(doc):
        assert set((link.get("rel") or "").split()) >= {"noopener", "noreferrer"}, lxml_html.tostring(link)
    assert not doc.xpath("//style | //*[@style]")
    for img in doc.xpath("//img"):  # the portal's own logo only: nothing hot-linked, an alt always
        assert img.get("src", "").startswith("/") and img.get("alt") is not None, lxml_html.tostring(img)
    for script in doc.xpath("//script"):  # files of the portal's own, never inline
        assert script.get("src", "").startswith("/") and not (script.text or "").strip(), lxml_html.tostring(script)
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
