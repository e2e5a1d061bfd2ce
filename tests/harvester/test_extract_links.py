"""Attachments and images."""
from pathlib import Path

from harvester.extract.dom import parse_html
from harvester.extract.links import absolute, attachment_scopes, find_attachments, find_images, is_attachment_url

FIX = Path(__file__).parent / "fixtures" / "extract"
BASE = "https://www.qz.gov.cn/art/2008/5/15/art_1.html"


def test_is_attachment_url():
    assert is_attachment_url("https://a.gov.cn/x/FILE.PDF")
    assert is_attachment_url("https://a.gov.cn/download.jsp?filename=x.pdf")
    assert is_attachment_url("https://a.gov.cn/a/b.wps")
    assert is_attachment_url("https://a.gov.cn/a/b.ofd?v=1")
    assert not is_attachment_url("https://a.gov.cn/a/b.html")
    assert not is_attachment_url("https://a.gov.cn/pdf/index.html")


def test_absolute():
    assert absolute(BASE, "../x.pdf") == "https://www.qz.gov.cn/art/2008/5/x.pdf"
    assert absolute(BASE, "javascript:void(0)") == ""
    assert absolute(BASE, "http://[bad") == ""


def test_attachments_in_body_and_attachment_area():
    root = parse_html((FIX / "govtable_page.html").read_text("utf-8"))
    body = root.find(".//div[@class='TRS_Editor']")
    got = [(a.url, a.name) for a in find_attachments(attachment_scopes(root, body), BASE)]
    assert got == [
        ("https://www.qz.gov.cn/attach/0/plan.DOCX", "实施方案"),
        ("https://www.qz.gov.cn/art/2008/5/download.jsp?filename=table.xls&id=3", "统计表"),
        ("https://other.example.org/doc/notice.ofd", "notice.ofd"),
    ]


def test_images():
    root = parse_html('<div><img src="/a.jpg" alt="甲"><img data-src="b.png" src="data:image/gif;base64,R0"></div>')
    imgs = find_images(root, "https://x.gov.cn/d/p.html")
    assert [(i.url, i.name) for i in imgs] == [("https://x.gov.cn/a.jpg", "甲"), ("https://x.gov.cn/d/b.png", "")]
