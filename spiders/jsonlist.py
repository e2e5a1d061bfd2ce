"""Lists held as JSON: an endpoint's response, or a ``var list = [...]`` in a page's script.

Items are found by the source's ``rules.json`` paths when given
(``{items: data.list, title: title, url: url, date: pubDate}``), else by looking
for the array of objects whose fields read as a title, a link and a date.
JavaScript literals (single quotes, bare keys, trailing commas) are read with
chompjs; JSONP wrappers are unwrapped.  A response that is not JSON, or lacks
the configured paths, raises ``JsonListError``: an error on the run.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import chompjs

from harvestkit.dates import find_date
from harvestkit.jsonpath import follow as get_path
from spiders.list_entry import Entry, clean_title

INLINE = re.compile(r"(?:\b(?:var|let|const)\s+|\bwindow\.)([A-Za-z_$][\w$]*)\s*=\s*(?=[\[{])")
JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
URL_KEYS = ("url", "link", "href", "docpuburl", "chnldocurl", "infourl", "post_url", "linkurl", "path", "detailurl",
            "art_url", "weburl", "pageurl")
TITLE_KEYS = ("title", "doctitle", "realtitle", "name", "subject", "articletitle", "bt", "t", "docname")
DATE_KEYS = ("date", "pubdate", "publishtime", "publish_time", "pubtime", "docreltime", "releasetime", "time",
             "created_at", "first_publish_time", "infodate", "fbsj", "fwrq", "createtime", "updatetime")
TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "totalnum", "count", "totalsize",
              "post_count")
PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal", "page_count")
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # epoch dates are absolute; shown as the sub-sites' local time
MAX_DEPTH = 6


class JsonListError(ValueError):
    """The JSON is not JSON, or lacks what the rules name."""


def load(text: str):
    """A JSON document, or JSONP around one; raises JsonListError."""
    text = (text or "").strip().lstrip("\ufeff")
    wrapped = JSONP.match(text) if text[:1] not in "[{" else None
    if wrapped:
        text = wrapped.group(1)
    try:
        return json.loads(text)
    except ValueError:
        try:
            return chompjs.parse_js_object(text)
        except ValueError:
            raise JsonListError(f"not JSON: {text[:60]!r}") from None


def inline_values(text: str) -> dict:
    """Every ``var name = [...]`` / ``{...}`` literal in a page's scripts, by name."""
    values = {}
    for match in INLINE.finditer(text or ""):
        if match.group(1) in values:
            continue
        try:
            values[match.group(1)] = chompjs.parse_js_object(text[match.end():])
        except ValueError:
            continue
    return values


def date_of(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        if 946684800 <= seconds <= 4102444800:  # 2000 … 2100
            return datetime.fromtimestamp(seconds, LOCAL_ZONE).isoformat()
        return None
    return find_date(str(value))


def _looks_url(value) -> bool:
    return isinstance(value, str) and bool(re.search(r"^(https?:)?/|\.s?html?\b|\.jsp|\.aspx?|\?\w+=", value.strip()))


def _looks_title(value) -> bool:
    """Words, not a code: Chinese titles have Chinese characters, others letters."""
    if not isinstance(value, str) or _looks_url(value):
        return False
    text = clean_title(re.sub(r"<[^>]+>", "", value))
    return len(text) >= 4 and bool(re.search(r"[\u4e00-\u9fff]{2}|[A-Za-z]{3,}\s+[A-Za-z]{2,}", text))


def _pick(items: list[dict], names: tuple, test) -> str | None:
    keys = [k for k in items[0] if sum(1 for it in items if test(it.get(k))) >= max(1, len(items) * 0.6)]
    if not keys:
        return None
    named = [k for k in keys if k.lower() in names]
    return sorted(named, key=lambda k: names.index(k.lower()))[0] if named else keys[0]


def _longest(records: list[dict], names: tuple) -> str | None:
    """The title field: of the fields that read as titles, the one with the longest
    texts (a ``title`` truncated for display loses to ``realtitle``)."""
    keys = [k for k in records[0] if sum(1 for it in records if _looks_title(it.get(k))) >= max(1, len(records) * 0.6)]
    if not keys:
        return None

    def length(key: str) -> tuple[float, int]:
        texts = [clean_title(str(it.get(key) or "")) for it in records]
        rank = names.index(key.lower()) if key.lower() in names else len(names)
        return sum(map(len, texts)) / len(texts), -rank
    return max(keys, key=length)


def guess_fields(items: list) -> dict | None:
    """``{title, url, date}`` keys of a list of records, or None if it is no item list."""
    records = [it for it in items if isinstance(it, dict)]
    if not records or len(records) < len(items) * 0.8:
        return None
    url = _pick(records, URL_KEYS, _looks_url)
    title = _longest(records, TITLE_KEYS)
    if not url or not title:
        return None
    date = _pick(records, DATE_KEYS, lambda v: date_of(v) is not None)
    return {"title": title, "url": url, "date": date}


def find_lists(data, path: str = "", depth: int = 0):
    """(path, list) of every array of objects in ``data``."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        if data and isinstance(data[0], dict):
            yield path, data
        for i, value in enumerate(data[:3]):
            yield from find_lists(value, f"{path}[{i}]", depth + 1)
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from find_lists(value, f"{path}.{key}" if path else str(key), depth + 1)


def entries_of(items: list, fields: dict, base_url: str) -> list[Entry]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        href, title = item.get(fields["url"]), item.get(fields["title"])
        if not isinstance(href, str) or not href.strip() or not isinstance(title, str):
            continue
        date = date_of(item.get(fields["date"])) if fields.get("date") else None
        out.append(Entry(urljoin(base_url, href.strip()), clean_title(re.sub(r"<[^>]+>", "", title)), date))
    return out


def auto_entries(data, base_url: str) -> tuple[list[Entry], str | None]:
    """The best item list in ``data``: (entries, its path)."""
    best, where = [], None
    for path, items in find_lists(data):
        fields = guess_fields(items)
        if fields is None:
            continue
        entries = entries_of(items, fields, base_url)
        dated = sum(1 for e in entries if e.date)
        if (dated, len(entries)) > (sum(1 for e in best if e.date), len(best)):
            best, where = entries, path
    return best, where


def rule_entries(data, base_url: str, rules: dict) -> list[Entry]:
    """Entries by the registry's JSON paths; raises JsonListError."""
    try:
        items = get_path(data, rules["items"])
    except KeyError:
        raise JsonListError(f"no {rules['items']!r} in the JSON (rules.json.items)") from None
    if not isinstance(items, list):
        raise JsonListError(f"{rules['items']!r} is not a list in the JSON (rules.json.items)")
    if not items:
        return []
    fields = guess_fields(items) or {}
    chosen = {key: rules.get(key) or fields.get(key) for key in ("title", "url", "date")}
    for key in ("title", "url"):
        if not chosen[key] or not any(isinstance(it, dict) and chosen[key] in it for it in items):
            raise JsonListError(f"the items have no {key} field {chosen[key]!r} (rules.json.{key})")
    return entries_of(items, chosen, base_url)


def declared(data, rules: dict | None = None) -> tuple[int | None, int | None]:
    """(pages, total) the JSON states, by rules.json ``pages``/``total`` or by their usual names."""
    rules = rules or {}
    found = {"pages": None, "total": None}
    for key, names in (("pages", PAGES_KEYS), ("total", TOTAL_KEYS)):
        if rules.get(key):
            try:
                found[key] = int(get_path(data, rules[key]))
            except (KeyError, TypeError, ValueError):
                raise JsonListError(f"no number at {rules[key]!r} in the JSON (rules.json.{key})") from None
            continue
        found[key] = _shallow_number(data, names)
    return found["pages"], found["total"]


def _shallow_number(data, names: tuple, depth: int = 0) -> int | None:
    if not isinstance(data, dict) or depth > 2:
        return None
    for key, value in data.items():
        if key.lower() in names and isinstance(value, (int, str)) and str(value).isdigit():
            return int(value)
    for value in data.values():
        found = _shallow_number(value, names, depth + 1)
        if found is not None:
            return found
    return None
