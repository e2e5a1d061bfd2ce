"""The portal's identity from the registry: logo and name in every header, 主办/承办,
网站标识码, 备案号 and 联系我们 in every footer, a favicon; a broken logo keeps the
portal up without it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harvestkit.hanzi import to_traditional
from hub import create_app
from hub.db import EXTENSION
from tests.hub.conftest import seed
from tests.portal.pagecheck import assert_accessible_structure, page
from tests.portal.seeding import seed_extra

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = """\
portal:
  name: 衢州市人民政府门户网站
  site_code: '3308000001'
  icp: 浙ICP备05007200号-3
  police_record: 浙公网安备 33080202000101号
  organizer: 衢州市人民政府办公室
  operator: 衢州市大数据发展管理局
  contact: {phone: 0570-3022222, email: zfb@qz.gov.cn, address: 衢州市柯城区荷花中路, page: 'https://www.qz.gov.cn/lxwm/'}
  logo: logo.png
columns:
  - {id: notices, name: 通知公告}
units: []
"""


def identity_app(tmp_path, hub_template, logo: bytes | None):
    registry = tmp_path / "registry.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    if logo is not None:
        (tmp_path / "logo.png").write_bytes(logo)
    db = tmp_path / "portal.db"
    shutil.copyfile(hub_template, db)
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{db}", "REGISTRY_PATH": str(registry)})
    app.seeded = {**seed(app), **seed_extra(app)}
    return app


@pytest.fixture
def site(tmp_path, hub_template):
    app = identity_app(tmp_path, hub_template, (ROOT / "demo" / "logo.png").read_bytes())
    yield app
    app.extensions[EXTENSION]["engine"].dispose()


def test_every_portal_page_carries_the_identity(site):
    client, ids = site.test_client(), site.seeded
    pages = ["/", "/columns/notices", "/units/kecheng", f"/items/{ids['rich']}", "/search?q=通知", "/nowhere",
             f"/items/{ids['withdrawn']}", "/?text=1", "/?variant=hant"]
    for path in pages:
        doc = page(client.get(path))
        assert_accessible_structure(doc)
        footer = " ".join(doc.xpath("//footer")[0].text_content().split())
        words = ["主办单位：衢州市人民政府办公室", "承办单位：衢州市大数据发展管理局", "网站标识码：3308000001"]
        if "hant" in path:
            words = [to_traditional(w) for w in words]
        for text in (*words, "浙ICP备05007200号-3", "浙公网安备 33080202000101号", "0570-3022222", "zfb@qz.gov.cn"):
            assert text in footer, (path, text, footer)  # 备案号 stay as issued on the 繁體 pages too
        assert doc.xpath("//footer//a[@href='https://beian.miit.gov.cn/']")
        assert doc.xpath("//footer//a[contains(@href, 'code=33080202000101')]")
        assert doc.xpath("//footer//a[@href='https://www.qz.gov.cn/lxwm/']")[0].text_content() in ("联系我们", "聯繫我們")
        brand = doc.xpath("//header//*[contains(@class, 'portal-name')]/a")[0]
        assert brand.text_content().strip() in ("衢州市人民政府门户网站", to_traditional("衢州市人民政府门户网站"))
        logos = brand.xpath(".//img/@src")
        assert logos == ([] if "text=1" in path else [logos[0]]) and (not logos or logos[0].startswith("/portal-logo?v="))
        assert doc.xpath("//link[@rel='icon']/@href") == ["/favicon.ico"]


def test_logo_and_favicon_come_from_the_portal(site):
    client = site.test_client()
    src = page(client.get("/")).xpath("//img[@class='portal-logo']/@src")[0]
    logo = client.get(src)
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data == (ROOT / "demo" / "logo.png").read_bytes()
    assert "immutable" in logo.headers["Cache-Control"] and "img-src 'self'" in logo.headers["Content-Security-Policy"]
    assert client.get(src, headers={"If-None-Match": logo.headers["ETag"]}).status_code == 304
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\0\0\1\0"
    assert "max-age" in icon.headers["Cache-Control"]


def test_a_logo_that_is_no_image_leaves_the_portal_up_without_it(tmp_path, hub_template, capfd):
    app = identity_app(tmp_path, hub_template, b"<svg onload='alert(1)'/>")
    try:
        client = app.test_client()
        doc = page(client.get("/"))
        assert not doc.xpath("//img")
        assert "主办单位：衢州市人民政府办公室" in doc.xpath("//footer")[0].text_content()
        assert client.get("/portal-logo").status_code == 404
        assert "portal.logo: the logo is not a PNG, JPEG, GIF, WebP or ICO image" in capfd.readouterr().err
    finally:
        app.extensions[EXTENSION]["engine"].dispose()
