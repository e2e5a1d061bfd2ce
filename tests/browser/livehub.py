"""The real hub for browser tests: ``hub.create_app`` on a real SQLite file, served by
werkzeug's threaded WSGI server on 127.0.0.1 and a free port, seeded through the
models (units, columns, sources, an editor with a known password, published and
pending items, indexed for search)."""
from __future__ import annotations

import secrets
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from hub import create_app
from hub.db import EXTENSION, new_session
from storage import counters, search
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Item, ItemColumn, ItemSource, PortalColumn, Source, Unit, User

EDITOR, PASSWORD = "editor", "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # slow on purpose: hashed once per session


@dataclass
class LiveHub:
    url: str
    app: object
    ids: dict[str, int] = field(default_factory=dict)

    def session(self):
        """A database session of the app (the tests read what the browser changed)."""
        return new_session(self.app)


def make_template(folder: Path) -> Path:
    """A migrated database holding what a first start creates (an ``admin``): copied per
    test, it spares each one the migrations."""
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(User(username="admin", password_hash=generate_password_hash(secrets.token_urlsafe(15)), role="admin"))
        s.commit()
    engine.dispose()
    return path


def make_app(folder: Path, template: Path | None = None, **config):
    """The real app on a SQLite file in ``folder`` (a copy of ``template`` when given);
    ``config`` overrides the testing configuration."""
    path = folder / "browser.db"
    if template is not None:
        shutil.copyfile(template, path)
    return create_app({"ENV_NAME": "testing", "DATABASE_URL": f"sqlite:///{path}", **config})


def dispose(app) -> None:
    app.extensions[EXTENSION]["engine"].dispose()


@contextmanager
def serve(app) -> Iterator[str]:
    """``app`` on a real threaded WSGI server on 127.0.0.1 (a free port) until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-hub", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


BODY = ("<p>{title}。会议强调，各地各部门要压实责任、细化措施，确保各项工作落到实处。</p>"
        "<p>会议要求，要加强统筹协调，及时发现和解决工作中的问题，形成工作合力。</p>"
        "<table><thead><tr><th>序号</th><th>事项</th></tr></thead>"
        "<tbody><tr><td>1</td><td>制定实施方案</td></tr><tr><td>2</td><td>开展督查</td></tr></tbody></table>"
        "<p>详见<a href=\"https://www.qz.gov.cn/art/2026/11/{n}.html\">衢州市人民政府网站</a>。</p>")

PUBLISHED = [  # (key, title, unit, column, day, featured)
    ("news1", "衢州市召开森林防火工作部署会", "qz", "zwdt", 18, True),
    ("news2", "柯城区推进老旧小区改造提升", "kecheng", "zwdt", 17, False),
    ("notice1", "关于做好2026年冬季安全生产工作的通知", "qz", "tzgg", 16, False),
]
PENDING = [  # the 审核 queue, newest first: pending1, pending2
    ("pending1", "关于开展农村饮水安全专项检查的通知", "kecheng", "tzgg", 20),
    ("pending2", "柯城区召开垃圾分类工作推进会", "kecheng", "zwdt", 19),
]


def _item(n: int, title: str, unit: str, day: int, status: str) -> Item:
    return Item(
        title=title, url=f"http://{unit}.example/art/{n}.html", unit_id=unit, status=status,
        published_at=datetime(2026, 11, day, 2, 0, tzinfo=timezone.utc), source_text=f"{unit}办公室",
        body_html=BODY.format(title=title, n=n), body_text=title + "。会议强调，各地各部门要压实责任。",
        summary=title + "。", content_hash=f"{n:064d}",
    )


def seed(app) -> dict[str, int]:
    """Units, columns, sources, the editor, published and pending items; their ids by key."""
    ids: dict[str, int] = {}
    with new_session(app) as s:
        s.add_all([
            Unit(id="qz", name="衢州市人民政府", kind="city", homepage="http://qz.example/"),
            Unit(id="kecheng", name="柯城区人民政府", kind="county", homepage="http://kecheng.example/"),
            PortalColumn(id="tzgg", name="通知公告", position=1),
            PortalColumn(id="zwdt", name="政务动态", position=2),
        ])
        s.flush()
        s.add_all([
            Source(id="qz-news", unit_id="qz", url="http://qz.example/news/", type="list", columns=["zwdt"]),
            Source(id="kecheng-notices", unit_id="kecheng", url="http://kecheng.example/tzgg/", type="list",
                   columns=["tzgg"]),
            User(username=EDITOR, password_hash=PASSWORD_HASH, role="editor"),
        ])
        s.flush()
        rows = [(key, title, unit, column, day, "published", featured)
                for key, title, unit, column, day, featured in PUBLISHED]
        rows += [(key, title, unit, column, day, "pending", False) for key, title, unit, column, day in PENDING]
        for n, (key, title, unit, column, day, status, featured) in enumerate(rows, start=1):
            item = _item(n, title, unit, day, status)
            item.featured = featured
            item.columns = [ItemColumn(column_id=column)]
            s.add(item)
            s.flush()
            source = "qz-news" if unit == "qz" else "kecheng-notices"
            s.add(ItemSource(item_id=item.id, source_id=source, unit_id=unit, url=item.url, is_primary=True,
                             published_at=item.published_at, source_text=item.source_text))
            ids[key] = item.id
        s.flush()
        search.refresh(s, list(ids.values()))
        counters.bump(s)
        s.commit()
    return ids
