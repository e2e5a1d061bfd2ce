"""``/api/v1/letters``: the office's and the units' tokens, on SQLite and PostgreSQL.
Another unit's reporter gets 404 or 403 on every letter action, whatever id it guesses."""
from __future__ import annotations

from hub import create_app
from hub.db import EXTENSION, new_session
from interaction import service
from tests.hub.conftest import seed
from tests.hub.test_api import bearer, give_token
from tests.interaction.conftest import PHONE, add_reporter

API = "/api/v1/letters"


def _receive(app, **values) -> int:
    with new_session(app) as s:
        letter, _ = service.receive(s, service.LetterForm(
            title="公交线路调整建议", body="建议增开夜间公交。", phone=PHONE, name="王五", kind="suggest", **values))
        s.commit()
        return letter.id


def test_api_path_and_ownership_on_both_databases(db_url):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url})
    try:
        seed(app)
        add_reporter(app, "js-reporter", "jiangshan")
        client = app.test_client()
        office, unit, other = (bearer(give_token(app, n)) for n in ("editor", "reporter", "js-reporter"))
        letter_id = _receive(app, public=True)
        mine = _receive(app)  # stays with the office

        assert client.get(API, headers=unit).get_json()["total"] == 0
        listed = client.get(f"{API}?status=received", headers=office).get_json()
        assert listed["total"] == 2 and listed["items"][0]["contact"]["phone"] == PHONE
        assert client.post(f"{API}/{letter_id}/dispatch", json={"unit": "nowhere"}, headers=office).status_code == 422
        sent = client.post(f"{API}/{letter_id}/dispatch", json={"unit": "kecheng"}, headers=office)
        assert sent.status_code == 200 and sent.get_json()["status"] == "dispatched" and sent.get_json()["due_at"]

        # Another unit: nothing to see, nothing to do, for this letter and for guessed ids.
        for target in (letter_id, mine, 999_999):
            assert client.get(f"{API}/{target}", headers=other).status_code == 404
            assert client.post(f"{API}/{target}/reply", json={"body": "x"}, headers=other).status_code == 404
            for action, body in (("dispatch", {"unit": "jiangshan"}), ("publish", {}), ("return", {"comment": "x"})):
                assert client.post(f"{API}/{target}/{action}", json=body, headers=other).status_code == 403
        assert client.get(API, headers=other).get_json() == {"items": [], "total": 0, "page": 1, "per_page": 50}
        assert client.get(f"{API}/stats", headers=other).get_json()["units"] == {}
        assert client.get(f"{API}/{mine}", headers=unit).status_code == 404  # not dispatched to kecheng

        # The unit answers; its answer is sanitized; the office publishes.
        got = client.get(API, headers=unit).get_json()
        assert [i["id"] for i in got["items"]] == [letter_id]
        assert client.post(f"{API}/{letter_id}/publish", json={}, headers=unit).status_code == 403
        replied = client.post(f"{API}/{letter_id}/reply", headers=unit,
                              json={"body": '<p onclick="x()">已研究，将于明年增开夜班线路。</p><script>x()</script>'})
        body = replied.get_json()
        assert replied.status_code == 200 and body["status"] == "replied" and body["replied_at"]
        assert "<script" not in body["reply"] and "onclick" not in body["reply"] and body["on_time"] is True
        assert client.post(f"{API}/{letter_id}/reply", json={"body": "again"}, headers=unit).status_code == 409
        published = client.post(f"{API}/{letter_id}/publish", headers=office)
        assert published.status_code == 200 and published.get_json()["status"] == "published"
        assert client.post(f"{API}/{letter_id}/publish", headers=office).status_code == 409

        page = client.get(f"/interact/letters/{letter_id}").get_data(as_text=True)
        assert "增开夜班线路" in page and PHONE not in page and "王五" not in page
        assert client.get(f"/interact/letters/{mine}").status_code == 404  # not published
        stats = client.get(f"{API}/stats", headers=office).get_json()
        assert stats["units"]["kecheng"]["received"] == 1 and stats["units"]["kecheng"]["on_time"] == 1
        assert client.get(f"{API}/stats?from=2026-13-01", headers=office).status_code == 400
    finally:
        app.extensions[EXTENSION]["engine"].dispose()


def test_no_consent_means_closed_not_public(app, client):
    office = bearer(give_token(app, "editor"))
    letter_id = _receive(app)  # public=False
    client.post(f"{API}/{letter_id}/reply", json={"body": "门户办答复"}, headers=office)
    refused = client.post(f"{API}/{letter_id}/publish", json={"public": True}, headers=office)
    assert refused.status_code == 422 and "未同意公开" in refused.get_json()["message"]
    closed = client.post(f"{API}/{letter_id}/publish", json={}, headers=office)
    assert closed.get_json()["status"] == "closed"
    assert client.get(f"/interact/letters/{letter_id}").status_code == 404
    # An office answer cannot be returned to a unit that never had the letter.
    assert client.post(f"{API}/{letter_id}/return", json={"comment": "x"}, headers=office).status_code == 409
