"""Item detection and paging on every page of every fixture of the CMS corpus
(tests/fixtures/cms): what the readers find on each page is exactly what the page lists,
and the paging scheme names every further page.  The harvest of the same corpus over
loopback is tests/harvester/test_cms_corpus.py."""
from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest

from spiders import hanweb_markup, jsonlist, list_detect, pagers
from spiders.list_entry import clean_title
from tests.cmskit import CmsSite, items_of, shortfalls, variants

HTML_VARIANTS = [v for v in variants() if not v.get("dynamic") and v["family"] != "hanweb"]


def page_text(site: CmsSite, path: str, method: str = "GET", body: bytes = b"") -> str:
    route = site.site.routes.get(path) if method == "GET" else None
    status, _, content = route or site.resolve(method, path, body)
    assert status == 200, path
    return content.decode(site.encoding)


def expected(site: CmsSite, page: int) -> list[tuple[str, str, str]]:
    return [(urljoin(site.list_url, it.href), it.title, it.day.isoformat()) for it in site.page_items(page)]


def found(entries) -> list[tuple[str, str, str]]:
    return [(e.url, e.title, (e.date or "")[:10]) for e in entries]


@pytest.fixture(params=HTML_VARIANTS, ids=lambda v: v["id"])
def html_site(request):
    site = CmsSite(request.param)
    yield site
    site.stop()


def test_items_and_paging_of_html_lists(html_site):
    site, variant = html_site, html_site.variant
    shape = None
    for page in range(1, site.pages + 1):
        url = urljoin(site.list_url, site.page_path(page))
        text = page_text(site, site.page_path(page))
        doc = list_detect.parse(text, url)
        entries, shape_here = list_detect.detect_list(doc, url, shape)
        shape = shape or shape_here
        inline, _ = jsonlist.auto_entries(jsonlist.inline_values(text), url)
        got = found(inline if len(inline) > len(entries) else entries)
        want = expected(site, page)
        if variant["id"] == "static-page-param":  # truncated link texts without a title attribute
            want = [(u, clean_title(t[:12] + "…") if len(t) > 14 else t, d) for u, t, d in want]
        assert got == want, (variant["id"], page)
    first = list_detect.parse(page_text(site, variant["list"]), site.list_url)
    paging = pagers.detect(first, site.list_url)
    assert paging.understood and variant["scheme"] in paging.scheme, paging
    further = [urljoin(site.list_url, site.page_path(p)) for p in range(2, site.pages + 1)]
    if paging.scheme == "next link":
        assert paging.next_url == further[0]
    else:
        assert paging.urls == further
        assert paging.declared_pages in (None, site.pages)


@pytest.fixture(params=[v for v in variants() if v.get("dynamic") == "dataproxy"] + [
    v for v in variants() if v["id"] == "hanweb-uid-pagenum"], ids=lambda v: v["id"])
def hanweb_site(request):
    site = CmsSite(request.param)
    yield site
    site.stop()


def test_hanweb_records_form_and_counts(hanweb_site):
    site, variant = hanweb_site, hanweb_site.variant
    text = page_text(site, variant["list"])
    assert found(hanweb_markup.records(text, site.list_url)) == expected(site, 1)
    declared = hanweb_markup.declared(text, site.list_url)
    assert declared.total == len(site.items) and declared.per_page == site.per_page
    assert declared.uid == str(variant["extra"]["uid"])
    if variant.get("dynamic") != "dataproxy":
        page2 = hanweb_markup.pagenum_url(site.list_url, declared.uid, 2)
        assert page2.endswith(site.page_path(2))
        return
    fields = hanweb_markup.form_fields(text)
    assert fields["columnid"] == str(variant["extra"]["columnid"]) and fields["path"] == "/"
    assert fields["unitid"] == str(variant["extra"]["uid"]) and fields["webid"] == str(variant["extra"]["webid"])
    assert hanweb_markup.proxy_url(text, site.list_url) == site.url + variant["proxy"]
    start, end = site.per_page + 1, 2 * site.per_page
    answer = page_text(site, f"{variant['proxy']}?startrecord={start}&endrecord={end}&perpage={site.per_page}", "POST",
                       "&".join(f"{k}={v}" for k, v in fields.items()).encode())
    assert found(hanweb_markup.records(answer, site.list_url)) == expected(site, 2)


@pytest.mark.parametrize("variant", [v for v in variants() if v.get("dynamic") == "jpaas"], ids=lambda v: v["id"])
def test_jpaas_unit_api(variant):
    site = CmsSite(variant)
    try:
        column = hanweb_markup.jpaas_column(page_text(site, variant["list"]), site.list_url)
        assert column.api_url == site.url + "/api-gateway/jpaas-publish-server/front/page/build/unit"
        assert column.query["webId"] == variant["extra"]["web_id"] and column.query["pageId"] == variant["extra"]["page_id"]
        for page in range(1, site.pages + 1):
            query = "&".join(f"{k}={v}" for k, v in column.query.items())
            if page > 1:
                query += "&paramJson=" + json.dumps({"pageNo": page, "pageSize": site.per_page})
            fragment = jsonlist.load(page_text(site, f"/api-gateway/jpaas-publish-server/front/page/build/unit?{query}"))["data"]["html"]
            assert found(list_detect.detect_list(list_detect.parse(fragment, site.list_url), site.list_url)[0]) == expected(site, page)
            assert hanweb_markup.jpaas_counts(fragment) == (site.per_page, len(site.items))
    finally:
        site.stop()


@pytest.mark.parametrize("variant", [v for v in variants() if v.get("dynamic") == "json"], ids=lambda v: v["id"])
def test_json_lists_by_guess_and_by_rules(variant):
    site = CmsSite(variant)
    try:
        for page in range(1, site.pages + 1):
            path = variant["list"].replace(f"{variant['param']}=1", f"{variant['param']}={page}")
            data = jsonlist.load(page_text(site, path))
            assert found(jsonlist.auto_entries(data, site.list_url)[0]) == expected(site, page)
            if variant.get("rules"):
                assert found(jsonlist.rule_entries(data, site.list_url, variant["rules"]["json"])) == expected(site, page)
        assert jsonlist.declared(data, (variant.get("rules") or {}).get("json"))[1] == len(site.items)
    finally:
        site.stop()


def test_shortfall_variants_declare_more_than_they_hold():
    declared = {v["id"]: v for v in shortfalls()}
    assert {v["expect"] for v in declared.values()} == {"partial", "bound"}
    assert all(len(items_of(v)) < (v.get("declared_total") or v.get("declared_pages", 0) * v["per_page"] or 10 ** 6)
               or v["expect"] == "bound" for v in declared.values())


def test_bad_json_and_missing_paths_are_errors():
    with pytest.raises(jsonlist.JsonListError, match="not JSON"):
        jsonlist.load("<html>维护中</html>")
    data = jsonlist.load('cb({"data": {"list": [{"t": "关于开展安全检查的通知", "u": "/a/1.html"}]}});')
    with pytest.raises(jsonlist.JsonListError, match="rules.json.items"):
        jsonlist.rule_entries(data, "http://a.gov.cn/", {"items": "data.rows"})
    with pytest.raises(jsonlist.JsonListError, match="rules.json.title"):
        jsonlist.rule_entries(data, "http://a.gov.cn/", {"items": "data.list", "title": "name", "url": "u"})
    assert found(jsonlist.rule_entries(data, "http://a.gov.cn/", {"items": "data.list", "title": "t", "url": "u"})) == [
        ("http://a.gov.cn/a/1.html", "关于开展安全检查的通知", "")]
