"""信息报送: reporters submit for their unit, follow the status, and files are served safely."""
from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from hub import actions, create_app
from hub.db import EXTENSION, new_session
from hub.submissions.files import MAX_FILE_BYTES, MAX_REQUEST_BYTES, clean_filename, sniff
from hub.submissions.service import SubmissionError, UploadFile, create_submission
from storage.models import AuditEntry, Item, Upload, User
from tests.hub.conftest import PASSWORD, csrf_from, logged_in, seed

NEW = "/hub/submissions/new"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HOSTILE_BODY = (
    '<p onclick="steal()">关于开展安全检查的通知<script>alert(1)</script></p>'
    '<p><a href="javascript:alert(2)">详情</a><img src="x" onerror="alert(3)"></p><style>p{}</style>'
)


def docx_bytes() -> bytes:
    """The same bytes on every call: a name alone would stamp each member with the clock (flaky across a second)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def submit(client, title="关于开展安全检查的通知", body=HOSTILE_BODY, columns=("notices",), files=()):
    data = {
        "csrf_token": csrf_from(client, NEW), "title": title, "body_html": body, "columns": list(columns),
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post(NEW, data=data, content_type="multipart/form-data")


def submission_ids(app) -> list[int]:
    with new_session(app) as s:
        return list(s.scalars(select(Item.id).where(Item.origin == "submission").order_by(Item.id)))


def add_reporter(app, username: str, unit_id: str | None) -> None:
    with new_session(app) as s:
        s.add(User(username=username, password_hash=generate_password_hash(PASSWORD), role="reporter", unit_id=unit_id))
        s.commit()


def review(app, item_id: int, action: str, **kwargs) -> None:
    """An editor's decision, through the shared editorial actions (as the 审核 pages do)."""
    with new_session(app) as s:
        editor = s.scalar(select(User).where(User.username == "editor"))
        item = s.get(Item, item_id)
        getattr(actions, action)(s, item, editor, **kwargs)
        s.commit()


def upload_url(app, item_id: int) -> str:
    with new_session(app) as s:
        return s.get(Item, item_id).attachments[0]["url"]


# -- submitting --------------------------------------------------------------------------
def test_reporter_submits_with_attachment_for_review(app, reporter):
    response = submit(reporter, title="内部资料：关于开展安全检查的通知", columns=("notices", "news"),
                      files=[("../../检查方案.pdf", PDF)])
    assert response.status_code == 303, response.get_data(as_text=True)
    [item_id] = submission_ids(app)
    assert response.headers["Location"].endswith(f"/hub/submissions/{item_id}")

    with new_session(app) as s:
        item = s.get(Item, item_id)
        assert (item.status, item.origin, item.unit_id) == ("pending", "submission", "kecheng")
        assert item.submitted_by.username == "reporter"
        assert item.source_text == "柯城区人民政府"
        assert sorted(c.column_id for c in item.columns) == ["news", "notices"]
        assert item.sensitive_terms == ["内部资料"]
        for hostile in ("<script", "alert", "onclick", "onerror", "javascript:", "<style"):
            assert hostile not in item.body_html
        assert "关于开展安全检查的通知" in item.body_html and item.body_text.startswith("关于开展安全检查的通知")
        assert item.summary and item.content_hash and item.published_at is not None
        assert item.url.startswith("submission:")  # an internal marker, never shown as 原文链接
        [upload] = item.uploads
        assert upload.filename == "检查方案.pdf"  # no folders, Chinese kept
        assert (upload.content_type, upload.size) == ("application/pdf", len(PDF))
        assert upload.sha256 == hashlib.sha256(PDF).hexdigest() and upload.data == PDF
        assert item.attachments == [{"name": "检查方案.pdf", "url": f"/hub/files/{upload.id}/{quote('检查方案.pdf')}"}]
        entry = s.scalar(select(AuditEntry).where(AuditEntry.item_id == item_id))
        assert (entry.action, entry.username, entry.after["status"]) == ("submit", "reporter", "pending")

    page = reporter.get(response.headers["Location"]).get_data(as_text=True)
    assert "报送成功" in page and "待审核" in page and "检查方案.pdf" in page and "内部资料" in page
    assert "<script" not in page.split('<div class="body-html">')[1]
    listing = reporter.get("/hub/submissions/").get_data(as_text=True)
    assert "内部资料：关于开展安全检查的通知" in listing and "待审核" in listing


@pytest.mark.parametrize("name, content, message", [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "类型（.exe）不允许"),
    ("通知.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "内容与扩展名（.pdf）不符"),
    ("表格.docx", b"PK\x03\x04 not really a zip", "内容与扩展名（.docx）不符"),
    ("说明.txt", b"<html><body onload=alert(1)>", "内容与扩展名（.txt）不符"),
])
def test_disallowed_or_disguised_files_are_refused(app, reporter, name, content, message):
    response = submit(reporter, title="带附件的报送", files=[("方案.pdf", PDF), (name, content)])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "请重新选择附件" in page
    assert 'value="带附件的报送"' in page and "关于开展安全检查的通知" in page  # what was typed is kept
    assert 'value="notices" checked' in page
    assert submission_ids(app) == []
    with new_session(app) as s:
        assert s.scalar(select(func.count()).select_from(Upload)) == 0


def test_oversize_file_and_oversize_request_are_refused(app, reporter):
    response = submit(reporter, files=[("大文件.pdf", PDF + b"0" * (MAX_FILE_BYTES - len(PDF) + 1))])
    assert response.status_code == 422
    assert "单个附件不能超过 20 MB" in response.get_data(as_text=True)

    # A request announcing more than the limit is refused before its body is read.
    response = reporter.post(
        NEW, data={"csrf_token": csrf_from(reporter, NEW), "title": "t"},
        environ_overrides={"CONTENT_LENGTH": str(MAX_REQUEST_BYTES + 1)},
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)
    assert submission_ids(app) == []


def test_too_many_files_are_refused(app, reporter):
    response = submit(reporter, files=[(f"附件{i}.pdf", PDF) for i in range(11)])
    assert response.status_code == 422 and "附件最多 10 个" in response.get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"title": "   "}, "请填写标题"),
    ({"title": "长" * 501}, "标题不能超过 500 个字符"),
    ({"body": "<script>alert(1)</script><p> </p>"}, "请填写正文"),
    ({"columns": ()}, "请至少选择一个目标栏目"),
    ({"columns": ("notices", "no-such-column")}, "未知栏目：no-such-column"),
])
def test_incomplete_submissions_are_refused_with_a_message(app, reporter, fields, message):
    response = submit(reporter, **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert submission_ids(app) == []


def test_post_without_csrf_is_refused(app, reporter):
    response = reporter.post(NEW, data={"title": "无令牌", "body_html": "<p>正文</p>", "columns": "notices"})
    assert response.status_code == 400
    assert submission_ids(app) == []


def test_only_reporters_with_a_unit_can_submit(app, editor):
    assert editor.get(NEW).status_code == 403
    with new_session(app) as s:
        boss = s.scalar(select(User).where(User.username == "boss"))
        with pytest.raises(SubmissionError, match="只有单位报送员"):
            create_submission(s, boss, title="t", body_html="x", column_ids=["news"], uploads=[])
    add_reporter(app, "nounit", None)
    client = logged_in(app, "nounit")
    assert "未关联单位" in client.get(NEW).get_data(as_text=True)
    response = client.post(NEW, data={"csrf_token": csrf_from(client, NEW), "title": "t", "body_html": "x",
                                      "columns": "news"})
    assert response.status_code == 422 and "未关联单位" in response.get_data(as_text=True)
    assert submission_ids(app) == []


def test_plain_text_body_keeps_its_paragraphs(app, reporter):
    submit(reporter, body="第一段第一行\r\n第一段第二行\r\n\r\n第二段 <注意> & 说明")
    [item_id] = submission_ids(app)
    with new_session(app) as s:
        item = s.get(Item, item_id)
        assert item.body_html == "<p>第一段第一行<br>第一段第二行</p><p>第二段 &lt;注意&gt; &amp; 说明</p>"
        assert item.body_text == "第一段第一行\n第一段第二行\n第二段 <注意> & 说明"


# -- following the status ----------------------------------------------------------------
def test_reporter_sees_adopted_then_returned_with_reason(app, reporter):
    submit(reporter, title="内部资料汇编", files=[("方案.pdf", PDF)])
    [item_id] = submission_ids(app)

    review(app, item_id, "publish", confirm_sensitive=True)
    listing = reporter.get("/hub/submissions/").get_data(as_text=True)
    assert 'status-published">已采用' in listing and "status-pending" not in listing
    assert "采用（发布）" in reporter.get(f"/hub/submissions/{item_id}").get_data(as_text=True)

    review(app, item_id, "reject", reason="请补充落款单位和日期")
    listing = reporter.get("/hub/submissions/").get_data(as_text=True)
    assert 'status-rejected">已退回' in listing and "原因：请补充落款单位和日期" in listing
    page = reporter.get(f"/hub/submissions/{item_id}").get_data(as_text=True)
    assert "已退回" in page and "退回：请补充落款单位和日期" in page


def test_reporter_of_another_unit_cannot_see_or_download(app, reporter):
    submit(reporter, files=[("方案.pdf", PDF)])
    [item_id] = submission_ids(app)
    url = upload_url(app, item_id)
    assert reporter.get(url).status_code == 200  # the own unit's reporter may

    add_reporter(app, "js-reporter", "jiangshan")
    other = logged_in(app, "js-reporter")
    assert other.get(f"/hub/submissions/{item_id}").status_code == 404
    assert other.get(url).status_code == 404
    assert "关于开展安全检查的通知" not in other.get("/hub/submissions/").get_data(as_text=True)
    assert "暂无报送信息" in other.get("/hub/submissions/?unit=kecheng").get_data(as_text=True)


def test_editors_see_all_submissions_with_links_to_review(app, reporter, editor):
    submit(reporter, title="柯城报送")
    add_reporter(app, "js-reporter", "jiangshan")
    submit(logged_in(app, "js-reporter"), title="江山报送", columns=("news",))
    first, second = submission_ids(app)
    page = editor.get("/hub/submissions/").get_data(as_text=True)
    assert "柯城报送" in page and "江山报送" in page
    assert page.index("江山报送") < page.index("柯城报送")  # newest first
    assert f'href="/review/items/{first}"' in page
    filtered = editor.get("/hub/submissions/?unit=jiangshan").get_data(as_text=True)
    assert "江山报送" in filtered and "柯城报送" not in filtered
    review(app, second, "reject", reason="重复")
    assert "柯城报送" in editor.get("/hub/submissions/?status=pending").get_data(as_text=True)
    assert "柯城报送" not in editor.get("/hub/submissions/?status=rejected").get_data(as_text=True)
    assert editor.get(f"/hub/submissions/{first}").status_code == 200
    # Harvested items are not submissions.
    assert editor.get(f"/hub/submissions/{app.seeded['pending']}").status_code == 404


# -- downloads ------------------------------------------------------------------------------
def test_anonymous_download_only_once_published(app, reporter, client):
    submit(reporter, files=[("实施方案.docx", docx_bytes()), ("图.pdf", PDF)])
    [item_id] = submission_ids(app)
    with new_session(app) as s:
        docx_url, pdf_url = [a["url"] for a in s.get(Item, item_id).attachments]
    assert client.get(docx_url).status_code == 404
    assert client.get(pdf_url).status_code == 404

    review(app, item_id, "publish")
    response = client.get(docx_url)
    assert response.status_code == 200 and response.data == docx_bytes()
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('实施方案.docx')}" in disposition
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline;")

    review(app, item_id, "unpublish")
    assert client.get(docx_url).status_code == 404


def test_download_under_another_name_redirects_to_the_file(app, reporter):
    submit(reporter, files=[("说明.txt", "第一行\n第二行".encode("gb18030"))])
    [item_id] = submission_ids(app)
    url = upload_url(app, item_id)
    upload_id = url.split("/")[3]
    response = reporter.get(f"/hub/files/{upload_id}/evil.html")
    assert response.status_code == 301 and response.headers["Location"].endswith(url)
    text = reporter.get(url)
    assert text.headers["Content-Type"] == "text/plain; charset=gb18030"
    assert text.headers["Content-Disposition"].startswith("attachment;")
    assert text.headers["Cache-Control"] == "private, no-store"
    assert reporter.get("/hub/files/99999/x.pdf").status_code == 404


# -- files ------------------------------------------------------------------------------------
def test_file_names_and_types():
    assert clean_filename("C:\\Users\\张三\\桌面\\通知.pdf") == "通知.pdf"
    assert clean_filename("../../a\u202egpj.exe\x00.pdf") == "agpj.exe.pdf"
    assert clean_filename('报告<1>:"终稿"?.docx') == "报告_1___终稿__.docx"
    assert clean_filename("  ..隐藏.txt  ") == "隐藏.txt"
    long = clean_filename("长" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith(".pdf")
    assert sniff("a.docx", docx_bytes()).startswith("application/vnd.openxmlformats")
    assert sniff("a.xlsx", docx_bytes()) is None  # a Word file named .xlsx
    assert sniff("a.zip", docx_bytes()) == "application/zip"
    assert sniff("a.png", b"\x89PNG\r\n\x1a\n...") == "image/png"
    assert sniff("a.jpg", b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...") == "application/msword"
    assert sniff("a.txt", "纯文本".encode()) == "text/plain; charset=utf-8"
    assert sniff("a.svg", b"<svg/>") is None and sniff("pdf", PDF) is None


# -- both databases ----------------------------------------------------------------------------
def test_submission_round_trip(db_url):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url})
    try:
        seed(app)
        client = logged_in(app, "reporter")
        big = PDF + bytes(range(256)) * 4096  # 1 MB of binary data
        response = submit(client, title="秘密：年度工作总结", files=[("总结.pdf", big), ("附表.docx", docx_bytes())])
        assert response.status_code == 303
        [item_id] = submission_ids(app)
        with new_session(app) as s:
            item = s.get(Item, item_id)
            assert (item.status, item.unit_id, item.sensitive_terms) == ("pending", "kecheng", ["秘密"])
            assert [u.filename for u in item.uploads] == ["总结.pdf", "附表.docx"]
            urls = [a["url"] for a in item.attachments]
        assert client.get(urls[0]).data == big
        anonymous = app.test_client()
        assert anonymous.get(urls[0]).status_code == 404
        review(app, item_id, "publish", confirm_sensitive=True)
        assert anonymous.get(urls[0]).data == big
        assert "已采用" in client.get("/hub/submissions/").get_data(as_text=True)
    finally:
        app.extensions[EXTENSION]["engine"].dispose()


def test_service_rejects_files_beyond_the_total_limit(app):
    with new_session(app) as s:
        reporter = s.scalar(select(User).where(User.username == "reporter"))
        chunk = PDF + b"0" * (15 * 1024 * 1024)
        with pytest.raises(SubmissionError, match="附件总大小不能超过 50 MB"):
            create_submission(s, reporter, title="t", body_html="<p>x</p>", column_ids=["news"],
                              uploads=[UploadFile(f"{i}.pdf", "application/pdf", chunk) for i in range(4)])
