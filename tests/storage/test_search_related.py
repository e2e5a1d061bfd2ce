"""相关信息 through the search index, on SQLite and PostgreSQL: items of the same column
sharing the title's rarer terms, best first; what nearly every title says relates nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.search.related import related
from tests.storage.test_search import add, session  # noqa: F401 - the seeded session fixture, both databases

DAY = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)


def test_related_items_share_the_subject_not_the_boilerplate(session):  # noqa: F811
    def notice(title: str, days: int, column: str = "notices") -> int:
        return add(session, title, columns=(column,), at=DAY + timedelta(days=days))

    me = notice("关于做好春季森林防火工作的通知", 10)
    older = notice("森林防火检查情况的通报", 1)
    newer = notice("关于森林防火期野外用火管理的通告", 5)
    for n, topic in enumerate(["安全生产", "招商引资", "环境整治", "垃圾分类", "乡村振兴", "文明创建", "消防安全"]):
        notice(f"关于做好{topic}工作的通知", n)  # what most notices say: 关于做好…工作的通知
    other_column = notice("森林防火宣传周活动方案", 8, column="policy")
    session.commit()
    found = related(session, me, "关于做好春季森林防火工作的通知", "notices")
    assert found == [newer, older]  # 森林防火 shared, newest first; the column only
    assert me not in found and other_column not in found
    assert related(session, me, "2026", "notices") == []  # numbers relate nothing
