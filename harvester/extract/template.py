"""Site templates: where one source's detail pages keep their title, info bar and body.

Pages of one source come out of one CMS template.  After the first few pages of
a source are extracted the full way (meta tags → patterns → trafilatura,
:mod:`harvester.extract.page`), :class:`TemplateBook` learns the XPath of the
title element, of the info bar (发布时间/来源) and of the content container, and
checks it on those same pages: the template must give the same title, the same
date and a body with character-F1 ≥ 0.95 against the full extraction.  Then the
source's next pages are read with the template: one lxml parse and a few
selections, no text-density scoring, no trafilatura.

A page the template misses (no title, no date, a content node much smaller than
usual) goes the full way and the template is learned again from that page on;
every ``CHECK_EVERY``-th page also goes the full way as a check.  A template that
is replaced by one with other selectors means the site changed its pages (a
redesign): the harvest records that on the source's health.

Templates are plain dicts between processes and in the database
(``source_templates``, :mod:`harvester.templates_store`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from lxml import etree

from harvester.extract import body as body_mod
from harvester.extract.dom import block_text, norm_space, parse_html, strip_junk, text_of
from harvester.extract.govinfo import extract_gov_fields
from harvester.extract.links import attachment_scopes, find_attachments, find_images
from harvester.extract.meta import read_meta
from harvester.extract.model import Extracted
from harvester.extract.patterns import find_source, is_copyright_line, settle_source
from harvester.extract.sanitize import node_to_safe_html
from harvester.extract.title import choose_title
from harvestkit.dates import find_dates, get_tz, parse_date, to_aware, with_shown_time

__all__ = ["Template", "TemplateBook", "anchors_of", "extract_by_template", "char_f1", "agrees"]

LEARN_PAGES = 3  # full extractions a template is learned from, and checked on
CHECK_EVERY = 25  # every Nth page read by template also goes the full way
MIN_F1 = 0.95  # body character-F1 of the template against the full way
MIN_BODY_SHARE = 0.35  # a content node under 35 % of the learned median length is a miss
MAX_INFO_CHARS = 300  # an info bar is a line or two, never a paragraph
_SAFE_ATTR = re.compile(r"^[\w\- :.]{1,80}$")
_INFO_HINT = re.compile(r"发布|时间|日期|来源|作者|浏览|点击|字号|\d{4}\s*[-年/.]\s*\d{1,2}")


@dataclass
class Template:
    title: str  # XPath of the title element ("" when every learned page had it in a meta tag)
    info: str  # XPath of the info bar ("" when date and 来源 came from meta tags)
    body: str  # XPath of the content container
    body_chars: int = 0  # median body length of the pages it was learned on
    learned_at: str = ""  # ISO time, UTC
    pages: int = LEARN_PAGES  # pages it was checked on when learned

    def selectors(self) -> tuple[str, str, str]:
        return self.title, self.info, self.body

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Template":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


# -- learning: where did the full way find things --------------------------------
def _step(el) -> tuple[str, bool]:
    """One XPath step for ``el`` and whether it anchors the path (an id or a class)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else "*"
    eid, cls = el.get("id"), el.get("class")
    if eid and _SAFE_ATTR.match(eid) and not any(ch.isdigit() for ch in eid[-3:]):
        return f'{tag}[@id="{eid}"]', True
    if cls and _SAFE_ATTR.match(cls.strip()):
        return f'{tag}[@class="{cls}"]', True
    return tag, False


def selector_of(root, node) -> str:
    """A short XPath whose first match in ``root`` is ``node``: the nearest anchored
    ancestor (id, else class) and the tags below it; a positional path otherwise."""
    if node is None or root is None:
        return ""
    steps: list[str] = []
    el = node
    while el is not None and el is not root:
        step, anchored = _step(el)
        steps.append(step)
        if anchored:
            path = "//" + "/".join(reversed(steps))
            try:
                found = root.xpath(path)
            except Exception:  # noqa: BLE001 - an odd attribute value: try the next way
                found = []
            if found and found[0] is node:
                return path
        el = el.getparent()
    try:
        return root.getroottree().getpath(node)
    except (ValueError, TypeError):
        return ""


def _contains(outer, inner) -> bool:
    el = inner
    while el is not None:
        if el is outer:
            return True
        el = el.getparent()
    return False


def _is_info(el) -> bool:
    """An element whose own text reads as an info bar: a label or a date, and a date
    or a 来源 in its whole text."""
    own = el.text or ""
    if not own.strip() or not _INFO_HINT.search(own):
        return False
    return "来源" in own or any(find_dates(line) for line in text_of(el).split("\n"))


def _is_labelled_info(el) -> bool:
    """An info bar that says what it holds (来源：, 发布时间：…), not a bare date such as
    a header's 今天是….  Only such a bar above the title is taken for the page's."""
    own = el.text or ""
    return _is_info(el) and ("来源" in own or any(labelled for line in text_of(el).split("\n")
                                                  for _dt, labelled in find_dates(line)))


def _widen(root, el, title_node, body):
    """``el`` widened to its largest short ancestor that holds neither title nor body."""
    best, parent = el, el.getparent()
    while parent is not None and parent is not root:
        if _contains(parent, body) or (title_node is not None and _contains(parent, title_node)):
            break
        if len(text_of(parent)) > MAX_INFO_CHARS:
            break
        best, parent = parent, parent.getparent()
    return best


def info_node(root, title_node, body):
    """The info bar: the element holding the first dated or labelled line between
    the title (or the page's start) and the body, widened to its largest short
    ancestor that holds neither the title nor the body.  A body container that holds
    the title too is searched after the title; with nothing there, the nearest info
    bar above the title (a disclosure table that repeats the title under it) counts."""
    title_in_body = title_node is not None and _contains(body, title_node)
    started = title_node is None
    above = None
    for el in root.iter():
        if el is body and not title_in_body:
            break
        if not isinstance(el.tag, str):
            continue
        if not started:
            if el is title_node:
                started = True
            elif not _contains(el, body) and (title_node is None or not _contains(el, title_node)) \
                    and not _contains(body, el) and _is_labelled_info(el):
                above = el
            continue
        if _contains(el, body) or (title_node is not None and _contains(el, title_node)):
            continue
        if title_in_body and len(text_of(el)) > MAX_INFO_CHARS:
            continue
        if _is_info(el):
            return _widen(root, el, title_node, body)
        if title_in_body and not _contains(body, el):
            break  # past the body's end
    return _widen(root, above, title_node, body) if above is not None else None


def anchors_of(root, title_node, body) -> dict:
    """Selectors of the title element, the info bar and the body in ``root`` (the
    full way's tree after junk stripping, before the body is cleaned)."""
    if root is None or body is None:
        return {}
    info = info_node(root, title_node, body)
    return {
        "title": selector_of(root, title_node) if title_node is not None else "",
        "info": selector_of(root, info) if info is not None else "",
        "body": selector_of(root, body),
    }


# -- reading a page by template ---------------------------------------------------
@lru_cache(maxsize=512)
def _compiled(path: str):
    try:
        return etree.XPath(path)
    except etree.XPathError:
        return None


def _first(root, path: str):
    finder = _compiled(path) if path else None
    if finder is None:
        return None
    try:
        found = finder(root)
    except Exception:  # noqa: BLE001 - a stored selector lxml refuses: a miss
        return None
    for el in found:
        if isinstance(getattr(el, "tag", None), str):
            return el
    return None


def _info_fields(lines: list[str]) -> tuple[datetime | None, str]:
    """The date (labelled first) and the 来源 of the info bar's lines."""
    labelled = anything = None
    source = ""
    prev = ""
    for line in lines:
        if is_copyright_line(line):
            prev = line
            continue
        for dt, is_labelled in find_dates(line, prev):
            if is_labelled and labelled is None:
                labelled = dt
            if anything is None:
                anything = dt
        if not source:
            source = find_source(line)
        prev = line
    return labelled or anything, source


def extract_by_template(html: str, url: str, tz_name: str, template: Template) -> Extracted | None:
    """Extract with ``template``; ``None`` when it misses (no body node, no title,
    no date, or a body much shorter than the pages it was learned on)."""
    root = parse_html(html)
    if root is None:
        return None
    out = Extracted(url=url or "")
    meta = read_meta(root)
    out.column_name, out.site_name = meta.column_name, meta.site_name
    published = parse_date(meta.date)
    strip_junk(root)
    body = _first(root, template.body)
    if body is None:
        return None
    shown = text_of(_first(root, template.title)) if template.title else ""
    if meta.title:  # the meta tag leads, as on the full way; the learned title element settles a site-name tail
        title, _ = choose_title(root, meta.title, meta.html_title, meta.site_name, shown=shown or None)
    else:
        title = shown
    if not title:
        return None
    info = _first(root, template.info)
    lines = [line.strip() for line in block_text(info).split("\n") if line.strip()] if info is not None else []
    found_date, found_source = _info_fields(lines)
    published = with_shown_time(published, found_date) if published else found_date
    out.source = settle_source(meta.source, found_source)
    if published is None:
        return None
    out.meta = extract_gov_fields(root, lines)
    out.attachments = find_attachments(attachment_scopes(root, body), url, out.refused_links)
    body_mod.clean_body(body, title, None)
    out.body_text = body_mod.body_text(body)
    if len(out.body_text) < MIN_BODY_SHARE * template.body_chars:
        return None
    out.images = find_images(body, url)
    out.body_html = node_to_safe_html(body, url)
    out.title = norm_space(title)
    out.published_at = to_aware(published, get_tz(tz_name))
    return out


# -- checking ----------------------------------------------------------------------
def char_f1(a: str, b: str) -> float:
    """Character-bag F1 of two texts, whitespace ignored."""
    ca, cb = Counter("".join(a.split())), Counter("".join(b.split()))
    na, nb = sum(ca.values()), sum(cb.values())
    if not na and not nb:
        return 1.0
    if not na or not nb:
        return 0.0
    common = sum((ca & cb).values())
    return 2 * common / (na + nb)


def agrees(by_template: Extracted | None, full: Extracted) -> bool:
    """The template reproduces the full way: same title, same date, body F1 ≥ 0.95."""
    if by_template is None:
        return False
    return (
        by_template.title == full.title
        and by_template.published_at == full.published_at
        and char_f1(by_template.body_text, full.body_text) >= MIN_F1
    )


# -- one source's template through a harvest ------------------------------------------
@dataclass
class _Sample:
    html: str
    url: str
    full: Extracted
    anchors: dict


@dataclass
class _SourceTemplates:
    template: Template | None = None
    previous: Template | None = None  # the template that missed, until another is learned
    samples: list = field(default_factory=list)
    since_check: int = 0


class TemplateBook:
    """Per-source templates in one extraction process.  :meth:`extract` returns the
    page and a report: ``way`` ('template', 'full', 'check' or 'miss') and, when a
    template was (re)learned, ``learned`` (its dict) and ``redesign`` (it replaced
    a template with other selectors)."""

    def __init__(self, templates: dict[str, dict] | None = None):
        self.sources: dict[str, _SourceTemplates] = {}
        for source_id, data in (templates or {}).items():
            try:
                self.sources[source_id] = _SourceTemplates(template=Template.from_dict(data))
            except (TypeError, KeyError):
                continue

    def extract(self, source_id: str, html: str, url: str, tz: str) -> tuple[Extracted, dict]:
        from harvester.extract.page import extract_page_full

        state = self.sources.setdefault(source_id, _SourceTemplates())
        template = state.template
        if template is not None:
            state.since_check += 1
            if state.since_check < CHECK_EVERY:
                try:
                    found = extract_by_template(html, url, tz, template)
                except Exception:  # noqa: BLE001 - a template must never cost a page: the full way decides
                    found = None
                if found is not None:
                    return found, {"way": "template"}
                full, anchors = extract_page_full(html, url, tz)
                return full, self._missed(state, html, url, full, anchors, tz)
            state.since_check = 0
            full, anchors = extract_page_full(html, url, tz)
            try:
                checked = extract_by_template(html, url, tz, template)
            except Exception:  # noqa: BLE001
                checked = None
            if agrees(checked, full):
                return full, {"way": "check"}
            return full, self._missed(state, html, url, full, anchors, tz)
        full, anchors = extract_page_full(html, url, tz)
        return full, {"way": "full", **self._learn(state, html, url, full, anchors, tz)}

    def _missed(self, state: _SourceTemplates, html, url, full, anchors, tz) -> dict:
        """The template missed: the full way's page counts; the template is learned
        again from this page on (the old one is kept to tell a redesign)."""
        state.previous = state.template or state.previous
        state.template, state.samples, state.since_check = None, [], 0
        return {"way": "miss", **self._learn(state, html, url, full, anchors, tz)}

    def _learn(self, state: _SourceTemplates, html, url, full: Extracted, anchors, tz) -> dict:
        if anchors and anchors.get("body") and full.title and full.published_at is not None:
            state.samples.append(_Sample(html, url, full, anchors))
        state.samples = state.samples[-LEARN_PAGES:]
        if len(state.samples) < LEARN_PAGES:
            return {}
        keys = Counter((s.anchors.get("title", ""), s.anchors.get("info", ""), s.anchors["body"]) for s in state.samples)
        (title, info, body), votes = keys.most_common(1)[0]
        if votes < LEARN_PAGES:
            return {}  # the pages disagree: wait for more
        lengths = sorted(len(s.full.body_text) for s in state.samples)
        candidate = Template(title, info, body, body_chars=lengths[len(lengths) // 2],
                             learned_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), pages=len(state.samples))
        for sample in state.samples:
            try:
                again = extract_by_template(sample.html, sample.url, tz, candidate)
            except Exception:  # noqa: BLE001
                again = None
            if not agrees(again, sample.full):
                state.samples = state.samples[1:]
                return {}
        previous = state.previous
        state.template, state.previous, state.samples, state.since_check = candidate, None, [], 0
        redesign = previous is not None and previous.selectors() != candidate.selectors()
        return {"learned": candidate.to_dict(), "redesign": redesign, "relearn": previous is not None,
                "previous": previous.to_dict() if redesign else None}
