"""The 政民互动 letter form in Chromium under the portal's real Content-Security-Policy:
a hurried post is refused with everything typed still there, a patient one gets its 查询码,
the 查询 page shows the letter, and once the office has published the answer the public
Q&A page shows it without the phone."""
from __future__ import annotations

import re

from sqlalchemy import select

from harvester.registry import InteractionPolicy
from interaction import service
from interaction.models import Letter
from storage.models import User
from tests.browser.test_review_flow import assert_quiet

PHONE = "13757001234"
BODY = "衢州市区到江山的城际公交末班车太早，\n建议延长到晚上九点。"


def fill(page) -> None:
    page.get_by_label("建议").check()
    page.get_by_label("标题（必填）").fill("建议延长城际公交运营时间")
    page.get_by_label("来信内容").fill(BODY)
    page.get_by_label("写信给").select_option(label="柯城区人民政府")
    page.get_by_label("联系电话（必填，不公开）").fill(PHONE)
    page.get_by_label("同意在网站上公开来信和答复").check()


def test_citizen_writes_follows_and_reads_the_answer(live_hub, page):
    base = live_hub.url
    # a minimum no browser can miss, however slow the machine fills the form
    live_hub.app.config["INTERACTION_MIN_FILL_SECONDS"] = 600.0
    page.goto(f"{base}/interact/write")
    assert page.locator("#website").is_hidden() or page.locator("#website").bounding_box()["x"] < 0
    fill(page)
    page.get_by_role("button", name="提交来信").click()
    page.wait_for_load_state()
    assert "提交过快" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("来信内容").input_value() == BODY.replace("\r\n", "\n")
    assert page.get_by_label("联系电话（必填，不公开）").input_value() == PHONE
    assert page.get_by_label("建议").is_checked() and page.get_by_label("同意在网站上公开来信和答复").is_checked()
    assert page.watch.console_errors == [f"Failed to load resource: the server responded with a status of 400 "
                                         f"(BAD REQUEST) ({base}/interact/write)"]  # the refusal itself
    page.watch.console_errors.clear()
    assert_quiet(page)

    live_hub.app.config["INTERACTION_MIN_FILL_SECONDS"] = 1.0  # the minimum a person needs (3 s, shortened)
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="提交来信").click()
    page.wait_for_url(re.compile(r"/interact/written$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
    page.get_by_role("link", name="查询办理进度").click()
    assert page.locator("#letter-status").inner_text() == "已受理，等待转办"
    assert PHONE not in page.content()
    assert_quiet(page)

    # The office answers and publishes (the hub's own flow is tested elsewhere).
    with live_hub.session() as s:
        letter = s.scalar(select(Letter))
        editor = s.scalar(select(User).where(User.username == "editor"))
        service.dispatch(s, letter, editor, "kecheng", InteractionPolicy(), "Asia/Shanghai")
        service.reply(s, letter, editor, "<p>已协调公交公司，自下月起末班车延至21:00。</p>", InteractionPolicy(), "Asia/Shanghai")
        service.publish(s, letter, editor)
        s.commit()
        letter_id = letter.id
    page.goto(f"{base}/interact/")
    page.get_by_role("link", name="建议延长城际公交运营时间").click()
    page.wait_for_url(re.compile(rf"/interact/letters/{letter_id}$"))
    text = page.locator("main").inner_text()
    assert "末班车延至21:00" in text and "晚上九点" in text and PHONE not in page.content()
    assert_quiet(page)
