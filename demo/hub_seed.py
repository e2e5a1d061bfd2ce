"""What the demo's hub needs beyond the harvest, made once at the first start of ``zhanqun demo``:

- reporter accounts for three demo units, with random passwords printed once (like admin's);
- in 教育资讯 (maintained by 市教育局, registry ``columns[].owner``), an item its reporter
  published directly;
- a co-built 专题 with contributions from 柯城区 and 江山市, accepted by the admin;
- two past months of supervision (demo/supervision_history.py), for the 通报 of last month.

Everything goes through the same services as the hub's pages (hub.submissions.service,
topics.service), so the audit log shows the demo's steps like anyone's.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from harvester.registry import Registry
from demo import supervision_history
from harvester.sync import sync_registry
from hub.submissions.service import create_submission
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import User
from topics import service as topics
from topics.models import Topic

# (account, unit, what it shows in the demo)
REPORTERS = (
    ("jyj-reporter", "jyj", "市教育局：负责维护“教育资讯”栏目，可直接发布；答复转办给市教育局的来信"),
    ("kecheng-reporter", "kecheng", "柯城区：专题共建单位；答复转办给柯城区的来信"),
    ("jiangshan-reporter", "jiangshan", "江山市：专题共建单位；答复转办给江山市的来信"),
)
OWNED_ITEM = ("2027年衢州市义务教育阶段招生入学政策问答",
              "<p>一、适龄儿童何时报名？2027年5月统一网上报名。</p><p>二、需要哪些材料？户口簿、房产证明或居住证。</p>")
TOPIC = topics.TopicForm(
    title="优化营商环境", banner="打造审批事项少、办事效率高、服务质量优的营商环境",
    description="各县（市、区）和市级部门优化营商环境的政策措施、工作动态和典型案例，由门户网站与共建单位共同维护。",
    sections=("政策解读", "工作动态"), units=("kecheng", "jiangshan"), rules=(("营商环境", "工作动态"),),
)
CONTRIBUTIONS = (  # (reporter, section, title, body)
    ("kecheng-reporter", "政策解读", "柯城区“一件事”集成改革政策解读",
     "<p>柯城区将企业开办、不动产登记等事项整合为“一件事”，一次申请、一窗受理、一网通办。</p>"),
    ("jiangshan-reporter", "工作动态", "江山市召开优化营商环境工作推进会",
     "<p>会议通报了营商环境评价情况，部署下一阶段重点任务。</p>"),
)


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    note: str


def seed(db_url: str, registry: Registry) -> list[NewAccount]:
    """Make what is missing; returns the accounts created now (their passwords are not stored)."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        with session_factory(engine)() as session:
            sync_registry(session, registry)
            session.flush()
            created = _reporters(session)
            admin = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
            users = {u.username: u for u in session.scalars(select(User).where(User.role == "reporter"))}
            _owned_item(session, users.get("jyj-reporter"))
            if admin is not None:
                _topic(session, admin, users)
            supervision_history.seed(session, registry)
            session.commit()
            return created
    finally:
        engine.dispose()


def _reporters(session) -> list[NewAccount]:
    created = []
    for name, unit, note in REPORTERS:
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            continue
        password = secrets.token_urlsafe(12)
        session.add(User(username=name, role="reporter", unit_id=unit, password_hash=generate_password_hash(password)))
        created.append(NewAccount(name, password, note))
    session.flush()
    return created


def _owned_item(session, reporter: User | None) -> None:
    from storage.models import Item

    if reporter is None or session.scalar(select(Item.id).where(Item.title == OWNED_ITEM[0])) is not None:
        return
    create_submission(session, reporter, title=OWNED_ITEM[0], body_html=OWNED_ITEM[1], column_ids=["jyzx"],
                      uploads=[], publish=True)


def _topic(session, admin: User, users: dict[str, User]) -> None:
    if session.scalar(select(Topic.id).where(Topic.title == TOPIC.title)) is not None:
        return
    topic = topics.save_topic(session, admin, TOPIC)
    sections = {s.name: s.id for s in topic.sections}
    for reporter, section, title, body in CONTRIBUTIONS:
        if reporter in users:
            entry = topics.submit(session, users[reporter], topic, sections[section], title=title, body_html=body)
            topics.accept(session, entry, admin)
