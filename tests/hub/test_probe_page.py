"""采集管理 → 试采: the probe from a form, for editors and admins, with CSRF; the result as a
table and the registry snippet; private addresses only for admins who say so."""
from __future__ import annotations

import pytest

from tests.cmskit import CmsSite, variants
from tests.hub.control_kit import audit, client_as, expect_access, post, seeded_app

REGISTRY = ("portal: {name: 测试门户}\ncolumns:\n  - {id: notices, name: 通知公告}\nunits: []\n")


@pytest.fixture
def app(sqlite_url, tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    with seeded_app(sqlite_url, REGISTRY_PATH=str(registry)) as app:
        yield app


@pytest.fixture(scope="module")
def kkpager_site():
    site = CmsSite(next(v for v in variants() if v["id"] == "plugin-kkpager"))
    yield site
    site.stop()


def test_who_may_probe(app):
    expect_access(app, ["/hub/harvest/probe"], allowed=("editor", "admin"))
    page = client_as(app, "editor").get("/hub/harvest/probe").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'name="allow_private"' not in page and "只有管理员" in page
    assert 'name="allow_private"' in client_as(app, "admin").get("/hub/harvest/probe").get_data(as_text=True)
    assert client_as(app, "editor").post("/hub/harvest/probe", data={"url": "http://a.gov.cn/"}).status_code == 400


def test_an_admin_probes_a_column_and_gets_the_snippet(app, kkpager_site):
    client = client_as(app, "admin")
    response = post(client, "/hub/harvest/probe", "admin", url=kkpager_site.list_url, type="auto", pages="2",
                    allow_private="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "kkpager" in page and "声明 3 页" in page
    for item in kkpager_site.items[:8]:
        assert item.title in page
    assert kkpager_site.items[0].title in page.split("详情页抽取样例")[1]
    assert 'id="snippet"' in page and "sources:" in page and "change-me" in page
    assert "probe.js" in page and "<script>" not in page  # the CSP allows no inline script
    assert "max_pages 2" in page  # the third page exists and was not read: said
    entry = audit(app, "probe_source")[-1]
    assert entry.after["url"] == kkpager_site.list_url and entry.after["allow_private"] is True and entry.after["found"] == 8


def test_private_addresses_only_for_admins_who_allow_them(app, kkpager_site):
    editor = client_as(app, "editor")
    response = post(editor, "/hub/harvest/probe", url=kkpager_site.list_url, type="list", pages="1", allow_private="1")
    assert response.status_code == 422 and "只有管理员可以试采内网或本机地址" in response.get_data(as_text=True)
    assert not audit(app, "probe_source")
    kkpager_site.site.reset()
    response = post(editor, "/hub/harvest/probe", url=kkpager_site.list_url, type="list", pages="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "not a public address" in page
    assert not kkpager_site.site.paths("/news/")


def test_bad_input_is_refused_with_a_message(app):
    editor = client_as(app, "editor")
    for data, message in (({"url": "ftp://a.gov.cn/"}, "请填写以 http:// 或 https:// 开头"),
                          ({"url": "http://a.gov.cn/", "pages": "50"}, "读取页数应为 1 到 5"),
                          ({"url": "http://a.gov.cn/", "type": "magic"}, "来源类型无效"),
                          ({"url": "http://a.gov.cn/", "encoding": "gbk;rm"}, "编码名称无效")):
        response = post(editor, "/hub/harvest/probe", **data)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
