"""Text patterns of Chinese (government) pages: 来源 lines, info-bar lines, title suffixes.

Everything here works on plain text (lines), not on the DOM, so it is cheap
and easy to unit-test.  Dates are read by :mod:`harvestkit.dates`, the one date
module of the project.
"""
from __future__ import annotations

import re

from harvestkit.dates import DATE_LABEL, DATE_RE

__all__ = [
    "find_source",
    "clean_source",
    "is_copyright_line",
    "is_info_line",
    "is_boilerplate_line",
    "split_site_suffix",
    "strip_site_name",
    "title_before_site_name",
]

_COPYRIGHT_RE = re.compile(r"(?:©|\(c\)|copyright|版权所有|版权|备案|ICP|建议使用|分辨率|浏览器)", re.I)

_SOURCE_LABEL = r"(?:信息来源|文章来源|稿件来源|内容来源|新闻来源|消息来源|稿源|来\s*源|出\s*处)\s*[:：]\s*"
_SOURCE_RE = re.compile(_SOURCE_LABEL + r"(?P<v>[^\n]{1,80})")
_SOURCE_STOP_RE = re.compile(
    r"\s*(?:作\s*者|编\s*辑|责任编辑|责编|撰稿|记\s*者|通讯员|摄\s*影|审\s*核|审\s*校|校\s*对|浏览|点击|阅读|访问|"
    r"发布|时\s*间|日\s*期|字\s*号|字体|【|\[|打印|分享|关闭|收藏|\||｜|您是第|次数|人次|网友评论|"
    r"(?:19|20)\d{2}\s*(?:[-/.]|年))"
)

_INFO_WORDS = re.compile(
    r"(?:发布时间|发布日期|发表时间|更新时间|信息来源|文章来源|来\s*源\s*[:：]|作\s*者\s*[:：]|浏览次数|点击数|点击率|"
    r"阅读次数|访问次数|浏览量|责任编辑|字号\s*[:：]?\s*[【\[]?\s*大|【\s*大\s*】|\[\s*大\s*\]|打印本页|关闭窗口|"
    r"【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]|分享到|扫一扫|收藏本页|加入收藏|返回顶部|"
    r"上一篇|下一篇|相关链接|相关文章|相关新闻|网站地图)"
)
_BOILERPLATE_RE = re.compile(
    r"^(?:[【\[(（]?\s*(?:打印本页|关闭窗口|打印|关闭|返回顶部|返回|收藏|分享|字号|大|中|小|默认|"
    r"打印此页|关闭本页|保存本页|我要纠错|分享到)\s*[】\]）)]?\s*[|｜/]?\s*)+$"
)

_SITE_SPLIT_RE = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|(?<!\d)(?:--|——|—)|(?:--|——|—)(?!\d)|\s-\s|\s–\s|::|»|\s>\s)\s*")

def is_copyright_line(line: str) -> bool:
    return bool(_COPYRIGHT_RE.search(line))


_SOURCE_LABEL_RE = re.compile(_SOURCE_LABEL)
_BRACKETS = {"（": "）", "(": ")", "《": "》", "【": "】", "[": "]", "<": ">"}
_CLOSERS = {c: o for o, c in _BRACKETS.items()}
_EDGE_PUNCT = " \t:：,，;；|｜/-—"


def _trim_brackets(value: str) -> str:
    """Drop brackets at the ends of ``value`` that close or open nothing inside it, and
    one pair around the whole; "光明网-《光明日报》" and "市政府办公室（政务公开办）" stay whole."""
    while value:
        first, last = value[0], value[-1]
        if first in _BRACKETS and last == _BRACKETS[first] and value.count(first) == 1 and value.count(last) == 1:
            value = value[1:-1]
        elif last in _BRACKETS or (last in _CLOSERS and value.count(last) > value.count(_CLOSERS[last])):
            value = value[:-1]
        elif first in _CLOSERS or (first in _BRACKETS and value.count(first) > value.count(_BRACKETS[first])):
            value = value[1:]
        else:
            return value
        value = value.strip(_EDGE_PUNCT)
    return value


def clean_source(value: str) -> str:
    """Trim a 来源 value of a leading 来源： (a meta tag may repeat it), trailing
    作者/浏览次数/dates, and brackets that enclose nothing of the name."""
    value = _SOURCE_LABEL_RE.sub("", value.strip(), count=1) if value else ""
    value = value.strip().lstrip("【[（( ")
    m = _SOURCE_STOP_RE.search(value)
    if m and m.start() > 0:
        value = value[:m.start()]
    elif m and m.start() == 0:
        return ""
    # two spaces or a tab end the name, and so does a private-use character (a glyph
    # a GBK page's font maps, never part of a name)
    value = re.split(r"\s{2,}|\t|[\ue000-\uf8ff]", value)[0]
    return _trim_brackets(value.strip(_EDGE_PUNCT)).strip()


def find_source(line: str) -> str:
    m = _SOURCE_RE.search(line)
    if not m:
        return ""
    return clean_source(m.group("v"))


def is_info_line(line: str) -> bool:
    """A short info-bar / tool-bar line (发布时间, 来源, 浏览次数, 打印 ...)."""
    if len(line) > 150:
        return False
    if _INFO_WORDS.search(line):
        return True
    if re.search(DATE_LABEL + r"\s*[:：]", line) and DATE_RE.search(line):
        return True
    return False


def is_boilerplate_line(line: str) -> bool:
    return bool(_BOILERPLATE_RE.match(line.strip())) if line.strip() else False


def split_site_suffix(title: str) -> str:
    """Strip a site-name suffix ("_衢州市人民政府", " - 柯城区人民政府网") from a <title>;
    a dash between digits is a range ("2023—2025年"), not a separator."""
    title = (title or "").strip()
    if not title:
        return ""
    seps = list(_SITE_SPLIT_RE.finditer(title))
    if not seps:
        return title
    # a site name is appended with one kind of separator: split on the kind that comes
    # last only, so "主标题——副标题_站名" and "“联合利剑—2024A”演习_站名" keep their dashes
    kind = seps[-1].group().strip()[:1]  # "_" and "__", "—" and "——" are one kind
    seps = [m for m in seps if m.group().strip()[:1] == kind]
    parts = [title[a:b] for a, b in zip([0] + [m.end() for m in seps], [m.start() for m in seps] + [len(title)])]
    parts = [p for p in parts if p.strip()]
    if len(parts) <= 1:
        return parts[0].strip() if parts else title
    first = parts[0].strip()
    if len(first) >= 4:
        return first
    return max(parts, key=len).strip()


# What the last segment of a title says when it names the site, not the article:
# "-某某网", "_某某市人民政府门户网站", "|人民网", "- 新华网客户端", "_www.example.gov.cn".
_SITE_NAME_END_RE = re.compile(
    r"(?:网|网站|门户|政府|政府网|官网|官方网站|频道|客户端|平台|在线|之窗|之声|日报|晚报|电视台|"
    r"新闻中心|融媒体中心|融媒|\.(?:com|cn|net|org)(?:\.cn)?)$", re.I)
# A separator before a site name, the bare hyphen included ("座谈会-某某网"), and the
# full-width one of GBK-era templates ("座谈会－某某网").
_TAIL_SEP_RE = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|--|——|—|-|－|–|::|»|·|>)\s*")
_MAX_SITE_NAME = 30
_STRICT_SEPS = ("_", "__", "|", "||", "｜", "-", "－", "–")
_MIN_TITLE = 4


def _names_the_site(tail: str, site_names) -> bool:
    tail = tail.strip()
    if not tail or len(tail) > _MAX_SITE_NAME or "《" in tail or "》" in tail:
        return False
    for name in site_names:
        name = (name or "").strip()
        if name and (tail == name or (len(tail) >= 2 and (tail in name or name in tail))):
            return True
    return bool(_SITE_NAME_END_RE.search(tail))


def strip_site_name(title: str, site_names=()) -> str:
    """Drop trailing segments that name the site ("…座谈会-某某网", "…_某某政府门户网站",
    "…|人民网", or the page's own SiteName), keeping at least a 4-character title.
    Conservative: a segment that does not read as a site name stays."""
    title = (title or "").strip()
    while True:
        seps = list(_TAIL_SEP_RE.finditer(title))
        if not seps:
            return title
        last = seps[-1]
        head, tail = title[:last.start()].strip(), title[last.end():]
        if len(head) < _MIN_TITLE or not _names_the_site(tail, site_names):
            return title
        title = head


def title_before_site_name(full: str, shown: str, *, strict: bool = False) -> bool:
    """``full`` (a <title>) is ``shown`` (the page's title element) with a site name
    or column after a separator: the element's text is the title.

    ``strict`` (for a CMS's own title tag, where "标题——副标题" is one title): only
    one short segment after ``_``, ``|`` or a hyphen counts."""
    full, shown = (full or "").strip(), (shown or "").strip()
    if len(shown) < _MIN_TITLE or len(full) <= len(shown) or not full.startswith(shown):
        return False
    sep = _TAIL_SEP_RE.match(full[len(shown):])
    if not sep or not sep.group().strip():
        return False
    rest = full[len(shown) + sep.end():]
    if strict:
        return (sep.group().strip() in _STRICT_SEPS and not _TAIL_SEP_RE.search(rest)
                and 0 < len(rest.strip()) <= _MAX_SITE_NAME and "《" not in rest)
    # what follows is a site name, or something shorter than the title (a column, a city)
    return _names_the_site(_TAIL_SEP_RE.split(rest)[-1], ()) or (len(rest) <= len(shown) and "《" not in rest)


def settle_source(meta_source: str, shown_source: str) -> str:
    """The 来源 of a page whose ContentSource meta tag and 来源 line may both speak.

    The meta tag leads, except where it is a cut-down form of what the page shows
    (ContentSource "浙江" on a page that says 来源：国家金融监督管理总局浙江监管局):
    the shown name, which holds it, is the whole one."""
    meta_source = clean_source(meta_source) if meta_source else ""
    if meta_source and shown_source and meta_source != shown_source and meta_source in shown_source:
        return shown_source
    return meta_source or shown_source
