"""Dead links (链接可用性): the links on each unit's homepage (首页链接, images and
attachments included) and the 原文链接 of published items after the harvester's
revisit window (it no longer follows them: link rot shows here).

HEAD first; GET when HEAD is refused (405/501), when it reports a failure (some
servers answer HEAD wrongly) and when a small or unsized HTML page must be
read to see whether it is an error page dressed as 200 (soft 404).  A deep
link redirected to the homepage is dead too.  A 4xx answer is dead at once; a
timeout, a refused connection or a 5xx only after two checks in a row (a site
having a bad minute is not link rot).  robots.txt is obeyed, as a polite link
checker does.  Each run checks at most ``link_checks.per_run`` links of a unit,
those failing or never checked first, then the longest unchecked.
"""
from __future__ import annotations

import hashlib
import threading
import urllib.robotparser
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from harvester.extract import decode_body
from storage import lengths
from storage.lengths import fit
from storage.models import Item, ItemSource
from supervision import pages
from supervision.fetch import Fetched, Limits, fetch
from supervision.findings import Problem, Proof
from supervision.hosts import host_key
from supervision.models import LinkState

TRANSIENT_STRIKES = 2  # failed checks in a row before a link that does not answer is dead
SNIFF_MAX_BYTES = 64 * 1024  # an error page dressed as 200 is small: HEAD-sized pages above this are real
READ_MAX_BYTES = 256 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
HTML = ("text/html", "application/xhtml")
REGISTER_CHUNK = 500


@dataclass(frozen=True)
class Target:
    url: str
    text: str
    found_on: str
    scope: str  # homepage | item
    item_id: int | None = None
    source_id: str | None = None


@dataclass
class Outcome:
    state: str  # alive | dead | failing (no answer, not yet dead) | skipped
    reason: str = ""
    fetched: Fetched | None = None
    keep_page: bool = False


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def subject(scope: str, url: str) -> str:
    return f"{scope} {url}"


# -- what to check ------------------------------------------------------------------------------
def homepage_targets(homepage: str, final_url: str, text: str, external: bool) -> list[Target]:
    own = host_key(final_url or homepage)
    out = []
    for link in pages.links(pages.parse(text, final_url or homepage), final_url or homepage):
        if not external and host_key(link.url) != own:
            continue
        out.append(Target(link.url, link.text, homepage, "homepage"))
    return out


def item_targets(session: Session, unit_id: str, before: datetime) -> list[Target]:
    """Active 原文链接 of the unit's published items, older than the revisit window."""
    rows = session.execute(
        select(ItemSource.url, ItemSource.title, ItemSource.item_id, ItemSource.source_id)
        .join(Item, Item.id == ItemSource.item_id)
        .where(ItemSource.unit_id == unit_id, ItemSource.status == "active", Item.status == "published",
               Item.origin == "harvest", ItemSource.published_at < before)
    )
    return [Target(url, title or "", "", "item", item_id, source_id) for url, title, item_id, source_id in rows]


def register(session: Session, unit_id: str, scope: str, targets: list[Target], now: datetime) -> None:
    """Remember the links found now (``listed_at``); links no longer found keep an older one."""
    by_hash = {url_hash(t.url): t for t in targets}
    known = set(session.scalars(select(LinkState.url_hash).where(LinkState.unit_id == unit_id, LinkState.scope == scope)))
    for digest, target in by_hash.items():
        if digest not in known:
            session.add(LinkState(unit_id=unit_id, scope=scope, url=fit(target.url, lengths.URL), url_hash=digest,
                                  text=fit(target.text, lengths.LINK_TEXT), found_on=fit(target.found_on, lengths.URL), item_id=target.item_id,
                                  source_id=target.source_id, listed_at=now, failures=0, dead=False))
    hashes = sorted(set(by_hash) & known)
    for i in range(0, len(hashes), REGISTER_CHUNK):
        session.execute(update(LinkState).where(LinkState.unit_id == unit_id, LinkState.scope == scope,
                                                LinkState.url_hash.in_(hashes[i:i + REGISTER_CHUNK])).values(listed_at=now))


def due(session: Session, unit_id: str, listed_since: datetime, budget: int, every: timedelta, now: datetime) -> list[LinkState]:
    """At most ``budget`` links still listed: failing ones first, then never checked, then the oldest."""
    query = (select(LinkState)
             .where(LinkState.unit_id == unit_id, LinkState.listed_at >= listed_since,
                    or_(LinkState.failures > 0, LinkState.last_checked.is_(None), LinkState.last_checked <= now - every))
             .order_by(LinkState.failures.desc(), LinkState.last_checked.is_not(None), LinkState.last_checked, LinkState.id)
             .limit(budget))
    return list(session.scalars(query))


# -- checking one link ---------------------------------------------------------------------------
class Round:
    """What one link round learns of each host: its robots.txt (fetched once, politely),
    and whether it answers at all (a host whose name does not resolve or that refuses
    connections is asked once per round, not once per link)."""

    def __init__(self, agent: str = "Zhanqun"):
        self.agent = agent
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._down: dict[str, Fetched] = {}
        self._lock = threading.Lock()

    @staticmethod
    def root(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def allowed(self, url: str, allow_private: bool, limits: Limits) -> bool:
        root = self.root(url)
        with self._lock:
            known = root in self._robots
        if not known:
            got = fetch(root + "/robots.txt", allow_private=allow_private,
                        limits=Limits(limits.timeout, ROBOTS_MAX_BYTES, limits.max_redirects, limits.user_agent, limits.delay))
            parser = None
            if got.ok and got.body:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(got.body.decode("utf-8", errors="replace").splitlines())
            with self._lock:
                self._robots[root] = parser
                if not got.answered and got.error and not got.error.startswith("超时"):
                    self._down[root] = got
        parser = self._robots[root]
        return parser is None or parser.can_fetch(self.agent, url)

    def down(self, url: str) -> Fetched | None:
        with self._lock:
            return self._down.get(self.root(url))


def check(url: str, allow_private: bool, limits: Limits, round_: Round) -> Outcome:
    if not round_.allowed(url, allow_private, limits):
        return Outcome("skipped", "robots.txt 不允许检查")
    down = round_.down(url)
    if down is not None:
        if down.error and down.error.startswith("拒绝访问内网"):
            return Outcome("skipped", down.error, down)
        return Outcome("failing", f"{down.error}（本轮检查中该网站无应答）", down)
    head = fetch(url, method="HEAD", allow_private=allow_private, limits=limits)
    if head.error and head.error.startswith("拒绝访问内网"):
        return Outcome("skipped", head.error, head)
    got = head
    html = head.content_type.lower().startswith(HTML)
    small = head.length is None or head.length <= SNIFF_MAX_BYTES
    if not head.ok or (html and small):
        got = fetch(url, allow_private=allow_private,
                    limits=Limits(limits.timeout, READ_MAX_BYTES, limits.max_redirects, limits.user_agent, limits.delay))
    return judge(url, got)


def judge(url: str, got: Fetched) -> Outcome:
    if not got.answered:
        return Outcome("failing", got.error or "无应答", got)
    status = got.status or 0
    if status >= 400:
        if status >= 500 or status == 429:
            return Outcome("failing", f"HTTP {status}", got)
        return Outcome("dead", f"HTTP {status}", got)
    if got.redirects and not pages.is_homepage_url(url) and pages.is_homepage_url(got.final_url):
        return Outcome("dead", f"跳转到首页（{got.final_url}）", got, keep_page=True)
    if got.method == "GET" and got.body and got.content_type.lower().startswith(HTML):
        text, _ = decode_body(got.body, got.content_type)
        reason = pages.error_page_reason(text)
        if reason:
            return Outcome("dead", f"错误页面（{reason}）", got, keep_page=True)
    return Outcome("alive", f"HTTP {status}", got)


def apply(state: LinkState, outcome: Outcome, now: datetime) -> bool:
    """Record the outcome on the link; True when the link is now dead."""
    state.last_checked = now
    f = outcome.fetched
    state.http_status = f.status if f else None
    state.error = None if outcome.state == "alive" else outcome.reason
    if outcome.state == "alive":
        state.failures, state.dead = 0, False
    elif outcome.state == "dead":
        state.failures, state.dead = state.failures + 1, True
    elif outcome.state == "failing":
        state.failures += 1
        state.dead = state.failures >= TRANSIENT_STRIKES
    return state.dead


def problem(state: LinkState, outcome: Outcome, at: datetime) -> Problem:
    where = "首页链接" if state.scope == "homepage" else "原文链接"
    label = f"“{state.text}”" if state.text else ""
    detail = f"{where}{label}不可用：{outcome.reason or state.error}（{state.url}）"
    if state.scope == "item":
        detail += "；门户上该信息的原文链接已失效"
    return Problem(state.unit_id, "broken_link", subject(state.scope, state.url), detail, source_id=state.source_id,
                   url=state.url, data={"scope": state.scope, "text": state.text, "found_on": state.found_on,
                                        "item_id": state.item_id, "http_status": state.http_status,
                                        "reason": outcome.reason, "failures": state.failures},
                   proof=Proof.of(outcome.fetched, at, note=outcome.reason, keep_page=outcome.keep_page)
                   if outcome.fetched else Proof(at, state.url, note=outcome.reason))
