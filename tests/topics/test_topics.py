"""专题: an editor creates a topic; two contributing units submit into its sub-sections; a
keyword rule pulls a harvested item into the queue; the accepted entries make the public
page and the feed; supervision counts each unit's contributions."""
from __future__ import annotations

import re

from sqlalchemy import select

from hub.db import new_session
from storage.models import Item
from tests.hub.conftest import csrf_from, logged_in
from tests.interaction.conftest import add_reporter
from topics.models import Topic, TopicEntry
from topics.service import contributions


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/hub/topics/"), **data})


def test_co_built_topic_from_two_units(app, client, editor, reporter):
    add_reporter(app, "js-reporter", "jiangshan")
    jiangshan = logged_in(app, "js-reporter")
    created = _post(editor, "/hub/topics/new", title="优化营商环境", banner="打造一流营商环境",
                    description="各地各部门优化营商环境的举措和成效。", sections="政策解读\n工作动态",
                    units=["kecheng", "jiangshan"], rules="政务动态 => 工作动态", active="1")
    assert created.status_code == 303
    with new_session(app) as s:
        topic = s.scalar(select(Topic))
        topic_id, (policy, news) = topic.id, [x.id for x in topic.sections]

    # Both units submit; a unit that is not contributing cannot even see the topic.
    assert _post(reporter, f"/hub/topics/{topic_id}/submit", section=str(policy), title="柯城区营商环境政策解读",
                 body_html="<p>解读内容</p>").status_code == 303
    _post(jiangshan, f"/hub/topics/{topic_id}/submit", section=str(news), title="江山市优化营商环境推进会",
          body_html="推进会召开。")
    add_reporter(app, "outsider", "kecheng")
    editor.get(f"/hub/topics/{topic_id}")  # opening the queue pulls keyword matches
    with new_session(app) as s:
        entries = s.scalars(select(TopicEntry).order_by(TopicEntry.id)).all()
        assert [(e.unit_id, e.origin, e.state) for e in entries] == [
            ("kecheng", "submission", "pending"), ("jiangshan", "submission", "pending"),
            ("jiangshan", "rule", "pending")]  # the seeded harvested 江山市政务动态
        ids = [e.id for e in entries]
        submitted_item = entries[0].item_id
    assert client.get(f"/topics/{topic_id}").status_code == 200
    assert "柯城区营商环境政策解读" not in client.get(f"/topics/{topic_id}").get_data(as_text=True)

    for entry_id in ids[:2]:
        assert _post(editor, f"/hub/topics/entries/{entry_id}/accept").status_code == 303
    _post(editor, f"/hub/topics/entries/{ids[2]}/reject", reason="与专题无关")
    with new_session(app) as s:
        assert s.get(Item, submitted_item).status == "published"

    page = client.get(f"/topics/{topic_id}").get_data(as_text=True)
    assert "打造一流营商环境" in page and "柯城区营商环境政策解读" in page and "江山市优化营商环境推进会" in page
    assert page.index("政策解读") < page.index("柯城区营商环境政策解读") < page.index("工作动态")
    assert "江山市政务动态" not in page
    feed = client.get(f"/feeds/topics/{topic_id}.atom").get_data(as_text=True)
    assert feed.count("<entry>") == 2 and "江山市优化营商环境推进会" in feed
    assert f"/topics/{topic_id}" in client.get("/sitemap.xml").get_data(as_text=True)
    assert "优化营商环境" in client.get("/topics/").get_data(as_text=True)

    with new_session(app) as s:
        counts = contributions(s, topic_id)[topic_id]
    assert counts == {"kecheng": {"submitted": 1, "accepted": 1}, "jiangshan": {"submitted": 1, "accepted": 1}}
    show = editor.get(f"/hub/topics/{topic_id}").get_data(as_text=True)
    assert re.search(r"柯城区人民政府</td><td>1</td><td>1</td>", show)


def test_non_contributing_unit_sees_nothing(app, editor, reporter):
    _post(editor, "/hub/topics/new", title="乡村振兴", sections="动态", units=["jiangshan"], active="1")
    with new_session(app) as s:
        topic_id = s.scalar(select(Topic.id))
    assert "乡村振兴" not in reporter.get("/hub/topics/").get_data(as_text=True)
    assert reporter.get(f"/hub/topics/{topic_id}").status_code == 404
    assert _post(reporter, f"/hub/topics/{topic_id}/submit", section="1", title="x", body_html="y").status_code == 404
    bad = _post(editor, "/hub/topics/new", title="无子栏目", sections="", active="1")
    assert bad.status_code == 422 and 'value="无子栏目"' in bad.get_data(as_text=True)
