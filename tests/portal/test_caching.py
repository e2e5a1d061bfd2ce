"""Validators, 304s and the per-counter caches; the portal ignores the hub session."""
from __future__ import annotations

from datetime import timedelta

from werkzeug.http import http_date, parse_date

from hub import actions
from hub.db import new_session
from storage.models import Item, User
from tests.portal.pagecheck import page, texts

PAGES = ("/", "/columns/notices", "/units/kecheng", "/search?q=政务", "/feeds/all.atom", "/feeds/all.rss",
         "/feeds/columns/news.atom", "/sitemap.xml", "/robots.txt")


def _publish(app, item_id: int, action=actions.publish, **kwargs) -> None:
    with new_session(app) as s:
        editor = s.query(User).filter_by(username="editor").one()
        action(s, s.get(Item, item_id), editor, **kwargs)
        s.commit()


def test_pages_and_feeds_carry_validators_and_answer_304(client, ids):
    for path in (*PAGES, f"/items/{ids['rich']}"):
        response = client.get(path)
        assert response.status_code == 200, path
        etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
        assert response.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b"", path
        assert again.headers["ETag"] == etag
        since = client.get(path, headers={"If-Modified-Since": last_modified})
        assert since.status_code == 304, path
        earlier = http_date(parse_date(last_modified) - timedelta(seconds=1))
        assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_versions_of_a_page_have_their_own_etag(client, ids):
    tags = {client.get(path).headers["ETag"] for path in ("/", "/?variant=hant", "/?text=1", "/?variant=hant&text=1")}
    assert len(tags) == 4


def test_errors_have_no_validators(client, ids):
    for path in (f"/items/{ids['pending']}", f"/items/{ids['withdrawn']}", "/columns/nope"):
        response = client.get(path)
        assert response.status_code in (404, 410) and "ETag" not in response.headers


def test_a_publish_changes_etags_and_the_cached_home_page(app, client, ids):
    client.get("/")  # the promotion of the overdue item happens on the first visit
    before = client.get("/")
    feed_before = client.get("/feeds/all.atom").headers["ETag"]
    assert "江山市政务动态" in before.get_data(as_text=True)
    pending_title = "关于秘密待审通知的公告"
    assert pending_title not in before.get_data(as_text=True)

    _publish(app, ids["pending"], confirm_sensitive=True)

    conditional = client.get("/", headers={"If-None-Match": before.headers["ETag"]})
    assert conditional.status_code == 200  # the counter moved: the old ETag no longer matches
    assert conditional.headers["ETag"] != before.headers["ETag"]
    block = page(conditional).xpath("//section[@class='column-block'][.//h2//text()='通知公告']")[0]
    assert pending_title in texts(block, ".//li/a")  # the cached column fragment was rebuilt
    assert client.get("/feeds/all.atom").headers["ETag"] != feed_before
    assert client.get(f"/items/{ids['pending']}").status_code == 200

    _publish(app, ids["pending"], action=actions.unpublish, reason="信息有误")
    assert client.get(f"/items/{ids['pending']}").status_code == 410
    assert pending_title not in client.get("/").get_data(as_text=True)


def test_an_edit_updates_the_site_navigation_fragment_and_item_page(app, client, ids):
    client.get("/")
    item_page = client.get(f"/items/{ids['published']}")
    _publish(app, ids["published"], action=actions.edit, title="江山市政务动态（更正）")
    assert "江山市政务动态（更正）" in client.get("/").get_data(as_text=True)
    updated = client.get(f"/items/{ids['published']}", headers={"If-None-Match": item_page.headers["ETag"]})
    assert updated.status_code == 200 and "江山市政务动态（更正）" in updated.get_data(as_text=True)


def test_portal_ignores_the_hub_session(app, ids):
    from tests.hub.conftest import logged_in

    editor = logged_in(app, "editor")
    anonymous = app.test_client()
    seen = editor.get("/")
    assert seen.status_code == 200
    assert "Set-Cookie" not in seen.headers and "Cookie" not in seen.headers.get("Vary", "")
    assert seen.get_data() == anonymous.get("/").get_data()
    assert seen.headers["ETag"] == anonymous.get("/").headers["ETag"]
    assert "退出登录" not in seen.get_data(as_text=True)
    # the hub still works for the same browser
    assert editor.get("/review/").status_code == 200


def test_head_answers_like_get_without_a_body(client, ids):
    head = client.head(f"/items/{ids['rich']}")
    assert head.status_code == 200 and head.get_data() == b""
    get = client.get(f"/items/{ids['rich']}")
    assert get.headers["ETag"] == head.headers["ETag"]
    assert "政务公开" in get.get_data(as_text=True)  # the cached copy kept the body


def test_pages_are_kept_until_the_next_publish_unless_the_page_cache_is_off(app, client, ids):
    from hub.portal.cache import portal_state

    def counter_of(response) -> int:
        return int(response.headers["ETag"].strip('"')[1:].split("-")[0])

    key = ("http://localhost/", "/columns/notices", ())
    with app.app_context():
        pages = portal_state().pages
    first = client.get("/columns/notices")
    assert pages.get(counter_of(first), key)[2] == first.get_data()

    app.config["PORTAL_PAGE_CACHE"] = False  # a CDN in front, or bench/portal.py measuring rendering
    _publish(app, ids["pending"], confirm_sensitive=True)
    fresh = client.get("/columns/notices")
    assert fresh.status_code == 200 and "关于秘密待审通知的公告" in fresh.get_data(as_text=True)
    assert client.get("/columns/notices", headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304
    assert counter_of(fresh) != counter_of(first) and pages.get(counter_of(fresh), key) is None


def test_a_cached_page_costs_one_statement_outside_any_transaction(any_db_app):
    """Most portal requests are answered from the page cache (or 304): the content
    counter is all they read.  On PostgreSQL a read inside a transaction would be
    three round trips (BEGIN, the read, the pool's ROLLBACK); the counter is read in
    autocommit, so the server sees the statement alone, no transaction around it."""
    from sqlalchemy import event

    from hub.db import EXTENSION

    engine = any_db_app.extensions[EXTENSION]["engine"]
    client = any_db_app.test_client()
    seen: list[tuple[str, bool]] = []

    def after(conn, _cursor, statement, _params, _context, _many) -> None:
        dbapi = conn.connection.dbapi_connection
        in_transaction = (dbapi.info.transaction_status != dbapi.info.transaction_status.IDLE
                          if engine.dialect.name == "postgresql" else dbapi.in_transaction)
        seen.append((statement, in_transaction))

    for path in PAGES[:3] + ("/sitemap.xml",):
        first = client.get(path)
        assert first.status_code == 200
        event.listen(engine, "after_cursor_execute", after)
        try:
            again = client.get(path)
            not_modified = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        finally:
            event.remove(engine, "after_cursor_execute", after)
        assert again.get_data() == first.get_data() and not_modified.status_code == 304
        assert len(seen) == 2 and all("counters" in statement for statement, _ in seen), (path, seen)
        assert not any(in_transaction for _, in_transaction in seen), (path, seen)
        seen.clear()
