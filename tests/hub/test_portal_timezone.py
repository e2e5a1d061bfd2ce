"""``portal.timezone`` decides every local day: the hub's times, the search index's
发布日期 keys and date filters, and ``zhanqun search``; on SQLite and PostgreSQL.

The registry says Asia/Urumqi (UTC+6, 新疆时间): an item published at 17:30 UTC
on 20 November is 23:30 on the 20th there, but 01:30 on the 21st in Shanghai."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from sqlalchemy import select

from cli.main import main
from harvestkit.dates import DEFAULT_TIMEZONE
from hub import create_app
from hub import actions
from hub.db import EXTENSION, new_session
from storage import search
from storage.models import Item, ItemColumn, PortalColumn, Unit, User

REGISTRY = """\
portal: {name: 新疆测试门户, timezone: Asia/Urumqi}
columns:
  - {id: notices, name: 通知公告}
units: []
"""
TITLE = "关于冬季供暖安排的通知"


@pytest.fixture
def urumqi(tmp_path, db_url):
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url, "REGISTRY_PATH": str(registry)})
    with new_session(app) as s:
        s.add_all([Unit(id="hami", name="哈密市人民政府", kind="county", homepage="http://hm.example/"),
                   PortalColumn(id="notices", name="通知公告", position=1),
                   User(username="editor", password_hash="-", role="editor")])
        s.flush()
        item = Item(title=TITLE, url="http://hm.example/tzgg/1.html", unit_id="hami", body_html="<p>供暖</p>",
                    body_text="供暖", content_hash="c" * 64,
                    published_at=datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc))
        item.columns = [ItemColumn(column_id="notices")]
        s.add(item)
        s.flush()
        editor = s.scalar(select(User).where(User.username == "editor"))
        actions.publish(s, item, editor)  # indexes it in the app's sessions
        s.commit()
        app.item_id = item.id
    app.registry_path = str(registry)
    yield app
    app.extensions[EXTENSION]["engine"].dispose()


def test_the_hub_takes_the_registry_timezone(urumqi):
    assert urumqi.config["TIMEZONE"] == "Asia/Urumqi"
    assert urumqi.config["PORTAL_NAME"] == "新疆测试门户"


def test_search_days_are_the_portal_days(urumqi):
    with new_session(urumqi) as s:
        on_20th = search.search(s, "供暖", date_from=date(2026, 11, 20), date_to=date(2026, 11, 20))
        on_21st = search.search(s, "供暖", date_from=date(2026, 11, 21), date_to=date(2026, 11, 21))
    assert [h.item_id for h in on_20th.hits] == [urumqi.item_id]
    assert on_21st.hits == []
    client = urumqi.test_client()

    def titles(day: str) -> list[str]:
        doc = lxml_html.fromstring(client.get(f"/search?q=供暖&from={day}&to={day}").get_data(as_text=True))
        return [h.text_content().strip() for h in doc.xpath("//ol[@class='results']//h3")]

    assert titles("2026-11-20") == [TITLE]
    assert titles("2026-11-21") == []
    item_page = client.get(f"/items/{urumqi.item_id}").get_data(as_text=True)
    assert "2026-11-20T23:30:00+06:00" in item_page


def test_the_search_command_takes_the_registry_timezone(urumqi):
    runner = CliRunner()
    common = ["--db", urumqi.config["DATABASE_URL"], "--registry", urumqi.registry_path]
    rebuilt = runner.invoke(main, ["search", "rebuild", *common])
    assert rebuilt.exit_code == 0, rebuilt.output
    out = runner.invoke(main, ["search", "query", "供暖", "--json", "--from", "2026-11-20", "--to", "2026-11-20", *common])
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)["hits"]
    assert [h["item_id"] for h in hits] == [urumqi.item_id]
    assert hits[0]["published_at"] == "2026-11-20T23:30:00+06:00"


def test_without_a_registry_the_default_zone(sqlite_url, tmp_path):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url, "REGISTRY_PATH": str(tmp_path / "none.yaml")})
    try:
        assert app.config["TIMEZONE"] == DEFAULT_TIMEZONE
        assert app.config["PORTAL_NAME"] == app.config["DEFAULT_PORTAL_NAME"]
    finally:
        app.extensions[EXTENSION]["engine"].dispose()
