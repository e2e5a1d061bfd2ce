"""Scale-out tables, on the portal's one metadata (``storage.models.Base``).

``HarvestNode``: one Scrapyd node as the dispatcher last saw it (the hub's
采集管理 shows it). ``HostLease``: one request in flight on a host, taken by
any harvesting process on any node; ``HostPacing``: when the next request to a
host may start.  Leases expire, so a node that dies holding some frees them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class HarvestNode(Base):
    __tablename__ = "harvest_nodes"

    url: Mapped[str] = mapped_column(String(500), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # ok | unreachable | lost
    node_name: Mapped[str | None] = mapped_column(String(200))
    running: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    jobs: Mapped[int] = mapped_column(Integer, default=0)  # handed to it by the last dispatching harvest
    message: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HostLease(Base):
    __tablename__ = "host_leases"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    host: Mapped[str] = mapped_column(String(300), index=True)
    holder: Mapped[str] = mapped_column(String(200))  # hostname:pid of the harvesting process
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HostPacing(Base):
    __tablename__ = "host_pacing"

    host: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
