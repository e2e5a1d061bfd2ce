"""Extraction on the real corpus in ../shared/corpus (beside the project checkout).

Skipped when the corpus is absent, except under CI=true where that is a failure.
"""
import json
import os
from pathlib import Path

import pytest

from harvester.extract import decode_body, extract_page

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"corpus missing at {CORPUS} (required when CI=true)")
        pytest.skip(f"corpus not found at {CORPUS}; put the shared corpus beside the checkout")
    return CORPUS


def _pingtan(corpus):
    files = sorted((corpus / "pingtan-gov-zwgk-archive").rglob("page.expected.derived.json"))
    if not files:
        pytest.fail("no pingtan page.expected.derived.json in the corpus")
    return files


def test_pingtan_detail_matches_expected(corpus):
    for exp_file in _pingtan(corpus):
        exp = json.loads(exp_file.read_text("utf-8"))
        text, _enc = decode_body(exp_file.with_name("page.html").read_bytes())
        r = extract_page(text, exp["url"])
        assert r.title == exp["title"]
        assert r.published_at.strftime("%Y-%m-%d %H:%M") == exp["publish_time"]
        assert r.published_at.utcoffset().total_seconds() == 8 * 3600
        assert r.source == (exp["source_meta_ContentSource"] or exp["source_visible"])
        assert r.column_name == exp["column"]
        base = exp["url"].rsplit("/", 1)[0] + "/"
        assert [(a.url, a.name) for a in r.attachments] == [
            (base + href[2:] if href.startswith("./") else href, name) for href, name in exp["attachments"]]
        assert r.body_text == exp["content_text"]


@pytest.mark.parametrize("rel", [
    "GeneralNewsExtractor/tests/people/1.html",
    "GeneralNewsExtractor/tests/qq/2.html",
    "GeneralNewsExtractor/tests/163/9.html",
])
def test_utf8_pages_with_lying_gb2312_meta(corpus, rel):
    path = corpus / rel
    if not path.exists():
        pytest.fail(f"missing corpus file {rel}")
    text, enc = decode_body(path.read_bytes())
    assert enc == "utf-8"
    assert "\ufffd" not in text


def test_gbk_dataset_pages_decode_strictly(corpus):
    pages = sorted((corpus / "Chinese-Web-Content-Extraction-Dataset" / "original").glob("*.html"))
    assert pages
    bad = []
    for p in pages:
        text, _enc = decode_body(p.read_bytes())
        if text.count("\ufffd") > max(5, len(text) // 1000):
            bad.append(p.name)
    assert not bad


def test_every_corpus_html_page_extracts(corpus):
    pages = sorted(corpus.rglob("*.html"))
    assert len(pages) > 100
    for p in pages:
        text, _ = decode_body(p.read_bytes())
        r = extract_page(text, "https://example.gov.cn/" + p.name)
        assert r.url.endswith(p.name)


def test_quality_floor_on_dataset(corpus):
    """A coarse guard against regressions; bench/extraction.py reports the exact figures."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.extraction import char_f1, date_matches, parse_truth_date

    root = corpus / "Chinese-Web-Content-Extraction-Dataset"
    f1s, ok, n = [], 0, 0
    for p in sorted((root / "original").glob("*.html")):
        text, _ = decode_body(p.read_bytes())
        r = extract_page(text, "http://example.invalid/")
        f1s.append(char_f1(r.body_text, (root / "cleaned" / f"{p.stem}.txt").read_text("utf-8", "replace")))
        truth = parse_truth_date((root / "date" / f"{p.stem}.txt").read_text("utf-8", "replace").strip())
        if truth is not None:
            n += 1
            ok += date_matches(r.published_at, truth)
    assert sum(f1s) / len(f1s) >= 0.85
    assert ok / n >= 0.85


def test_a_branch_office_keeps_its_name_over_a_province_only_contentsource(corpus):
    """nfra.gov.cn's 浙江 branch page: ContentSource "浙江", the info bar 来源：浙江监管局."""
    path = corpus / "nfra.gov.cn" / "tests" / "merged_cells_page_source.html"
    text, _ = decode_body(path.read_bytes())
    r = extract_page(text, "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085")
    assert r.source == "浙江监管局"
    assert r.title == "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）"


@pytest.mark.parametrize("stem, url, title", [
    # <title>…座谈会-中国科普网</title>: a bare hyphen before the site name
    ("4e55eac42f97a6d97d14795891d2e24b715bec8c057c592a81c3d7ca08aafa10", "https://www.kepu.gov.cn/",
     "习近平主持召开深入推进长三角一体化发展座谈会"),
    # <title>新华视界｜…-新华网</title>: the heading shows the title with its bar, not the site name
    ("090704b0cb2e2ae4e435507f38afe591b641a672afa133d7065f48992a444d9b", "http://www.news.cn/",
     "新华视界｜河北遵化：数字农机服务助力农业生产"),
])
def test_titles_lose_the_site_name(corpus, stem, url, title):
    path = corpus / "magic-html" / "benchmark" / "data" / "article" / "htmls" / f"{stem}.html"
    text, _ = decode_body(path.read_bytes())
    assert extract_page(text, url).title == title
