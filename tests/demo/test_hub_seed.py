"""`zhanqun demo` gives the hub what the walkthrough needs: demo reporters (passwords shown
once), an owned column with a directly published item, a 专题 with two units' contributions."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from demo.hub_seed import seed
from harvester.registry import load_registry
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Item, PortalColumn, User
from topics.service import contributions

ROOT = Path(__file__).resolve().parents[2]


def test_seed_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(User(username="admin", role="admin", password_hash="x"))
        s.commit()
    registry = load_registry(ROOT / "registry.yaml")
    accounts = seed(url, registry)
    assert [a.username for a in accounts] == ["jyj-reporter", "kecheng-reporter", "jiangshan-reporter"]
    assert seed(url, registry) == []  # the second start makes nothing new
    with session_factory(engine)() as s:
        user = s.scalar(select(User).where(User.username == "jyj-reporter"))
        assert check_password_hash(user.password_hash, accounts[0].password)
        assert s.get(PortalColumn, "jyzx").owner_unit_id == "jyj"
        owned = s.scalars(select(Item).where(Item.unit_id == "jyj", Item.origin == "submission")).all()
        assert [i.status for i in owned] == ["published"]
        counts = next(iter(contributions(s).values()))
        assert counts == {"kecheng": {"submitted": 1, "accepted": 1}, "jiangshan": {"submitted": 1, "accepted": 1}}
    engine.dispose()
