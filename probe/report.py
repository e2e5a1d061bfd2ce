"""What a probe found, and how it is told: JSON, text and a registry snippet."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harvester.registry import SOURCE_TYPES
from harvestkit.dates import find_date

SAMPLE_TEXT_CHARS = 200
ERROR_PREFIX = "error: "  # warnings that are errors (a page that failed, a refused address, robots.txt)


@dataclass(frozen=True)
class ProbeRequest:
    url: str
    type: str = "auto"
    encoding: str | None = None
    pages: int = 3
    allow_private: bool = False


@dataclass
class ProbeReport:
    request: ProbeRequest
    type: str = ""
    reason: str = ""
    reading: str = ""
    scheme: str | None = None
    declared_pages: int | None = None
    declared_total: int | None = None
    pages: list[dict] = field(default_factory=list)  # [{"url", "items": [{"title", "url", "date"}]}]
    sample: dict | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[dict]:
        return [item for page in self.pages for item in page["items"]]

    @property
    def ok(self) -> bool:
        return bool(self.items) and not self.errors

    def to_json(self) -> dict:
        return {
            "type": self.type, "reason": self.reason,
            "paging": {"scheme": self.scheme, "declared_pages": self.declared_pages, "declared_total": self.declared_total},
            "pages": self.pages, "sample": self.sample,
            "warnings": [f"{ERROR_PREFIX}{e}" for e in self.errors] + self.warnings,
            "registry": registry_snippet(self),
        }


def list_warnings(report: ProbeReport) -> list[str]:
    """What an editor should look at before adding the source."""
    items = report.items
    out = []
    undated = [it for it in items if not it["date"]]
    if undated:
        out.append(f"{len(undated)} of {len(items)} entries have no date on the list (undated entries)")
    dated_titles = [it["title"] for it in items if find_date(it["title"] or "")]
    if dated_titles:
        out.append(f"{len(dated_titles)} titles have a date in them, e.g. {dated_titles[0]!r}")
    untitled = [it for it in items if not (it["title"] or "").strip()]
    if untitled:
        out.append(f"{len(untitled)} of {len(items)} entries have no title on the list")
    if report.pages and not items:
        out.append("no entries found on the list page: wrong type, or the list is built by a script we cannot read")
    return out


def source_id(url: str) -> str:
    """A registry id from the address: host labels and the column's path segment."""
    parts = urlsplit(url)
    host = (parts.hostname or "source").lower()
    host = re.sub(r"^www\.", "", host)
    host = re.sub(r"\.(gov|com|org|net|edu)?\.?cn$|\.(com|org|net|gov)$", "", host)
    segments = [s for s in parts.path.split("/") if s and not re.match(r"^(index|default|list)(_\d+)?\.\w+$", s)]
    tail = re.sub(r"\.\w+$", "", segments[-1]) if segments else ""
    ident = re.sub(r"[^a-z0-9]+", "-", f"{host}-{tail}".lower()).strip("-")
    return (ident or "source")[:64].strip("-")


def _scalar(value) -> str:
    text = str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or re.fullmatch(r"[\w./:-]+", text) and not text[:1].isdigit():
        return text
    return json.dumps(text, ensure_ascii=False)


def registry_snippet(report: ProbeReport) -> str:
    """A ``sources:`` entry ready to paste under a unit in registry.yaml."""
    request = report.request
    kind = report.type if report.type in SOURCE_TYPES else request.type
    lines = [f"# 试采 {kind}" + (f", {report.scheme}" if report.scheme else "") + (f": {report.reason}" if report.reason else ""),
             "sources:", f"  - id: {source_id(request.url)}", f"    url: {_scalar(request.url)}", f"    type: {kind}",
             "    columns: [change-me]  # the portal column ids (栏目) this source feeds",
             "    schedule: {every: 1h}", "    review: required"]
    if request.encoding:
        lines.append(f"    encoding: {_scalar(request.encoding)}")
    if report.declared_pages and report.declared_pages > 5:
        lines.append(f"    max_pages: {min(report.declared_pages, 50)}  # the list declares {report.declared_pages} pages")
    if request.allow_private:
        lines.append("    allow_private: true  # test and demo sites only")
    return "\n".join(lines) + "\n"


def render_text(report: ProbeReport) -> str:
    """The report for a terminal."""
    lines = [f"地址: {report.request.url}", f"类型: {report.type}  ({report.reason})"]
    if report.reading:
        lines.append(f"读取: {report.reading}")
    lines.append(f"分页: {report.scheme or '-'}  声明页数 {report.declared_pages or '-'}  声明条数 {report.declared_total or '-'}")
    for n, page in enumerate(report.pages, 1):
        lines.append(f"\n第 {n} 页 {page['url']}  ({len(page['items'])} 条)")
        for item in page["items"]:
            lines.append(f"  {item['date'] or '（无日期）':<20} {item['title'] or '（无标题）'}\n  {'':<20} {item['url']}")
    if report.sample:
        s = report.sample
        lines += ["\n详情页样例:", f"  标题: {s.get('title')}", f"  发布时间: {s.get('published_at')}", f"  来源: {s.get('source')}",
                  f"  地址: {s.get('url')}"]
        lines += [f"  附件: {a['name']} <{a['url']}>" for a in s.get("attachments") or []]
        lines.append(f"  正文: {s.get('body_text')}")
    for warning in report.warnings:
        lines.append(f"注意: {warning}")
    for error in report.errors:
        lines.append(f"错误: {error}")
    lines += ["\n登记簿片段 (registry.yaml):", registry_snippet(report)]
    return "\n".join(lines)
