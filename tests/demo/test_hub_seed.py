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


def _first_start(tmp_path: Path):
    """A migrated database as the hub's first start leaves it (an admin), and the registry."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(User(username="admin", role="admin", password_hash="x"))
        s.commit()
    return url, engine, load_registry(ROOT / "registry.yaml")


def test_seed_once(tmp_path):
    url, engine, registry = _first_start(tmp_path)
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


def test_last_months_bulletin_on_the_demo_federation(tmp_path):
    """监管 → 通报 → “生成<last month>通报” on a fresh demo: 常山县 不合格 (a week unreachable),
    开化县 with a stale column to rectify, 柯城区's dead link through 整改 to 复核通过."""
    import io
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from docx import Document

    from supervision.models import Finding, FindingEvent, Probe
    from supervision.reports import collect
    from supervision.reports.render import render
    from supervision.status import Scope

    url, engine, registry = _first_start(tmp_path)
    seed(url, registry)
    seed(url, registry)  # once only
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    month = today.replace(day=1) - timedelta(days=1)
    with session_factory(engine)() as s:
        first_probes = s.scalar(select(Probe.id).order_by(Probe.id.desc()).limit(1))
        data = collect.monthly(s, Scope.of(registry), month.year, month.month, portal_name=registry.portal.name)
        kecheng = s.scalars(select(Finding).where(Finding.unit_id == "kecheng")).one()
        steps = [e.action for e in s.scalars(select(FindingEvent).where(FindingEvent.finding_id == kecheng.id).order_by(FindingEvent.id))]
    assert first_probes and steps == ["open", "rectify", "verify"] and kecheng.status == "verified"
    verdicts = {r["id"]: r["verdict"] for r in data["ranking"] if r["checked"]}
    assert verdicts["changshan"] == "不合格" and verdicts["kecheng"] == "合格" and len(verdicts) == len(registry.units)
    assert {r["unit_id"] for r in data["rectification"]} == {"kaihua", "changshan"}
    assert not data["empty"] and data["overview"]["previous"]["checked"] == len(registry.units)
    doc = Document(io.BytesIO(render(data, "docx")))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "常山县人民政府" in cells and "不合格" in cells and "复核通过" in cells and len(doc.inline_shapes) == 3
    engine.dispose()
