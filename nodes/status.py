"""What the hub's 采集管理 shows of the harvest nodes: each node as the last
dispatching harvest saw it, and the runs running on it now."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nodes.models import HarvestNode
from storage.models import HarvestRun

NODE_STATUS_LABELS = {"ok": "在线", "unreachable": "无法连接", "lost": "已失联"}


@dataclass
class NodeView:
    url: str
    status: str
    checked_at: datetime | None
    running: int = 0
    pending: int = 0
    message: str | None = None
    node_name: str | None = None
    runs: list[HarvestRun] = field(default_factory=list)  # running on it now

    @property
    def label(self) -> str:
        return NODE_STATUS_LABELS.get(self.status, self.status)


def node_overview(session: Session) -> list[NodeView]:
    """Every node on record, plus any node a running run names that is not (yet)."""
    views = {row.url: NodeView(row.url, row.status, row.checked_at, row.running, row.pending, row.message, row.node_name)
             for row in session.scalars(select(HarvestNode).order_by(HarvestNode.url))}
    running = session.scalars(select(HarvestRun).where(HarvestRun.status == "running", HarvestRun.node.is_not(None))
                              .order_by(HarvestRun.started_at))
    for run in running:
        views.setdefault(run.node, NodeView(run.node, "ok", None)).runs.append(run)
    return list(views.values())
