"""A hostile sub-site for the stored-XSS test: a list page and detail pages full of
script-injection payloads, each of which sets ``window.__xss`` (or opens an alert)
if it ever runs in a reader's or an editor's browser.

``<embed>`` comes last: the extractor drops everything after one (libxml2 nests
the following content inside it), and the other payloads must reach the store."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from tests.sitekit import HTML, Site

HOSTILE_TITLE = "关于<script>alert('标题')</script>开展\"专项\"整治的'通知'"
# The second page: its address carries quotes and markup, its head a javascript: refresh.
QUOTED_PATH = "/art/2.html?q=\"><svg onload=window.__xss=41>"
REFRESH_TITLE = "关于引号地址和页面刷新的专项通知"

PAYLOADS = """
<script>window.__xss=1</script>
<p>第一段：<img src=x onerror="window.__xss=2">图片之后的文字，关于专项整治工作的具体安排如下。</p>
<p>第二段：<a href="javascript:window.__xss=3">点击</a>查看 <a href="JaVaScRiPt:window.__xss=31">大小写</a>
   <a href=" javascript:window.__xss=32">前导空格</a> <a href="jav&#x09;ascript:window.__xss=33">制表符</a>
   <a href="&#106;avascript:window.__xss=34">实体</a> <a href="vbscript:msgbox(1)">vbscript</a>
   <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据链接</a>
   <a href="/art/1.html" onclick="window.__xss=35">本站链接</a></p>
<svg onload="window.__xss=4"><a xlink:href="javascript:window.__xss=42"><text>矢量图</text></a></svg>
<iframe src="javascript:window.__xss=5"></iframe>
<iframe srcdoc="&lt;script&gt;parent.__xss=51&lt;/script&gt;"></iframe>
<style>@import url("javascript:window.__xss=6"); body { background: url("javascript:window.__xss=61") }</style>
<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=7"></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=window.__xss=71>"></p></noscript>
<form action="javascript:window.__xss=8"><button>提交</button><button formaction="javascript:window.__xss=81">另一个</button>
  <input type="submit" value="提交表单"><input autofocus onfocus="window.__xss=82"></form>
<details open ontoggle="window.__xss=12"><summary>展开</summary>详情</details>
<video><source onerror="window.__xss=13"></video><audio src=x onerror="window.__xss=14"></audio>
<marquee onstart="window.__xss=15">滚动</marquee>
<base href="javascript:window.__xss=16//">
<link rel="stylesheet" href="javascript:window.__xss=17">
<img src="javascript:window.__xss=18" alt="脚本图片"><img src="data:image/svg+xml,&lt;svg onload='alert(1)'&gt;" alt="数据图片">
<div style="background:url(javascript:window.__xss=19)" onmouseover="window.__xss=20">悬停区域</div>
<table background="javascript:window.__xss=21"><tr><td onclick="window.__xss=22">单元格</td></tr></table>
<p><a href="http://127.0.0.1:1/files/plan.pdf" onmouseover="window.__xss=23">附件：实施方案.pdf</a>
   <a href="javascript:window.__xss=24//.pdf">附件：恶意.pdf</a></p>
<template><img src=x onerror="window.__xss=25"></template>
<p>第三段：以上工作请各单位认真贯彻落实，确保专项整治工作取得实效，及时报送工作进展情况。</p>
<object data="javascript:window.__xss=10"></object><embed src="javascript:window.__xss=11"><p>嵌入之后</p>
"""


# A refresh to a javascript: URL, in the head and in the body.  Kept to its own page
# (the quoted-path one) so that a harvester tripping over it cannot hide the rest.
REFRESH = "<meta http-equiv='refresh' content='0;url=javascript:window.__xss=9'>"


def detail_page(title_html: str, title_attr: str, refresh: bool = False) -> bytes:
    """A government-style detail page with hostile head, info bar and body."""
    return (
        "<html><head><meta charset='utf-8'>" + (REFRESH if refresh else "") +
        f"<title>{title_html}</title>"
        f"<meta name='ArticleTitle' content='{title_attr}'>"
        "<meta name='PubDate' content='2026-11-05 09:00'>"
        "<meta name='ContentSource' content='测试单位&quot;&gt;&lt;img src=x onerror=window.__xss=43&gt;'>"
        "<script>window.__xss=45</script></head>"
        "<body onload='window.__xss=46'>"
        f"<h1>{title_html}</h1>"
        "<div class='info'>发布时间：2026-11-05 09:00 "
        "来源：<b onmouseover=\"window.__xss=47\">测试单位\"'&gt;&lt;img src=x onerror=window.__xss=48&gt;</b></div>"
        f"<div id='zoom'>{REFRESH if refresh else ''}{PAYLOADS}</div></body></html>"
    ).encode("utf-8")


class Routes(dict):
    """Routes looked up by the decoded path: the harvester may percent-encode quotes and brackets."""

    def get(self, key, default=None):
        return super().get(unquote(key), default)


def hostile_routes() -> Routes:
    title_html = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    title_attr = title_html.replace("'", "&#39;")
    listing = (
        "<html><head><meta charset='utf-8'><script>window.__xss=49</script></head><body><ul class='list'>"
        f"<li><a href='/art/1.html'>{title_html}</a><span>2026-11-05</span></li>"
        f"<li><a href='{QUOTED_PATH}'>{REFRESH_TITLE}</a><span>2026-11-04</span></li>"
        "<li><a href='javascript:window.__xss=50'>脚本链接的通知公告标题</a><span>2026-11-03</span></li>"
        "</ul></body></html>"
    ).encode("utf-8")
    quoted = detail_page(REFRESH_TITLE, REFRESH_TITLE, refresh=True)
    return Routes({
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\n"),
        "/col/index.html": (200, HTML, listing),
        "/art/1.html": (200, HTML, detail_page(title_html, title_attr)),
        QUOTED_PATH: (200, HTML, quoted),
    })


def hostile_registry(tmp: Path, site: Site) -> Path:
    """One unit, one list source on ``site``, published without review (``review: auto``)."""
    path = tmp / "registry.yaml"
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 2, delay: 0}}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\n"
        "units:\n  - id: hostile\n    name: 测试单位\n    kind: department\n"
        f"    homepage: {site.url}/\n    sources:\n"
        f"      - {{id: hostile-list, url: '{site.url}/col/index.html', type: list, columns: [tzgg],"
        " allow_private: true, review: auto}\n",
        encoding="utf-8")
    return path
