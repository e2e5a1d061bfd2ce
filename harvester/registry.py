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
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harvestkit.limits import Limits
from harvestkit.policy import SourcePolicy

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
EVERY_PATTERN = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
EVERY_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SOURCE_TYPES = ("auto", "feed", "list", "hanweb", "trs", "sitemap")

Id = Annotated[str, Field(pattern=ID_PATTERN)]


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

    def host(self, host: str) -> HostPolicy:
        """Policy for ``name`` or ``name:port``; a ``hosts`` entry may name either."""
        host = host.lower()
        return self.hosts.get(host) or self.hosts.get(host.split(":")[0]) or self.per_host


class Portal(Strict):
    name: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    user_agent: str | None = None  # overrides the harvester's default User-Agent

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


class Rules(Strict):
    """CSS selectors that override automatic list detection."""

    item: str
    link: str = "a"
    title: str | None = None
    date: str | None = None

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


class Source(Strict):
    id: Id
    url: str
    type: Literal["auto", "feed", "list", "hanweb", "trs", "sitemap"] = "auto"
    columns: list[Id] = Field(min_length=1)
    schedule: Schedule = Schedule(every="1h")
    review: Literal["required", "auto"] = "required"
    encoding: str | None = None
    max_pages: int = Field(default=5, ge=1, le=1000)
    allow_private: bool = False
    timeout: float = Field(default=30, gt=0, le=300)  # seconds per request
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


class Duty(Strict):
    column: Id
    min_items: int = Field(ge=1)
    per: Literal["week", "month", "quarter", "year"] = "month"


class Unit(Strict):
    id: Id
    name: str = Field(min_length=1)
    kind: Literal["county", "department"]
    homepage: str
    sources: list[Source] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)

    @field_validator("homepage")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _check_url(value)


class Registry(Strict):
    portal: Portal
    harvest: HarvestPolicy = HarvestPolicy()
    columns: list[Column] = Field(min_length=1)
    units: list[Unit] = Field(default_factory=list)

    def sources(self) -> list[tuple[Unit, Source]]:
        return [(unit, source) for unit in self.units for source in unit.sources]

    def source(self, source_id: str) -> tuple[Unit, Source]:
        for unit, source in self.sources():
            if source.id == source_id:
                return unit, source
        raise KeyError(source_id)

    def policy(self, unit: Unit, source: Source) -> SourcePolicy:
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


def parse_registry(text: str, file: str = "registry.yaml") -> Registry:
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
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            problems.append(Problem(file, _line_for(loc, lines), _readable(loc, data), msg))
        raise RegistryError(sorted(problems, key=lambda p: p.line)) from None

    problems.extend(_cross_checks(registry, data, lines, file))
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
            for c, column in enumerate(source.columns):
                if column not in column_ids:
                    report(("units", u, "sources", s, "columns", c), f"unknown column {column!r}")
            if source.rules is not None and source.type not in ("list", "trs", "auto"):
                report(("units", u, "sources", s, "rules"), f"rules apply to list pages, not to type {source.type!r}")
        for d, duty in enumerate(unit.duties):
            if duty.column not in column_ids:
                report(("units", u, "duties", d, "column"), f"unknown column {duty.column!r}")
    return problems


def load_registry(path: str | Path) -> Registry:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError([Problem(str(path), 0, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise RegistryError([Problem(str(path), 1, "", f"not UTF-8 text: {exc}")]) from None
    return parse_registry(text, str(path))
