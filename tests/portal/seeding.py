"""Portal test data: on top of the hub's seed(), items in every state the portal must handle."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hub.db import new_session
from storage import search
from storage.models import Item, ItemColumn, ItemSource, Upload

BODY = (
    '<p>为进一步做好<strong>衢州市</strong>政务公开工作，现将有关事项通知如下。</p>'
    '<p><img src="http://kc.example/images/photo.jpg" alt="会议现场"></p>'
    '<p>详见<a href="http://kc.example/notice/detail.html">通知全文</a>。</p>'
    '<h1>一、总体要求</h1><p>发展改革工作。</p>'
)
SOURCE_URL = "http://kc.example/tzgg/2026/发布通知.html"  # Chinese in the path: never converted or changed
REPOST_URL = "http://js.example/news/repost-99.html"
ATTACHMENT_URL = "http://kc.example/files/附件一.pdf"


def _item(**fields) -> Item:
    defaults = dict(
        url="http://kc.example/x.html", unit_id="kecheng", status="published", content_hash="c" * 64,
        body_html="<p>正文</p>", body_text="正文", summary="摘要", source_text="",
    )
    defaults.update(fields)
    return Item(**defaults)


def seed_portal(app) -> dict:
    """The hub's seed() and seed_extra()."""
    from tests.hub.conftest import seed

    return {**seed(app), **seed_extra(app)}


def seed_extra(app) -> dict:
    """Beyond the hub's seed: a rich published item (body image, links, attachment,
    repost by a second unit), a featured one, a pinned one, withdrawn, rejected,
    scheduled (not yet due and overdue) and a published submission with an upload."""
    ids: dict = {}
    base = datetime(2026, 11, 10, 2, 0, tzinfo=timezone.utc)
    with new_session(app) as s:
        rich = _item(
            title="关于做好2026年政务公开工作的通知 & <重要>", url=SOURCE_URL, published_at=base,
            source_text="柯城区办公室", body_html=BODY,
            body_text="为进一步做好衢州市政务公开工作，现将有关事项通知如下。发展改革工作。",
            summary="为进一步做好衢州市政务公开工作。",
            attachments=[{"name": "附件一.pdf", "url": ATTACHMENT_URL}],
            meta={"document_number": "衢政办发〔2026〕1号", "index_number": "001-2026-0001"},
        )
        featured = _item(title="首页推荐的发展动态", published_at=base - timedelta(days=1), featured=True,
                         url="http://kc.example/feature.html")
        pinned = _item(title="置顶的旧通知", published_at=base - timedelta(days=30), pinned=True,
                       url="http://kc.example/pinned.html")
        withdrawn = _item(title="已撤下的机密通知", status="withdrawn", published_at=base, body_html="<p>撤下的正文</p>",
                          url="http://kc.example/withdrawn.html")
        rejected = _item(title="被退回的通知", status="rejected", published_at=base, url="http://kc.example/rejected.html")
        scheduled = _item(title="定时发布的通知", status="scheduled", published_at=base,
                          publish_at=datetime.now(timezone.utc) + timedelta(days=1), url="http://kc.example/later.html")
        overdue = _item(title="已到时间的定时通知", status="scheduled", published_at=base,
                        publish_at=datetime.now(timezone.utc) - timedelta(minutes=1), url="http://kc.example/due.html")
        submission = _item(title="柯城区报送的工作信息", origin="submission", url="submission:abc", published_at=base,
                           source_text="柯城区人民政府")
        s.add_all([rich, featured, pinned, withdrawn, rejected, scheduled, overdue, submission])
        s.flush()
        s.add_all([
            ItemSource(item_id=rich.id, source_id="kecheng-notices", unit_id="kecheng", url=SOURCE_URL, is_primary=True,
                       published_at=base),
            ItemSource(item_id=rich.id, source_id="jiangshan-news", unit_id="jiangshan", url=REPOST_URL,
                       published_at=base + timedelta(hours=2)),
            *(ItemSource(item_id=i.id, source_id="kecheng-notices", unit_id="kecheng", url=i.url, is_primary=True)
              for i in (featured, pinned)),
            Upload(item_id=submission.id, filename="报送材料.pdf", content_type="application/pdf", size=2048,
                   sha256="d" * 64, data=b"%PDF-1.4 test"),
        ])
        for item in (rich, featured, pinned, withdrawn, rejected, scheduled, overdue):
            s.add(ItemColumn(item_id=item.id, column_id="notices"))
        s.add(ItemColumn(item_id=submission.id, column_id="news"))
        s.flush()
        search.rebuild(s)
        s.commit()
        ids.update(rich=rich.id, featured=featured.id, pinned=pinned.id, withdrawn=withdrawn.id, rejected=rejected.id,
                   scheduled=scheduled.id, overdue=overdue.id, submission=submission.id)
    return ids
