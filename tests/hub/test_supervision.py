"""监管 in the real hub and over the API: the overview with its freshness table and SVG
charts under the strict CSP, a unit's page with history and evidence, past dates, and who
may see what (editors everything, a reporter their own unit, nobody without signing in)."""
from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hub.db import new_session
from storage.models import AuditEntry, HarvestRun, Item, ItemSource
from supervision.models import ColumnState, Evidence, Finding, Probe
from tests.hub.test_api import bearer, give_token

NOW = datetime.now(timezone.utc)
TODAY = NOW.astimezone(ZoneInfo("Asia/Shanghai")).date()
SOFT_404 = "<html><head><title>页面不存在</title></head><body><p>您访问的页面不存在或已被删除</p></body></html>"


@pytest.fixture
def watched(app):
    """A week of checks: jiangshan's homepage fails 15 times (a veto), kecheng has a stale column
    and a dead link that was fixed yesterday."""
    with new_session(app) as s:
        for hour in range(0, 24 * 6, 2):
            at = NOW - timedelta(hours=hour)
            s.add(Probe(unit_id="kecheng", checked_at=at, url="http://kc.example/", ok=True, http_status=200,
                        latency_ms=120, newest=(TODAY - timedelta(days=3)).isoformat(), dated_links=8))
            s.add(Probe(unit_id="jiangshan", checked_at=at, url="http://js.example/", ok=hour >= 30,
                        http_status=200 if hour >= 30 else None, error=None if hour >= 30 else "连接超时"))
        s.add(ColumnState(source_id="kecheng-notices", unit_id="kecheng", observed_at=NOW - timedelta(days=6), state="ok",
                          newest=(TODAY - timedelta(days=40)).isoformat(), entries=20))
        s.add(ColumnState(source_id="jiangshan-news", unit_id="jiangshan", observed_at=NOW - timedelta(days=6),
                          state="broken", note="rules may be broken (site redesign?)"))
        stale = Finding(unit_id="kecheng", kind="column_stale", subject="kecheng-notices", source_id="kecheng-notices",
                        url="http://kc.example/tzgg/", detail="栏目 kecheng-notices（通知公告） 已 40 天未更新",
                        data={"days": 40}, since=NOW - timedelta(days=6), last_seen=NOW, open_key="k1")
        link = Finding(unit_id="kecheng", kind="broken_link", subject="homepage http://kc.example/zt/", url="http://kc.example/zt/",
                       detail="首页链接“专题”不可用：错误页面", data={"scope": "homepage"}, since=NOW - timedelta(days=5),
                       last_seen=NOW - timedelta(days=1), status="closed", closed_at=NOW - timedelta(days=1), close_note="链接已恢复可用")
        down = Finding(unit_id="jiangshan", kind="site_unreachable", subject="homepage", url="http://js.example/",
                       detail="首页无法访问：连接超时", since=NOW - timedelta(days=2), last_seen=NOW, open_key="j1")
        s.add_all([stale, link, down])
        # Three items harvested 1, 2 and 10 hours after publication, published on the portal 3, 4 and 30 hours after.
        s.add(HarvestRun(source_id="kecheng-notices", status="ok", started_at=NOW - timedelta(days=10)))
        for n, (harvested, approved) in enumerate(((1, 3), (2, 4), (10, 30))):
            published = NOW - timedelta(days=2, hours=n)
            item = Item(title=f"时延{n}", url=f"http://kc.example/tzgg/l{n}.html", unit_id="kecheng", published_at=published,
                        status="published", content_hash=f"{n:064d}")
            s.add(item)
            s.flush()
            s.add(ItemSource(item_id=item.id, source_id="kecheng-notices", unit_id="kecheng", url=item.url, is_primary=True,
                             published_at=published, first_seen=published + timedelta(hours=harvested)))
            s.add(AuditEntry(username="editor", action="publish", item_id=item.id, created_at=published + timedelta(hours=approved)))
        s.flush()
        s.add(Evidence(finding_id=link.id, role="first", fetched_at=link.since, url=link.url, method="GET", http_status=200,
                       note="错误页面", content_type="text/html; charset=utf-8", raw_gz=zlib.compress(SOFT_404.encode("utf-8"))))
        s.commit()
        return {"stale": stale.id, "link": link.id, "down": down.id}


def test_the_overview_shows_verdicts_freshness_and_charts(editor, watched):
    response = editor.get("/hub/supervision/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert not re.search(r"\sstyle=", page) and "<script" not in page  # nothing the CSP would block
    row = page[page.index('id="unit-jiangshan"'):]
    row = row[:row.index("</tr>")]
    assert "不合格" in row and "站点无法访问" in row and "失败 15 次" in row  # 15 failed probes in the week: the veto
    row = page[page.index('id="unit-kecheng"'):]
    row = row[:row.index("</tr>")]
    assert "合格" in row and "栏目不更新 1" in row and ">98<" in row.replace(" ", "")
    assert "40 天（限 14 天）" in page and 'class="fresh-stale"' in page and "采集异常（无法判定）" in page
    assert page.count("<svg") == 2 and "各单位每月更新信息数" in page and "首页可用率" in page
    assert editor.get("/hub/supervision/?at=2999-01-01").status_code == 200  # a future date: told, shown today


def test_a_unit_page_keeps_history_and_evidence(editor, watched):
    two_days_ago = (TODAY - timedelta(days=2)).isoformat()
    page = editor.get(f"/hub/supervision/units/kecheng?at={two_days_ago}").get_data(as_text=True)
    assert "首页链接“专题”不可用" in page and "链接不可用 −1" in page  # open then, fixed since
    today = editor.get("/hub/supervision/units/kecheng").get_data(as_text=True)
    assert "链接不可用 −1" not in today and "栏目不更新 −2" in today and "已消除" in today
    assert "每月结论" in today and today.count("<svg") == 2
    finding = editor.get(f"/hub/supervision/findings/{watched['link']}").get_data(as_text=True)
    assert "链接已恢复可用" in finding and "下载原始页面" in finding and "您访问的页面不存在或已被删除" in finding
    raw = editor.get(re.search(r'href="(/hub/supervision/evidence/\d+/raw)"', finding).group(1))
    assert raw.status_code == 200 and raw.data.decode("utf-8") == SOFT_404
    assert raw.headers["Content-Disposition"].startswith("attachment") and "sandbox" in raw.headers["Content-Security-Policy"]
    only_links = editor.get("/hub/supervision/units/kecheng?kind=broken_link").get_data(as_text=True)
    assert "问题记录（1）" in only_links


def test_who_sees_what(client, reporter, editor, watched):
    assert client.get("/hub/supervision/").status_code == 302  # sign in first
    response = reporter.get("/hub/supervision/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/hub/supervision/units/kecheng")
    assert reporter.get("/hub/supervision/units/kecheng").status_code == 200
    assert reporter.get("/hub/supervision/units/jiangshan").status_code == 403
    assert reporter.get(f"/hub/supervision/findings/{watched['down']}").status_code == 403
    assert reporter.get(f"/hub/supervision/findings/{watched['stale']}").status_code == 200
    assert reporter.post("/hub/supervision/units/kecheng/check").status_code in (400, 403)
    assert editor.get("/hub/supervision/units/nowhere").status_code == 404


def test_the_api_gives_the_status_and_the_findings(client, app, watched):
    editor_h, reporter_h = bearer(give_token(app, "editor")), bearer(give_token(app, "reporter"))
    assert client.get("/api/v1/supervision/status").status_code == 401
    doc = client.get("/api/v1/supervision/status", headers=editor_h).get_json()
    units = {u["id"]: u for u in doc["units"]}
    assert doc["at"] == TODAY.isoformat() and set(units) == {"kecheng", "jiangshan"}
    assert units["jiangshan"]["verdict"] == "不合格" and units["jiangshan"]["vetoes"] == ["site_unreachable"]
    kecheng = units["kecheng"]
    assert (kecheng["verdict"], kecheng["score"]) == ("合格", 98)
    assert [(f["kind"], f["source_id"], f["status"]) for f in kecheng["findings"]] == [("column_stale", "kecheng-notices", "open")]
    assert kecheng["freshness"][0] | {"days": 40} == kecheng["freshness"][0]
    latency = kecheng["latency"]
    assert (latency["median_hours"], latency["p90_hours"], latency["items"]) == (2.0, 10.0, 3)
    assert (latency["to_portal"]["median_hours"], latency["to_portal"]["p90_hours"]) == (4.0, 30.0)
    past = client.get(f"/api/v1/supervision/status?at={(TODAY - timedelta(days=2)).isoformat()}&unit=kecheng",
                      headers=editor_h).get_json()
    assert [f["kind"] for f in past["units"][0]["findings"]] == ["broken_link", "column_stale"] and past["units"][0]["score"] == 97
    for bad in ("?at=2026-13-01", "?at=2999-01-01", "?unit=nowhere"):
        assert client.get(f"/api/v1/supervision/status{bad}", headers=editor_h).status_code == 400

    mine = client.get("/api/v1/supervision/status", headers=reporter_h).get_json()
    assert [u["id"] for u in mine["units"]] == ["kecheng"]
    assert client.get("/api/v1/supervision/status?unit=jiangshan", headers=reporter_h).status_code == 403

    listing = client.get("/api/v1/supervision/findings?status=open", headers=editor_h).get_json()
    assert set(listing) == {"items", "total", "page", "per_page"} and listing["total"] == 2
    assert client.get("/api/v1/supervision/findings?kind=broken_link", headers=editor_h).get_json()["items"][0]["status"] == "closed"
    assert client.get("/api/v1/supervision/findings?kind=nonsense", headers=editor_h).status_code == 400
    own = client.get("/api/v1/supervision/findings", headers=reporter_h).get_json()
    assert own["total"] == 2 and {f["unit_id"] for f in own["items"]} == {"kecheng"}
