"""政民互动 fixtures: the hub's real app (tests/hub/conftest.py) with a second unit's reporter,
and a citizen who writes through the real form."""
from __future__ import annotations

import re
import time

import pytest

from hub.db import new_session
from interaction import abuse
from storage.models import User
from tests.hub.conftest import PASSWORD_HASH, admin, app, client, editor, hub_template, logged_in, reporter  # noqa: F401

PHONE = "13905701234"
FIELD = re.compile(r'name="(csrf_token|form_stamp)" value="([^"]+)"')
CODE = re.compile(r'id="tracking-code">([0-9A-Z-]+)<')


def add_reporter(app, name: str, unit: str) -> None:
    with new_session(app) as s:
        s.add(User(username=name, password_hash=PASSWORD_HASH, role="reporter", unit_id=unit))
        s.commit()


@pytest.fixture
def other_reporter(app):  # noqa: F811 - the hub's app fixture
    """A reporter of 江山市 (the letters in these tests go to 柯城区)."""
    add_reporter(app, "js-reporter", "jiangshan")
    return logged_in(app, "js-reporter")


def form_fields(client) -> dict:
    return dict(FIELD.findall(client.get("/interact/write").get_data(as_text=True)))


def write_letter(app, client, **values) -> tuple[object, str]:
    """Post the public form as a person would: the fields from the served form, a stamp
    from 10 s ago (the person took time to type). Returns the response and the 查询码."""
    fields = form_fields(client)
    fields["form_stamp"] = abuse.make_stamp(app.config["SECRET_KEY"], time.time() - 10)
    data = {"kind": "consult", "title": "小区门口路灯坏了何时修", "body": "柯城区荷花街道某小区门口路灯已坏两周，夜间出行不便。",
            "unit": "kecheng", "name": "张三", "phone": PHONE, "public": "1", **fields, **values}
    response = client.post("/interact/write", data=data)
    if response.status_code != 303:
        return response, ""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return response, CODE.search(page).group(1)
