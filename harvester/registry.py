"""Load and validate ``registry.yaml``, the federation's contract.

Every error names ``file:line``, the key path and what is wrong, so the person
who edits the registry can fix it without reading code.  A registry with any
error is never used: :func:`load_registry` raises :class:`RegistryError`.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator, model_validator,
)

from harvester.registry_files import LOGO_SUFFIXES, check_logo
from harvestkit import jsonpath
from harvestkit.dates import DEFAULT_TIMEZONE
from harvestkit.limits import DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_SECONDS, Limits
from harvestkit.policy import SourcePolicy

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
EVERY_PATTERN = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
EVERY_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

Id = Annotated[str, Field(pattern=ID_PATTERN)]
SITE_CODE_PATTERN = r"^(?:\d{10}|bm\d{8})$"  # 网站标识码: 10 digits, or bm + 8 digits for a department
ICP_PATTERN = r"ICP备\d+号"  # e.g. 浙ICP备05007200号-3
POLICE_RECORD_PATTERN = r"公网安备\s*\d{6,20}\s*号"  # e.g. 浙公网安备 33080202000101号
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise ValueError(f"bad port in URL {value!r}") from exc
    return value


HttpUrl = Annotated[str, AfterValidator(_check_url)]


def parse_duration(value: str) -> timedelta:
    match = EVERY_PATTERN.match(value)
    if not match:
        raise ValueError(f"bad duration {value!r}: use a number and s/m/h/d, e.g. 30m")
    return timedelta(seconds=int(match.group(1)) * EVERY_UNITS[match.group(2)])


def _duration(value: str) -> str:
    parse_duration(value)
    return value


Duration = Annotated[str, AfterValidator(_duration)]


class HostPolicy(Strict):
    """Politeness towards one host (many sub-sites share a host or platform)."""

    concurrency: int = Field(default=2, ge=1, le=64)  # requests in flight at once
    delay: float = Field(default=0.5, ge=0, le=600)  # seconds between requests


class HarvestPolicy(Strict):
    """Federation-wide harvesting policy; every key is optional."""

    per_host: HostPolicy = HostPolicy()
    hosts: dict[str, HostPolicy] = Field(default_factory=dict)  # overrides by host name
    failures_before_pause: int = Field(default=5, ge=1, le=1000)
    adaptive: bool = True  # revisit busy sources more often, quiet ones less
    min_interval: Duration = "5m"
    max_interval: Duration = "1d"
    revisit_every: Duration = "1d"  # re-fetch recent detail pages this often (updates, withdrawals)
    revisit_window: Duration = "30d"  # only pages published this recently are revisited
    withdrawal: Literal["unpublish", "flag"] = "unpublish"
    limits: Limits = Limits()  # safety limits for every source (harvestkit/limits.py)
    # Harvest nodes (Scrapyd, `zhanqun node`) that `zhanqun harvest`/`scheduler` dispatch to (nodes/)
    nodes: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("nodes")
    @classmethod
    def _nodes(cls, value: list[str]) -> list[str]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not a harvest node address (http://host:port): {url!r}")
        return [url.rstrip("/") for url in value]

    def host(self, host: str) -> HostPolicy:
        """Policy for ``name`` or ``name:port``; a ``hosts`` entry may name either."""
        host = host.lower()
        return self.hosts.get(host) or self.hosts.get(host.split(":")[0]) or self.per_host


class Contact(Strict):
    """联系我们 in the portal's footer; every key is optional."""

    phone: str | None = Field(default=None, min_length=1, max_length=60)
    email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, min_length=1, max_length=200)
    page: HttpUrl | None = None  # a 联系我们 page

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(EMAIL_PATTERN, value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value


class Portal(Strict):
    """The portal itself: its name, its zone, and the identity every government
    site shows in its header and footer (政府网站发展指引: 主办、承办、网站标识码、
    ICP备案号、公安机关备案号、联系方式)."""

    name: str = Field(min_length=1)
    timezone: str = DEFAULT_TIMEZONE
    user_agent: str | None = None  # overrides the harvester's default User-Agent
    site_code: str | None = None  # 网站标识码
    icp: str | None = Field(default=None, max_length=60)  # ICP备案号
    police_record: str | None = Field(default=None, max_length=60)  # 公安机关备案号
    organizer: str | None = Field(default=None, min_length=1, max_length=100)  # 主办单位
    operator: str | None = Field(default=None, min_length=1, max_length=100)  # 承办单位
    contact: Contact | None = None
    logo: str | None = Field(default=None, min_length=1, max_length=500)  # image file, relative to the registry

    @field_validator("site_code", mode="before")
    @classmethod
    def _site_code_text(cls, value: Any) -> Any:
        """``site_code: 3308000001`` unquoted is a YAML number: read its digits."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("site_code")
    @classmethod
    def _site_code(cls, value: str | None) -> str | None:
        if value is not None and not re.match(SITE_CODE_PATTERN, value):
            raise ValueError(f"not a 网站标识码 {value!r}: 10 digits (e.g. '3308000001'), or bm and 8 digits for a department")
        return value

    @field_validator("icp")
    @classmethod
    def _icp(cls, value: str | None) -> str | None:
        if value is not None and not re.search(ICP_PATTERN, value):
            raise ValueError(f"not an ICP record number {value!r}: write it as shown by MIIT, e.g. 浙ICP备05007200号-3")
        return value

    @field_validator("police_record")
    @classmethod
    def _police_record(cls, value: str | None) -> str | None:
        if value is not None and not re.search(POLICE_RECORD_PATTERN, value):
            raise ValueError(f"not a public-security record number {value!r}: e.g. 浙公网安备 33080202000101号")
        return value

    @field_validator("logo")
    @classmethod
    def _logo_suffix(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in LOGO_SUFFIXES:
            raise ValueError(f"the logo must be a {', '.join(sorted(LOGO_SUFFIXES))} image file, not {value!r}")
        return value

    @property
    def police_record_code(self) -> str | None:
        """The digits of the public-security record (for the link to its entry)."""
        match = re.search(r"\d{6,20}", self.police_record or "")
        return match.group() if match else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value


class Column(Strict):
    id: Id
    name: str = Field(min_length=1)
    # 责任部门全责维护: the unit whose reporters publish into this column directly
    # (still screened for sensitive terms); other units' submissions are reviewed as usual.
    owner: Id | None = None


class InteractionPolicy(Strict):
    """政民互动: how long units have to answer a letter, in working days (PRC calendar)."""

    reply_within: int = Field(default=5, ge=1, le=60)  # working days from dispatch (转办)
    max_days: int = Field(default=15, ge=1, le=120)  # working days in all, one extension (延期) included
    near_due: int = Field(default=1, ge=0, le=30)  # flag letters due within this many working days

    @model_validator(mode="after")
    def _within_max(self) -> "InteractionPolicy":
        if self.reply_within > self.max_days:
            raise ValueError(f"reply_within ({self.reply_within}) exceeds max_days ({self.max_days})")
        return self


class Schedule(Strict):
    every: str | None = None
    cron: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> "Schedule":
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' (e.g. 30m) or 'cron' (e.g. '0 */2 * * *')")
        if self.every is not None:
            match = EVERY_PATTERN.match(self.every)
            if not match or int(match.group(1)) < 1:
                raise ValueError(f"bad interval {self.every!r}: use a number and s/m/h/d, e.g. 30m")
        if self.cron is not None:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(self.cron)
            except ValueError as exc:
                raise ValueError(f"bad cron expression {self.cron!r}: {exc}") from exc
        return self

    @property
    def interval(self) -> timedelta | None:
        if self.every is None:
            return None
        match = EVERY_PATTERN.match(self.every)
        assert match
        return timedelta(seconds=int(match.group(1)) * EVERY_UNITS[match.group(2)])


def _json_path(value: str | None) -> str | None:
    if value is not None and not jsonpath.valid(value):
        raise ValueError(f"bad JSON path {value!r}: use dotted keys with optional [index], e.g. data.list or rows[0].items")
    return value


JsonPath = Annotated[str, AfterValidator(_json_path)]


class JsonRules(Strict):
    """Where a JSON list (an endpoint's answer, or a page's ``var x = …``) keeps its items."""

    items: JsonPath  # the array of records, e.g. data.list (a page's inline JSON starts at the variable's name)
    title: JsonPath | None = None  # field of a record; guessed when absent
    url: JsonPath | None = None
    date: JsonPath | None = None
    total: JsonPath | None = None  # the declared record count, e.g. data.total
    pages: JsonPath | None = None  # the declared page count
    page_param: str | None = Field(default=None, pattern=r"^[A-Za-z_][\w.-]{0,63}$")  # URL parameter of the page number
    page_start: int | None = Field(default=None, ge=0, le=1)  # its value on the first page (default: as in the URL, else 1)


class Rules(Strict):
    """Overrides of automatic list detection: CSS selectors for HTML lists, or
    JSON paths (``json``) for lists held as JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    item: str | None = None
    link: str = "a"
    title: str | None = None
    date: str | None = None
    json_: JsonRules | None = Field(default=None, alias="json")

    @model_validator(mode="after")
    def _one_kind(self) -> "Rules":
        if (self.item is None) == (self.json_ is None):
            raise ValueError("give either 'item' (a CSS selector for HTML lists) or 'json' (JSON paths), not both")
        return self

    @field_validator("item", "link", "title", "date")
    @classmethod
    def _valid_css(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from cssselect import GenericTranslator, SelectorError

        try:
            GenericTranslator().css_to_xpath(value)
        except SelectorError as exc:
            raise ValueError(f"bad CSS selector {value!r}: {exc}") from exc
        return value


COLUMN_CATEGORIES = ("dynamic", "notice", "plan", "other")
class ColumnPage(Strict):
    """A source's column with the human page for it on the unit's site (站群导航),
    for sources whose ``url`` is no page for people (a feed, a sitemap)."""

    id: Id
    page: HttpUrl


def _column_kind(value: Any) -> str:
    return "column-page" if isinstance(value, (dict, ColumnPage)) else "column-id"


# A source's column: ``xqdt`` or ``{id: xqdt, page: http://…/xqdt/}``.
ColumnRef = Annotated[
    Union[Annotated[Id, Tag("column-id")], Annotated[ColumnPage, Tag("column-page")]],
    Discriminator(_column_kind),
]
UNION_TAGS = frozenset({"column-id", "column-page"})  # not keys: left out of error paths


SourceType = Literal["auto", "feed", "list", "hanweb", "trs", "sitemap", "json"]  # a spider each (spiders.SPIDERS)
SOURCE_TYPES: tuple[str, ...] = get_args(SourceType)


class SourceEntry(Strict):
    """One ``sources[]`` entry of a unit (its row in the database: ``storage.models.Source``)."""

    id: Id
    url: str
    type: SourceType = "auto"
    columns: list[ColumnRef] = Field(min_length=1)
    page: HttpUrl | None = None  # the source's page for people, when ``url`` is a feed or sitemap
    # Supervision: the kind of column for freshness (动态要闻 / 通知公告·政策文件 / 人事·规划计划 / none)
    category: Literal["dynamic", "notice", "plan", "other"] = "dynamic"
    # False: watched only: the list is read on schedule for its newest date and emptiness, no item stored
    harvest: bool = True
    schedule: Schedule = Schedule(every="1h")
    adaptive: bool | None = None  # true: may also lengthen a written `every`; false: keep it exactly
    review: Literal["required", "auto"] = "required"
    encoding: str | None = None
    max_pages: int = Field(default=DEFAULT_MAX_PAGES, ge=1, le=1000)
    allow_private: bool = False
    timeout: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0, le=300)  # seconds per request
    min_interval: Duration | None = None  # adaptive bounds for this source
    max_interval: Duration | None = None
    withdrawal: Literal["unpublish", "flag"] | None = None
    limits: Limits | None = None  # this source's own limits (keys given override harvest.limits)
    rules: Rules | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_url(value)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {value!r}") from exc
        return value

    @property
    def column_ids(self) -> list[str]:
        return [c.id if isinstance(c, ColumnPage) else c for c in self.columns]

    @property
    def column_pages(self) -> dict[str, str]:
        """Column id → its human page, where the registry gives one."""
        return {c.id: c.page for c in self.columns if isinstance(c, ColumnPage)}


class Duty(Strict):
    column: Id
    min_items: int = Field(ge=1)
    per: Literal["week", "month", "quarter", "year"] = "month"


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UnitContact(Strict):
    """Who at the unit gets its supervision mail (needs ``supervision.notify``)."""

    name: str = Field(min_length=1)
    email: str

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        if not EMAIL.fullmatch(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class UnitEntry(Strict):
    """One ``units[]`` entry (its row in the database: ``storage.models.Unit``)."""

    id: Id
    name: str = Field(min_length=1)
    kind: Literal["county", "department"]
    homepage: str
    allow_private: bool = False  # supervision may probe the homepage (and its links) at private addresses
    sources: list[SourceEntry] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    contacts: list[UnitContact] = Field(default_factory=list)

    @field_validator("homepage")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_url(value)


# -- supervision (监督考评): defaults as the national check indicators state ------------------
# 国办秘函〔2019〕19号: a site fails outright (单项否决) when its homepage cannot be reached, shows
# nothing new for 2 weeks, or has too many stale or empty columns; otherwise it loses points.

FINDING_KINDS = ("site_unreachable", "homepage_stale", "column_stale", "column_empty", "broken_link",
                 "duty_shortfall", "harvest_broken")


def _at_least(minimum: timedelta):
    def check(value: str) -> str:
        if parse_duration(value) < minimum:
            raise ValueError(f"{value!r} is too often: at least {int(minimum.total_seconds() // 60)}m")
        return value

    return AfterValidator(check)


class StaleAfter(Strict):
    """A column is stale when its newest item is older than this, by category."""

    dynamic: Duration = "14d"  # 动态、要闻类: 2 weeks
    notice: Duration = "180d"  # 通知公告、政策文件类: 6 months
    plan: Duration = "365d"  # 人事、规划计划类: a year


class HomepageChecks(Strict):
    every: Annotated[Duration, _at_least(timedelta(minutes=1))] = "1h"  # jittered by 10%
    timeout: float = Field(default=15, gt=0, le=120)  # "超过15秒仍打不开" counts as a failure


class Veto(Strict):
    """单项否决 thresholds, each "at least N"."""

    unreachable_checks: int = Field(default=15, ge=1)  # failed homepage probes within the last 7 days
    stale_columns: int = Field(default=5, ge=1)
    empty_columns: int = Field(default=5, ge=1)


class LinkChecks(Strict):
    every: Annotated[Duration, _at_least(timedelta(hours=1))] = "1d"
    per_run: int = Field(default=200, ge=1, le=100_000)  # links checked per unit per run
    external: bool = True  # also check homepage links to other sites


class Deduct(Strict):
    """Points per open finding (broken links: per link)."""

    site_unreachable: float = Field(default=5, ge=0, le=100)
    homepage_stale: float = Field(default=5, ge=0, le=100)
    column_stale: float = Field(default=2, ge=0, le=100)
    column_empty: float = Field(default=2, ge=0, le=100)
    broken_link: float = Field(default=1, ge=0, le=100)  # a dead link on the homepage (首页链接)
    broken_link_item: float = Field(default=0.1, ge=0, le=100)  # a dead 原文链接 of a published item
    duty_shortfall: float = Field(default=2, ge=0, le=100)


class DeductMax(Strict):
    """The most points one kind can cost."""

    site_unreachable: float = Field(default=5, ge=0, le=100)
    homepage_stale: float = Field(default=5, ge=0, le=100)
    column_stale: float = Field(default=10, ge=0, le=100)
    column_empty: float = Field(default=10, ge=0, le=100)
    broken_link: float = Field(default=10, ge=0, le=100)
    broken_link_item: float = Field(default=5, ge=0, le=100)
    duty_shortfall: float = Field(default=10, ge=0, le=100)


class Notify(Strict):
    """E-mail to units about their findings: ``smtp://[user:password@]host[:port]`` (``smtps://`` for TLS)."""

    smtp: str
    sender: str = Field(alias="from", min_length=3)
    remind_days: int = Field(default=2, ge=0, le=30)  # working days before a deadline a reminder goes out

    @field_validator("smtp")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"{value!r} is not an smtp:// or smtps:// URL")
        return value

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        if not EMAIL.fullmatch(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class SupervisionPolicy(Strict):
    """The top-level ``supervision:`` section; every key optional."""

    rectify_days: int = Field(default=10, ge=1, le=250)  # 整改期限: working days after a finding opens
    notify: Notify | None = None

    stale_after: StaleAfter = StaleAfter()
    homepage_stale_after: Duration = "14d"
    homepage_checks: HomepageChecks = HomepageChecks()
    veto: Veto = Veto()
    link_checks: LinkChecks = LinkChecks()
    deduct: Deduct = Deduct()
    deduct_max: DeductMax = DeductMax()

    def stale_days(self, category: str) -> int | None:
        """Days without an update after which a column of ``category`` is stale (None: no duty)."""
        value = getattr(self.stale_after, category, None)
        return parse_duration(value).days if value else None


class Registry(Strict):
    portal: Portal
    harvest: HarvestPolicy = HarvestPolicy()
    interaction: InteractionPolicy = InteractionPolicy()
    supervision: SupervisionPolicy = SupervisionPolicy()
    columns: list[Column] = Field(min_length=1)
    units: list[UnitEntry] = Field(default_factory=list)

    def sources(self) -> list[tuple[UnitEntry, SourceEntry]]:
        return [(unit, source) for unit in self.units for source in unit.sources]

    def source(self, source_id: str) -> tuple[UnitEntry, SourceEntry]:
        for unit, source in self.sources():
            if source.id == source_id:
                return unit, source
        raise KeyError(source_id)

    def policy(self, unit: UnitEntry, source: SourceEntry) -> SourcePolicy:
        """The source's frozen policy: its limits over ``harvest.limits``, its withdrawal
        over ``harvest.withdrawal``, and with ``allow_private`` the private host:port
        pairs it may contact: those of its URL and of its unit's homepage."""
        return SourcePolicy.build(
            self.harvest.limits.merged(source.limits),
            source.withdrawal or self.harvest.withdrawal,
            source.allow_private,
            [source.url, unit.homepage],
        )


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path or '(top)'}: {self.message}"


class RegistryError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# -- YAML with line numbers -------------------------------------------------------


def _to_python(node: yaml.Node, path: tuple, lines: dict[tuple, int], problems: list[Problem], file: str) -> Any:
    """Turn a composed YAML node into plain data, remembering each path's line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in result:
                problems.append(Problem(file, key_node.start_mark.line + 1, _dotted(path + (key,)), "duplicate key"))
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _to_python(value_node, path + (key,), lines, problems, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(child, path + (i,), lines, problems, file) for i, child in enumerate(node.value)]
    return _scalar(node)


_SCALAR_LOADER = yaml.SafeLoader("")


def _scalar(node: yaml.ScalarNode) -> Any:
    return _SCALAR_LOADER.construct_object(node, deep=True)


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_for(path: tuple, lines: dict[tuple, int]) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _readable(path: tuple, data: Any) -> str:
    """units[0].sources[1].url → units[kecheng].sources[kecheng-news].url for humans."""
    out, node = "", data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else part
            out += f"[{label}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def parse_registry(text: str, file: str = "registry.yaml", files_dir: Path | None = None) -> Registry:
    """Validate registry text.  With ``files_dir`` (the registry's folder), the
    files it names (``portal.logo``) are checked too."""
    problems: list[Problem] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        raise RegistryError([Problem(file, line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if root is None:
        raise RegistryError([Problem(file, 1, "", "the registry is empty")])
    lines: dict[tuple, int] = {}
    data = _to_python(root, (), lines, problems, file)
    if not isinstance(data, dict):
        raise RegistryError([Problem(file, 1, "", "the registry must be a mapping with portal, columns and units")])

    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"]
                        if not (isinstance(p, str) and (p.startswith("function-") or p in UNION_TAGS)))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            problems.append(Problem(file, _line_for(loc, lines), _readable(loc, data), msg))
        raise RegistryError(sorted(problems, key=lambda p: p.line)) from None

    problems.extend(_cross_checks(registry, data, lines, file))
    if files_dir is not None and registry.portal.logo:
        message = check_logo(files_dir / registry.portal.logo)
        if message:
            problems.append(Problem(file, _line_for(("portal", "logo"), lines), "portal.logo", message))
    if problems:
        raise RegistryError(sorted(problems, key=lambda p: p.line))
    return registry


def _cross_checks(registry: Registry, data: dict, lines: dict[tuple, int], file: str) -> list[Problem]:
    """Rules that span entries: unique ids and column references."""
    problems: list[Problem] = []

    def report(path: tuple, message: str) -> None:
        problems.append(Problem(file, _line_for(path, lines), _readable(path, data), message))

    column_ids: set[str] = set()
    for i, column in enumerate(registry.columns):
        if column.id in column_ids:
            report(("columns", i, "id"), f"duplicate column id {column.id!r}")
        column_ids.add(column.id)

    unit_ids: set[str] = set()
    source_ids: set[str] = set()
    for u, unit in enumerate(registry.units):
        if unit.id in unit_ids:
            report(("units", u, "id"), f"duplicate unit id {unit.id!r}")
        unit_ids.add(unit.id)
        for s, source in enumerate(unit.sources):
            if source.id in source_ids:
                report(("units", u, "sources", s, "id"), f"duplicate source id {source.id!r}")
            source_ids.add(source.id)
            for c, column in enumerate(source.column_ids):
                if column not in column_ids:
                    where = ("units", u, "sources", s, "columns", c) + (("id",) if source.columns[c] != column else ())
                    report(where, f"unknown column {column!r}")
            if len(set(source.column_ids)) != len(source.column_ids):
                report(("units", u, "sources", s, "columns"), "a column is named twice")
            if source.rules is not None and source.rules.item is not None and source.type not in ("list", "trs", "auto"):
                report(("units", u, "sources", s, "rules"), f"CSS rules apply to list pages, not to type {source.type!r}")
            if source.rules is not None and source.rules.json_ is not None and source.type not in ("list", "trs", "auto", "json"):
                report(("units", u, "sources", s, "rules", "json"), f"rules.json applies to JSON lists, not to type {source.type!r}")
        for d, duty in enumerate(unit.duties):
            if duty.column not in column_ids:
                report(("units", u, "duties", d, "column"), f"unknown column {duty.column!r}")
    for i, column in enumerate(registry.columns):
        if column.owner is not None and column.owner not in unit_ids:
            report(("columns", i, "owner"), f"unknown unit {column.owner!r}")
    return problems


def load_registry(path: str | Path, check_files: bool = False) -> Registry:
    """The registry at ``path``; ``check_files``: also the files it names (the
    portal's logo), which only the portal serves (harvests may read a copy of the
    registry kept elsewhere, see harvester/scheduler.py)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError([Problem(str(path), 0, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise RegistryError([Problem(str(path), 1, "", f"not UTF-8 text: {exc}")]) from None
    return parse_registry(text, str(path), path.resolve().parent if check_files else None)
