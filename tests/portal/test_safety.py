"""Headers, sanitized bodies, no hot-linked images, safe external links."""
from __future__ import annotations

from hub.db import new_session
from hub.portal.body import IMAGE_LINK_TEXT, render_body
from storage.models import Item
from tests.portal.pagecheck import external_links, page

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def test_strict_csp_and_security_headers_on_every_public_response(client, ids):
    paths = ["/", "/columns/notices", "/units/kecheng", f"/items/{ids['rich']}", "/search?q=通知",
             f"/items/{ids['withdrawn']}", f"/items/{ids['pending']}", "/feeds/all.rss", "/sitemap.xml", "/robots.txt"]
    for path in paths:
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_body_images_become_links_and_external_links_get_rel(client, ids):
    doc = page(client.get(f"/items/{ids['rich']}"))
    assert not doc.xpath("//main//img")
    image_link = doc.xpath(f"//div[@class='item-body']//a[starts-with(., '{IMAGE_LINK_TEXT}')]")[0]
    assert image_link.get("href") == "http://kc.example/images/photo.jpg"
    assert image_link.text_content() == f"{IMAGE_LINK_TEXT}：会议现场"
    links = external_links(doc)
    assert len(links) >= 5  # source, attachment, repost, body link, image link
    for link in links:
        assert link.get("rel") == "noopener noreferrer"


def test_body_is_sanitized_again_at_render(app, client, ids):
    """Even HTML that slipped past extraction cannot run: the render sanitizes again."""
    with new_session(app) as s:
        item = s.get(Item, ids["featured"])
        item.body_html = ('<p onclick="steal()">文字<script>alert(1)</script><a href="javascript:alert(2)">坏链接</a>'
                          '<img src="x" onerror="alert(3)"><a href="http://ok.example/">好链接</a></p>'
                          '<iframe src="http://evil.example/"></iframe>')
        s.commit()
    html = client.get(f"/items/{ids['featured']}").get_data(as_text=True)
    body = html[html.index('class="item-body"'):html.index("</article>")]
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "evil.example", "<img"):
        assert bad not in body
    assert '<a href="http://ok.example/" rel="noopener noreferrer">好链接</a>' in body


def test_render_body_rules():
    assert render_body("") == ""
    nested = render_body('<a href="http://a.example/"><img src="http://a.example/i.png" alt="图"></a>')
    assert nested == '<a href="http://a.example/" rel="noopener noreferrer"><span>［图片：图］</span></a>'
    assert render_body('<p><a href="http://a.example/"></a>空</p>') == "<p>空</p>"
    assert render_body("a &lt;b&gt; c") == "a &lt;b&gt; c"
    assert render_body('<p><img src="data:image/png;base64,xx"></p>') == "<p><span>［图片］</span></p>"
