"""简/繁 and 纯文字版: same content, same links, another script or no styling."""
from __future__ import annotations

from tests.portal.pagecheck import assert_accessible_structure, page, texts
from tests.portal.seeding import ATTACHMENT_URL, SOURCE_URL


def test_traditional_converts_text_but_not_urls(client, ids):
    response = client.get(f"/items/{ids['rich']}?variant=hant")
    doc = page(response)
    assert_accessible_structure(doc)
    assert doc.get("lang") == "zh-Hant"
    assert texts(doc, "//h1") == ["關於做好2026年政務公開工作的通知 & <重要>"]
    assert "發佈時間" in texts(doc, "//dt") and "原文鏈接" in texts(doc, "//dt")
    source = doc.xpath("//a[@class='source-link']")[0]
    assert source.get("href") == SOURCE_URL and source.text_content() == SOURCE_URL  # 发布 stays 发布 in URLs
    assert ATTACHMENT_URL in doc.xpath("//a/@href")
    body = response.get_data(as_text=True)
    assert "关于做好" not in body  # the title's text is converted…
    assert 'class="source-link"' in body  # …attributes are not
    # internal links keep the version; the switch back is labelled in 简体
    assert f"/items/{ids['rich']}?variant=hant" in doc.xpath("//a/@href")
    back = doc.xpath("//ul[@class='versions']//a[@lang='zh-CN']")[0]
    assert back.text_content() == "简体中文版" and back.get("href") == f"/items/{ids['rich']}"


def test_traditional_switch_keeps_other_arguments(client, ids):
    doc = page(client.get("/columns/notices"))
    switch = doc.xpath("//ul[@class='versions']//a[@lang='zh-Hant']")[0]
    assert switch.get("href") == "/columns/notices?variant=hant"
    search = page(client.get("/search?q=政务&sort=newest"))
    href = search.xpath("//ul[@class='versions']//a[@lang='zh-Hant']/@href")[0]
    assert "q=%E6%94%BF%E5%8A%A1" in href and "sort=newest" in href and "variant=hant" in href


def test_text_only_version_has_the_same_content_without_images_or_styles(client, ids):
    normal = page(client.get(f"/items/{ids['rich']}"))
    text = page(client.get(f"/items/{ids['rich']}?text=1"))
    assert_accessible_structure(text)
    assert not text.xpath("//img | //link[@rel='stylesheet'] | //style | //*[@style]")
    assert normal.xpath("//link[@rel='stylesheet']")
    for sizes in normal.xpath("//p[@class='font-size']"):  # 字号 works through the stylesheet, which 纯文字版 has not
        sizes.drop_tree()
    assert texts(text, "//main") == texts(normal, "//main")
    external = lambda doc: [h for h in doc.xpath("//a/@href") if h.startswith("http")]  # noqa: E731
    assert external(text) == external(normal)
    internal = [h for h in text.xpath("//a/@href") if h.startswith("/") and not h.startswith("/feeds/")]
    switch_back = f"/items/{ids['rich']}"
    assert all("text=1" in h for h in internal if h != switch_back), internal
    home = page(client.get("/?text=1"))
    assert home.xpath("//form[@role='search']//input[@type='hidden'][@name='text'][@value='1']")


def test_search_in_traditional_finds_simplified_text(client, ids):
    doc = page(client.get("/search?q=政務公開&variant=hant"))
    assert f"/items/{ids['rich']}?variant=hant" in doc.xpath("//ol[@class='results']//a/@href")
