"""信息检索: highlighted results, counts, filters as labelled form controls, errors in words."""
from __future__ import annotations

from tests.portal.pagecheck import assert_accessible_structure, page, texts


def test_search_shows_highlighted_hits_and_counts(client, ids):
    doc = page(client.get("/search?q=政务公开"))
    assert_accessible_structure(doc)
    assert texts(doc, "//p[@class='result-count']") == ["找到 1 条结果"]
    hit = doc.xpath("//ol[@class='results']/li")[0]
    assert hit.xpath(".//h3/a/@href") == [f"/items/{ids['rich']}"]
    assert hit.xpath(".//h3//mark/text()") == ["政务公开"]
    assert hit.xpath(".//p[@class='snippet']/mark")
    assert "柯城区人民政府" in hit.text_content()


def test_filters_are_form_controls_that_keep_their_values(client, ids):
    doc = page(client.get("/search?q=通知&unit=kecheng&column=notices&from=2026-11-01&to=2026-11-30&sort=newest"))
    assert_accessible_structure(doc)
    form = doc.xpath("//form[@role='search']")[0]
    assert form.xpath(".//select[@name='unit']/option[@selected]/@value") == ["kecheng"]
    assert form.xpath(".//select[@name='column']/option[@selected]/@value") == ["notices"]
    assert form.xpath(".//select[@name='sort']/option[@selected]/@value") == ["newest"]
    assert form.xpath(".//input[@name='from']/@value") == ["2026-11-01"]
    titles = texts(doc, "//ol[@class='results']/li//h3")
    assert titles and all("通知" in t for t in titles)
    assert "江山市政务动态" not in titles
    none = page(client.get("/search?q=通知&unit=jiangshan"))
    assert "没有找到相关信息" in none.text_content()


def test_bad_input_is_explained(client, ids):
    long = page(client.get("/search?q=" + "长" * 150))
    assert "检索词不能超过" in long.xpath("//div[@class='form-errors']")[0].text_content()
    dates = page(client.get("/search?q=通知&from=2026-13-01"))
    assert "起始日期格式不正确" in dates.xpath("//div[@class='form-errors']")[0].text_content()
    order = page(client.get("/search?q=通知&from=2026-12-01&to=2026-11-01"))
    assert "起始日期不能晚于截止日期" in order.text_content()
    empty = page(client.get("/search?q="))
    assert "请输入检索词" in empty.text_content()
    assert not page(client.get("/search")).xpath("//div[@class='form-errors']")


def test_search_pages_through_results(app, client, ids):
    from datetime import datetime, timezone

    from hub.db import new_session
    from storage import search
    from storage.models import Item

    with new_session(app) as s:
        s.add_all([Item(title=f"农业补贴公示{n}", url=f"http://js.example/n/{n}.html", unit_id="jiangshan",
                        status="published", content_hash="f" * 64, body_text="农业补贴",
                        published_at=datetime(2026, 1, 1 + n, tzinfo=timezone.utc)) for n in range(25)])
        s.flush()
        search.rebuild(s)
        s.commit()
    first = page(client.get("/search?q=农业补贴&sort=newest"))
    assert texts(first, "//p[@class='result-count']") == ["找到 25 条结果，第 1 / 2 页"]
    next_link = first.xpath("//nav[@class='pager']//a[@rel='next']/@href")[0]
    assert "page=2" in next_link and "sort=newest" in next_link
    second = page(client.get(next_link))
    assert len(second.xpath("//ol[@class='results']/li")) == 5
    assert second.xpath("//ol[@class='results']/@start") == ["21"]


def test_a_query_in_traditional_characters_finds_the_same_items_on_every_version(app, client, ids):
    """衛生 typed on the 简体 portal (or on 繁體, or in `zhanqun search query`) is searched as 卫生."""
    import json
    from datetime import datetime, timezone

    from click.testing import CliRunner

    from cli.main import main
    from hub.db import new_session
    from storage import counters, search
    from storage.models import Item

    with new_session(app) as s:
        titles = ["市卫健委部署冬季卫生防病工作", "柯城区开展爱国卫生运动", "关于公共卫生服务项目的通知"]
        s.add_all([Item(title=t, url=f"http://kc.example/ws/{n}.html", unit_id="kecheng", status="published",
                        content_hash=f"{n:064d}", body_text=t + "。", body_html=f"<p>{t}。</p>",
                        published_at=datetime(2026, 11, 1 + n, tzinfo=timezone.utc)) for n, t in enumerate(titles)])
        s.flush()
        search.rebuild(s)
        counters.bump(s)
        s.commit()

    def hits(url: str) -> list[str]:
        return page(client.get(url)).xpath("//ol[@class='results']//h3/a/@href")

    simplified = hits("/search?q=卫生")
    assert len(simplified) == 3
    assert hits("/search?q=衛生") == simplified
    assert hits("/search?q=衛生&variant=hant") == [f"{h}?variant=hant" for h in simplified]
    marked = page(client.get("/search?q=衛生")).xpath("//ol[@class='results']//h3//mark/text()")
    assert set(marked) == {"卫生"}  # the match is highlighted as the text has it

    runner = CliRunner()
    out = {q: json.loads(runner.invoke(main, ["search", "query", q, "--json", "--db", app.config["DATABASE_URL"]]).output)
           for q in ("卫生", "衛生")}
    assert [h["item_id"] for h in out["衛生"]["hits"]] == [h["item_id"] for h in out["卫生"]["hits"]]
    assert len(out["衛生"]["hits"]) == 3
