"""A letter's whole path in the real app: the citizen writes → the office dispatches (转办)
→ the unit answers → the office publishes; the phone appears on no public page, feed,
sitemap or search, and another unit's reporter finds nothing."""
from __future__ import annotations

import re

from sqlalchemy import select

from hub.db import new_session
from interaction.models import Letter
from tests.hub.conftest import csrf_from
from tests.interaction.conftest import PHONE, write_letter


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/hub/letters/"), **data})


def _letter(app) -> Letter:
    with new_session(app) as s:
        return s.scalar(select(Letter).order_by(Letter.id.desc()))


def test_citizen_office_unit_reply_publish(app, client, editor, reporter, other_reporter):
    response, code = write_letter(app, client)
    assert response.status_code == 303 and len(code) == 24
    letter = _letter(app)
    assert letter.status == "received" and letter.phone == PHONE and letter.code_hash != code
    # The citizen follows it with the code.
    page = client.get(f"/interact/track?code={code.lower()}").get_data(as_text=True)
    assert "已受理，等待转办" in page and PHONE not in page

    # The office sees it with the phone and dispatches it to 柯城区.
    detail = editor.get(f"/hub/letters/{letter.id}").get_data(as_text=True)
    assert PHONE in detail and "张三" in detail
    assert _post(editor, f"/hub/letters/{letter.id}/dispatch", unit="kecheng").status_code == 303
    letter = _letter(app)
    assert letter.status == "dispatched" and letter.due_on is not None

    # 江山市's reporter sees nothing of it, even guessing the id.
    assert letter.title not in other_reporter.get("/hub/letters/").get_data(as_text=True)
    assert other_reporter.get(f"/hub/letters/{letter.id}").status_code == 404
    assert _post(other_reporter, f"/hub/letters/{letter.id}/reply", body="别的单位").status_code == 404
    assert _post(other_reporter, f"/hub/letters/{letter.id}/dispatch", unit="jiangshan").status_code == 403

    # 柯城区's reporter finds it in the list and answers; a script in the answer is gone.
    assert letter.title in reporter.get("/hub/letters/").get_data(as_text=True)
    answer = "<p>已安排维修，三日内修复。</p><script>alert(1)</script>"
    assert _post(reporter, f"/hub/letters/{letter.id}/reply", body=answer).status_code == 303
    letter = _letter(app)
    assert letter.status == "replied" and "<script" not in letter.reply_html and "三日内修复" in letter.reply_html
    assert _post(reporter, f"/hub/letters/{letter.id}/publish", public="1").status_code == 403

    # The office returns it once, the unit answers again, the office publishes.
    assert _post(editor, f"/hub/letters/{letter.id}/return", comment="请写明具体修复日期").status_code == 303
    assert _letter(app).status == "returned"
    assert _post(reporter, f"/hub/letters/{letter.id}/reply", body="已于12月5日修复。").status_code == 303
    assert _post(editor, f"/hub/letters/{letter.id}/publish", public="1").status_code == 303
    letter = _letter(app)
    assert letter.status == "published"
    actions = [e.action for e in _events(app, letter.id)]
    assert actions == ["receive", "dispatch", "reply", "return", "reply", "publish"]

    public = client.get(f"/interact/letters/{letter.id}")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and "已于12月5日修复" in html and "路灯已坏两周" in html
    assert PHONE not in html and "张三" not in html
    assert "已办结" in client.get(f"/interact/track?code={code}").get_data(as_text=True)
    assert_phone_nowhere_public(client, letter.id)


def _events(app, letter_id: int):
    with new_session(app) as s:
        return s.get(Letter, letter_id).events


def assert_phone_nowhere_public(client, letter_id: int) -> None:
    paths = ["/", "/interact/", f"/interact/letters/{letter_id}", "/interact/?q=路灯", "/search?q=路灯",
             "/sitemap.xml", "/robots.txt", "/feeds/all.atom", "/feeds/all.rss", "/feeds/letters.atom",
             "/feeds/letters.rss", "/api/v1/openapi.json", "/topics/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert PHONE not in body and "张三" not in body, path
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/interact/letters/{letter_id}" in sitemap
    assert "路灯" in client.get("/interact/?q=路灯").get_data(as_text=True)
    assert client.get("/api/v1/letters").status_code == 401  # no token: nothing


def test_form_keeps_what_was_typed_and_refuses_bad_letters(app, client):
    typed = "我想咨询一下社保转移的办理流程，具体需要哪些材料？"
    # Too fast (a fresh stamp): refused, everything typed is still there.
    from tests.interaction.conftest import form_fields

    fields = form_fields(client)
    response = client.post("/interact/write", data={**fields, "title": "社保转移咨询", "body": typed,
                                                    "phone": PHONE, "name": "李四", "kind": "consult"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "提交过快" in html
    assert typed in html and 'value="社保转移咨询"' in html and f'value="{PHONE}"' in html
    for values, status, message in [
        ({"phone": ""}, 422, "请填写联系电话"),
        ({"body": " "}, 422, "请填写来信内容"),
        ({"body": "x" * 5001}, 422, "不能超过 5000"),
        ({"body": "<script>alert(1)</script>"}, 422, "纯文字"),
        ({"website": "http://spam.example/"}, 400, "请不要填写"),
        ({"form_stamp": "forged"}, 400, "表单已失效"),
    ]:
        response, _ = write_letter(app, client, **values)
        html = response.get_data(as_text=True)
        assert response.status_code == status and message in html, (values, response.status_code)
        assert "柯城区荷花街道" in html or values.get("body") is not None
    # An expired session (no CSRF token): still the form, with the text.
    fresh = app.test_client()
    response = fresh.post("/interact/write", data={"title": "标题", "body": typed, "phone": PHONE})
    assert response.status_code == 400 and typed in response.get_data(as_text=True)
    with new_session(app) as s:
        assert s.scalar(select(Letter.id)) is None


def test_rate_limits_per_address(app, client):
    app.config.update(INTERACTION_LETTER_LIMIT=2, INTERACTION_TRACK_LIMIT=3)
    assert write_letter(app, client)[0].status_code == 303
    assert write_letter(app, client)[0].status_code == 303
    response, _ = write_letter(app, client, title="第三封")
    assert response.status_code == 429 and 'value="第三封"' in response.get_data(as_text=True)
    statuses = [client.get("/interact/track?code=AAAA-BBBB-CCCC-DDDD-EEEE").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_sensitive_letter_needs_a_check_before_publication(app, client, editor):
    write_letter(app, client, body="这份内部资料说明了路灯维修安排。")
    letter = _letter(app)
    assert letter.sensitive_terms == ["内部资料"]
    _post(editor, f"/hub/letters/{letter.id}/reply", body="门户办直接答复。")
    page = _post(editor, f"/hub/letters/{letter.id}/publish", public="1")
    assert "核实不涉密" in editor.get(page.headers["Location"]).get_data(as_text=True)
    assert _letter(app).status == "replied"
    _post(editor, f"/hub/letters/{letter.id}/publish", public="1", confirm_sensitive="1")
    assert _letter(app).status == "published"


def test_hub_flags_near_due_and_overdue(app, client, editor):
    from datetime import datetime, timedelta, timezone

    from interaction.service import local_date

    # The hub's "today" is the portal's (Asia/Shanghai), not this machine's: after 16:00 UTC they differ.
    today = local_date(datetime.now(timezone.utc), app.config["TIMEZONE"])
    write_letter(app, client)
    write_letter(app, client, title="第二封")
    _, first, second = None, *sorted(_ids(app))
    for letter_id in (first, second):
        _post(editor, f"/hub/letters/{letter_id}/dispatch", unit="kecheng")
    with new_session(app) as s:
        s.get(Letter, first).due_on = today - timedelta(days=3)
        s.get(Letter, second).due_on = today
        s.commit()
    page = editor.get("/hub/letters/").get_data(as_text=True)
    assert "已超期 1 件" in page and "即将到期 1 件" in page
    overdue = editor.get("/hub/letters/?flag=overdue").get_data(as_text=True)
    assert re.search(rf'data-letter="{first}"', overdue) and f'data-letter="{second}"' not in overdue


def _ids(app):
    with new_session(app) as s:
        return list(s.scalars(select(Letter.id)))


def test_guessed_and_absurd_ids_find_nothing(app, client, editor, reporter):
    huge = 10**20
    for path in (f"/interact/letters/{huge}", "/interact/letters/1", f"/topics/{huge}", f"/feeds/topics/{huge}.atom"):
        assert client.get(path).status_code == 404, path
    assert editor.get(f"/hub/letters/{huge}").status_code == 404
    assert reporter.get("/hub/letters/1").status_code == 404
    assert client.get("/interact/track?code=not-a-code").status_code == 404
