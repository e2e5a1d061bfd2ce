"""HTML/XML rendering of the demo sites, one family of templates per CMS.

Functions return ``str``; callers encode (UTF-8, or GBK for the TRS site).
``url_of(site_id, path)`` builds absolute URLs where a page needs them.
"""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from demo import catalog
from demo.federation import DemoItem, DemoSource, Site

HANWEB_PER_PAGE = 15
COLNAMES = dict(catalog.COLUMNS)


def esc(s: str) -> str:
    return escape(s, quote=True)


# ---------------------------------------------------------------- dates
def d_iso(dt: datetime) -> str:          # 2026-11-18
    return f"{dt:%Y-%m-%d}"


def d_min(dt: datetime) -> str:          # 2026-11-18 10:21
    return f"{dt:%Y-%m-%d %H:%M}"


def d_cn(dt: datetime) -> str:           # 2026年11月18日
    return f"{dt.year}年{dt.month}月{dt.day}日"


def d_dot(dt: datetime) -> str:          # 2026.11.18
    return f"{dt:%Y.%m.%d}"


def d_slash_sec(dt: datetime) -> str:    # 2026/11/18 10:21:33
    return f"{dt:%Y/%m/%d %H:%M:%S}"


def w3c(dt: datetime) -> str:            # 2026-11-18T10:21:33+08:00
    return dt.replace(microsecond=0).isoformat()


# ---------------------------------------------------------------- chrome
NAV = [("首页", "/"), ("政务公开", "/col/col1228/index.html"), ("新闻中心", "{news}"),
       ("政务服务", "https://www.zjzwfw.gov.cn/"), ("互动交流", "/col/col1232/index.html"),
       ("数据开放", "https://data.zjzwfw.gov.cn/"), ("走进{short}", "/col/col1233/index.html")]
TOPIC_LINKS = ["深入学习贯彻党的二十届四中全会精神", "打造四省边际共同富裕示范区", "营商环境“10+N”便利化行动",
               "“浙里办”掌上办事", "清廉衢州建设", "政府信息公开年度报告"]


def _nav(site: Site, cls: str) -> str:
    news = site.sources[0].path
    lis = "".join(f'<li><a href="{esc(href.format(news=news))}">{esc(name.format(short=site["short"]))}</a></li>'
                  for name, href in NAV)
    return f'<div class="{cls}"><ul>{lis}</ul></div>'


def _friend_links(style: str) -> str:
    if style == "select":
        opts = "".join(f'<option value="{esc(u)}">{esc(n)}</option>' for n, u in catalog.GOV_LINKS)
        return (f'<div class="yqlj"><span>友情链接：</span><select onchange="window.open(this.value)">'
                f'<option>--政府网站--</option>{opts}</select></div>')
    lis = "".join(f'<li><a href="{esc(u)}" target="_blank">{esc(n)}</a></li>' for n, u in catalog.GOV_LINKS)
    return f'<div class="yqlj"><h3>友情链接</h3><ul>{lis}</ul></div>'


def _topics_box() -> str:
    lis = "".join(f'<li><a href="/col/col1240/index.html">{esc(t)}</a></li>' for t in TOPIC_LINKS)
    return f'<div class="side-box"><h3>热点专题</h3><ul>{lis}</ul></div>'


def _footer(site: Site, links: str = "list") -> str:
    return (f'<div class="footer">{_friend_links(links)}'
            f'<div class="foot-links"><a href="/col/col1234/index.html">网站地图</a> | '
            f'<a href="/col/col1235/index.html">联系我们</a> | <a href="/col/col1236/index.html">隐私声明</a> | '
            f'<a href="/col/col1237/index.html">使用帮助</a></div>'
            f'<p>主办单位：{esc(site.name)}办公室　承办：{esc(site["short"])}大数据发展中心</p>'
            f'<p>网站标识码：{site["site_code"]}　<a href="https://beian.miit.gov.cn/">{esc(site["icp"])}</a>　'
            f'{esc(site["police"])}</p>'
            f'<p>建议使用1920×1080分辨率浏览本站</p></div>')


def layout(site: Site, title: str, main: str, *, head: str = "", charset: str = "utf-8",
           friend_links: str = "list", wrap: str = "container") -> str:
    if charset == "utf-8":
        meta = '<meta charset="utf-8">'
    else:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta}\n'
            f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            f'<title>{esc(title)}</title>\n{head}'
            f'<link rel="stylesheet" type="text/css" href="/images/common.css">\n</head>\n<body>\n'
            f'<div class="top-bar"><span>欢迎访问{esc(site.name)}门户网站</span>'
            f'<a href="javascript:;">无障碍浏览</a> <a href="javascript:;">长者模式</a></div>\n'
            f'<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{esc(site.name)}"></a></div>'
            f'<form class="search" action="/jsearchfront/search.do" method="get"><input name="q" placeholder="请输入关键字">'
            f'<button type="submit">搜索</button></form></div>\n'
            f'{_nav(site, "nav")}\n<div class="{wrap}">\n{main}\n</div>\n{_footer(site, friend_links)}\n'
            f'</body>\n</html>\n')


def _crumbs(site: Site, colname: str, col_href: str) -> str:
    return (f'<div class="position">您当前的位置：<a href="/">首页</a> &gt; '
            f'<a href="{esc(col_href)}">{esc(colname)}</a></div>')


def _paragraphs(item: DemoItem, style: str = "p") -> str:
    if style == "kaihua-repost":
        # same text, different whitespace: full-width indents and &nbsp; runs
        return "\n".join(f"<p>　　{esc(p)}&nbsp;&nbsp;</p>\n" for p in item.paragraphs)
    if style == "indent":
        return "\n".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in item.paragraphs)
    return "\n".join(f"<p>{esc(p)}</p>" for p in item.paragraphs)


def _share_bar() -> str:
    return ('<div class="tools">【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
            '<a href="javascript:;">小</a>】 <a href="javascript:window.print()">【打印本页】</a> '
            '<a href="javascript:window.close()">【关闭窗口】</a></div>')


# ---------------------------------------------------------------- homepages
def homepage(site: Site, url_of, recent: list[DemoItem] | None = None) -> str:
    """Generic homepage: column entry links, no dated list unless ``recent`` is given."""
    head = ""
    if site.id == "longyou":
        head = '<link rel="alternate" type="application/rss+xml" title="龙游新闻" href="/rss.xml">\n'
    if site.id == "jyj":
        head = ('<link rel="alternate" type="application/atom+xml" title="衢州教育动态（Atom）" href="/atom.xml">\n'
                '<link rel="alternate" type="application/rss+xml" title="衢州教育动态（RSS）" href="/rss.xml">\n')
    cols = "".join(f'<li><a href="{esc(src.path)}">{esc(src.spec.get("colname") or COLNAMES[src.spec["columns"][0]])}</a></li>'
                   for src in site.sources if src.template not in ("rss", "atom", "sitemap"))
    blocks = [f'<div class="banner"><img src="/images/banner.jpg" alt="{esc(site["short"])}风光"></div>',
              f'<div class="entries"><h3>栏目导航</h3><ul>{cols}</ul></div>' if cols else "",
              _topics_box()]
    if recent:
        lis = "".join(f'<li><a href="{esc(it.path)}" target="_blank">{esc(it.title)}</a></li>' for it in recent)
        blocks.append(f'<div class="yw"><h3>教育要闻</h3><ul>{lis}</ul></div>')
    if site.id == "jiangshan":
        blocks.append('<div class="about"><a href="/about.html">走进江山</a> <a href="/contact.html">联系我们</a></div>')
    if site.spec.get("dead_link"):
        title, href = site["dead_link"]
        blocks.append(f'<div class="zt"><h3>专题专栏</h3><ul><li><a href="{esc(href)}">{esc(title)}</a></li></ul></div>')
    return layout(site, site.name, "\n".join(b for b in blocks if b), head=head)


# Pages every demo homepage links to besides its columns: navigation, footer, topics.
INFO_PAGES = {"/col/col1228/index.html": "政务公开", "/col/col1232/index.html": "互动交流",
              "/col/col1233/index.html": "走进本地", "/col/col1234/index.html": "网站地图",
              "/col/col1235/index.html": "联系我们", "/col/col1236/index.html": "隐私声明",
              "/col/col1237/index.html": "使用帮助", "/col/col1240/index.html": "热点专题",
              "/col/col1250/index.html": "办事指南", "/col/col1251/index.html": "便民服务"}
# A 1×1 PNG and the site's style sheet, so the homepages' images and links answer.
PIXEL_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                          "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4a60000000049454e44ae426082")
COMMON_CSS = "body{font-family:sans-serif}\n"


def info_page(site: Site, title: str) -> str:
    main = (f'<div class="position">您当前的位置：<a href="/">首页</a> &gt; {esc(title)}</div>\n'
            f'<div class="info"><h1>{esc(title)}</h1><p>{esc(site.name)}{esc(title)}栏目。</p></div>')
    return layout(site, f"{title}_{site.name}", main)


def gone_page(site: Site) -> str:
    """What many CMSs answer, with status 200, for a page that was deleted: a soft 404."""
    main = ('<div class="error-box"><h1>抱歉，您访问的页面不存在或已被删除！</h1>'
            '<p><a href="/">返回首页</a></p></div>')
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在_{esc(site.name)}</title>'
            f'</head><body>{main}</body></html>\n')


# ---------------------------------------------------------------- a plain column and an empty one
def column_list(site: Site, src: DemoSource, page: int) -> str:
    """A plain column list: <ul class="list-items"><li><a>标题</a><span>2026-10-19</span></li>."""
    name = src.spec["colname"]
    lis = "\n".join(f'<li><a href="{esc(it.path)}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                    f'<span class="date">{d_iso(it.published_at)}</span></li>' for it in src.page(page))

    def href(n: int) -> str:
        return "index.html" if n == 1 else f"index_{n}.html"
    main = (f'{_crumbs(site, name, src.path)}\n<div class="list"><h2>{esc(name)}</h2>\n'
            f'<ul class="list-items">\n{lis}\n</ul>\n{_pager(page, src.page_count(), href)}\n</div>')
    return layout(site, f"{name}_{site.name}", main)


def column_detail(site: Site, src: DemoSource, item: DemoItem) -> str:
    name = src.spec["colname"]
    main = (f'{_crumbs(site, name, src.path)}\n<div class="detail">\n<h1>{esc(item.title)}</h1>\n'
            f'<div class="info">发布时间：{d_iso(item.published_at)}　来源：{esc(item.source_name)}</div>\n'
            f'<div class="content">\n{_paragraphs(item)}\n</div>\n</div>')
    return layout(site, f"{item.title}_{site.name}", main)


def empty_column(site: Site, src: DemoSource) -> str:
    """A column that never had content (空白栏目): the CMS prints 暂无信息 where the list would be."""
    name = src.spec["colname"]
    main = (f'{_crumbs(site, name, src.path)}\n<div class="list"><h2>{esc(name)}</h2>\n'
            f'<ul class="list-items"></ul>\n<div class="no-data">暂无信息</div>\n</div>')
    return layout(site, f"{name}_{site.name}", main)


def about_page(site: Site, which: str) -> str:
    if which == "about":
        body = ("<h1>走进江山</h1><p>江山市地处浙闽赣三省交界，是浙江省衢州市代管的县级市，"
                "境内江郎山为世界自然遗产。</p>")
    else:
        body = "<h1>联系我们</h1><p>地址：江山市虎山街道 电话：0570-4022345</p>"
    return layout(site, f"{'走进江山' if which == 'about' else '联系我们'}_{site.name}", body)


def robots_txt(site: Site) -> str:
    lines = ["User-agent: *", "Disallow: /_demo/", "Disallow: /jsearchfront/"]
    if site.id == "changshan":
        lines.insert(1, "Disallow: /cms/preview/")
    if site.id == "jiangshan":
        lines.append("Sitemap: /sitemap.xml")
    return "\n".join(lines) + "\n"


def error_page(status: int) -> str:
    msg = {404: "404 Not Found: 您访问的页面不存在或已被删除", 500: "500 Internal Server Error",
           400: "400 Bad Request", 405: "405 Method Not Allowed"}.get(status, str(status))
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{msg}</title></head><body><h1>{msg}</h1></body></html>\n"


# ---------------------------------------------------------------- Hanweb JCMS
def _hanweb_record(item: DemoItem) -> str:
    t = esc(item.title)
    d = item.published_at
    return (f'<record><![CDATA[<li><a href="{item.path}" title="{t}" target="_blank">{t}</a>'
            f'<span>{d_iso(d)}</span></li>]]></record>')


def _hanweb_querydata(site: Site, src: DemoSource) -> str:
    return (f"{{col:1,appid:1,webid:{site['webid']},path:'/',columnid:{src.spec['colid']},"
            f"sourceContentType:1,unitid:{site['unitid']},webname:'{site.name}',permissiontype:0}}")


def hanweb_column(site: Site, src: DemoSource) -> str:
    colid, total = src.spec["colid"], len(src.items)
    recs = "\n".join(_hanweb_record(it) for it in src.items[:HANWEB_PER_PAGE])
    nextgroup = (f'<a href="/module/web/jpage/dataproxy.jsp?page=1&webid={site["webid"]}&path=/&columnid={colid}'
                 f'&unitid={site["unitid"]}&webname={quote(site.name)}&permissiontype=0"></a>')
    main = (f'{_crumbs(site, src.spec["colname"], src.path)}\n'
            f'<div class="left-menu"><h2>{esc(src.spec["colname"])}</h2>{_topics_box()}</div>\n'
            f'<div class="right-list"><div class="list-title">{esc(src.spec["colname"])}</div>\n'
            f'<div id="div{colid}"><script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
            f'<recordset>\n{recs}\n</recordset></datastore></script>'
            f'<script language="javascript" src="/module/jslib/jquery/jpage/dataproxy.js" '
            f'url="/module/web/jpage/dataproxy.jsp" querydata="{esc(_hanweb_querydata(site, src))}"></script></div>\n'
            f'<script type="text/javascript">var totalRecord = {total}; var perPage = {HANWEB_PER_PAGE};\n'
            f'$("#div{colid}").jpage({{dataStore:"#div{colid} script[type=\'text/xml\']",totalRecord:{total},'
            f'perPage:{HANWEB_PER_PAGE},groupSize:3,proxyUrl:"/module/web/jpage/dataproxy.jsp",'
            f'barPosition:"bottom",showMode:"full",ajaxParam:{{col:1,appid:1,webid:{site["webid"]},'
            f'columnid:{colid},unitid:{site["unitid"]}}}}});</script>\n</div>')
    return layout(site, f"{src.spec['colname']}_{site.name}", main)


def hanweb_dataproxy(items: list[DemoItem], total: int) -> str:
    recs = "".join(_hanweb_record(it) for it in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<datastore><totalrecord>{total}</totalrecord><recordset>{recs}</recordset></datastore>')


HANWEB_JS = "/* Hanweb jpage dataproxy (demo stub) */\nfunction dataproxy(){}\n"


def hanweb_detail(site: Site, src: DemoSource, item: DemoItem) -> str:
    colname = src.spec["colname"]
    head = (f'<meta name="SiteName" content="{esc(site.name)}">\n'
            f'<meta name="SiteDomain" content="{esc(site.id)}.gov.cn">\n'
            f'<meta name="SiteIDCode" content="{site["site_code"]}">\n'
            f'<meta name="ColumnName" content="{esc(colname)}">\n'
            f'<meta name="ColumnType" content="{esc(colname)}">\n'
            f'<meta name="ArticleTitle" content="{esc(item.title)}">\n'
            f'<meta name="PubDate" content="{d_min(item.published_at)}">\n'
            f'<meta name="ContentSource" content="{esc(item.source_name)}">\n'
            f'<meta name="Keywords" content="">\n<meta name="Description" content="{esc(item.summary)}">\n')
    main = (f'{_crumbs(site, colname, src.path)}\n<div class="main-txt">\n'
            f'<div class="title"><h1>{esc(item.title)}</h1></div>\n'
            f'<div class="info"><span>发布日期：{d_min(item.published_at)}</span>'
            f'<span>来源：{esc(item.source_name)}</span><span>浏览次数：<script src="/module/visitcount/articlehits.jsp'
            f'?colid={src.spec["colid"]}&artid={item.art_id}"></script></span></div>\n'
            f'<!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n<div id="zoom">\n{_paragraphs(item, "indent")}\n'
            f'</div>\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->\n{_share_bar()}\n</div>')
    return layout(site, f"{item.title}", main, head=head)


# ---------------------------------------------------------------- TRS WCM (GBK)
CREATE_PAGE_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("首页&nbsp;上一页&nbsp;");
  else {
    document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
    if(nCurrIndex == 1) document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">上一页</a>&nbsp;");
    else document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt+"\\">上一页</a>&nbsp;");
  }
  if(nCurrIndex == (_nPageCount-1)) document.write("下一页&nbsp;尾页");
  else {
    document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>&nbsp;");
    document.write("<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
  }
}
</script>"""


def trs_list(site: Site, src: DemoSource, page: int) -> str:
    """``page`` is 0-based as in TRS (index.htm = 0, index_1.htm = 1 ...)."""
    items = src.page(page + 1)
    lis = "\n".join(f'<li><a href="./{it.path.split("/col/tzgg/", 1)[1]}" target="_blank" title="{esc(it.title)}">'
                    f'{esc(it.title)}</a><span>{d_iso(it.published_at)}</span></li>' for it in items)
    main = (f'{_crumbs(site, "通知公告", "./index.htm")}\n<div class="con-left">{_topics_box()}</div>\n'
            f'<div class="con-right"><div class="lm-title">通知公告</div>\n<ul class="list-ul">\n{lis}\n</ul>\n'
            f'{CREATE_PAGE_JS}\n<div class="page"><script type="text/javascript">'
            f'createPageHTML({src.page_count()}, {page}, "index", "htm");</script></div>\n</div>')
    return layout(site, f"通知公告_{site.name}", main, charset="gbk", friend_links="select")


def trs_detail(site: Site, src: DemoSource, item: DemoItem) -> str:
    repost = ""
    if item.group:
        repost = '<div class="zz">（转载自衢州市人民政府门户网站）</div>\n'
    main = (f'{_crumbs(site, "通知公告", "../index.htm")}\n<div class="article">\n'
            f'<h2 class="art-title">{esc(item.title)}</h2>\n'
            f'<div class="art-info">发布日期：{d_iso(item.published_at)}　　信息来源：{esc(item.source_name)}</div>\n'
            f'{repost}<div class="TRS_Editor">\n{_paragraphs(item)}\n</div>\n{_share_bar()}\n</div>')
    return layout(site, f"{item.title}", main, charset="gbk", friend_links="select")


# ---------------------------------------------------------------- plain detail pages
def plain_detail(site: Site, src: DemoSource, item: DemoItem) -> str:
    """Detail pages without gov meta tags (longyou, jiangshan, changshan, kaihua, jyj)."""
    d, source = item.published_at, esc(item.source_name)
    if site.id == "longyou":
        info = f'<div class="xx-info">发布时间：{d_cn(d)} {d:%H:%M}　来源：{source}</div>'
        body = f'<div class="xx-content">\n{_paragraphs(item, "indent")}\n</div>'
        crumbs = _crumbs(site, "龙游新闻", "/")
    elif site.id == "jiangshan":
        info = f'<p class="art-meta">发布时间：{d_slash_sec(d)}&nbsp;&nbsp;来源：{source}&nbsp;&nbsp;浏览：<span id="hits">--</span></p>'
        body = f'<article class="art-body">\n{_paragraphs(item)}\n</article>'
        crumbs = _crumbs(site, "江山要闻", "/")
    elif site.id == "changshan":
        info = f'<div class="msg"><span>发布日期：{d_cn(d)}</span><span>来源：{source}</span><span>【打印】</span></div>'
        body = f'<div class="article-content">\n{_paragraphs(item, "indent")}\n</div>'
        crumbs = _crumbs(site, "常山新闻", src.path)
    elif site.id == "kaihua":
        info = f'<div class="detail-info">时间：{d_dot(d)}　来源：{source}</div>'
        style = "kaihua-repost" if item.group else "p"
        body = f'<div class="detail-body">\n{_paragraphs(item, style)}\n</div>'
        crumbs = _crumbs(site, "开化新闻", src.path)
    else:  # jyj
        info = f'<div class="news-info">发布日期：{d_min(d)}　信息来源：{source}</div>'
        body = f'<div class="news-text">\n{_paragraphs(item, "indent")}\n</div>'
        crumbs = _crumbs(site, "教育要闻", "/")
    main = (f'{crumbs}\n<div class="detail">\n<h1>{esc(item.title)}</h1>\n{info}\n{body}\n{_share_bar()}\n'
            f'<div class="prev-next"><a href="javascript:history.back()">返回上一页</a></div>\n</div>')
    return layout(site, f"{item.title}_{site.name}", main, friend_links="select" if site.id == "kaihua" else "list")


def malformed_detail(item: DemoItem) -> bytes:
    head = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{item.art_id}'.encode()
    junk = bytes((i * 97 + 13) % 256 for i in range(1536))
    return head + b"\x00\x00" + junk


# ---------------------------------------------------------------- plain lists with next-link paging
def _pager(page: int, pages: int, href) -> str:
    parts = [f'<span>共{pages}页　当前第{page}页</span>']
    parts.append(f'<a href="{href(1)}">首页</a>')
    if page > 1:
        parts.append(f'<a href="{href(page - 1)}">上一页</a>')
    if page < pages:
        parts.append(f'<a href="{href(page + 1)}" class="next">下一页</a>')
    parts.append(f'<a href="{href(pages)}">尾页</a>')
    return '<div class="pagination">' + " ".join(parts) + "</div>"


def list_table(site: Site, src: DemoSource, page: int) -> str:
    """changshan: table rows with 2026年11月18日 dates; /xwzx/index.html, index_2.html ..."""
    rows = "\n".join(f'<tr><td class="tit"><a href="{esc(it.path)}" target="_blank">{esc(it.title)}</a></td>'
                     f'<td class="time">{d_cn(it.published_at)}</td></tr>' for it in src.page(page))

    def href(n: int) -> str:
        return "index.html" if n == 1 else f"index_{n}.html"
    main = (f'{_crumbs(site, "常山新闻", src.path)}\n<div class="sidebar">{_topics_box()}'
            f'<div class="side-box"><h3>政务服务</h3><ul><li><a href="https://www.zjzwfw.gov.cn/">浙江政务服务网</a></li>'
            f'<li><a href="/col/col1250/index.html">办事指南</a></li><li><a href="/col/col1251/index.html">便民服务</a></li></ul></div></div>\n'
            f'<div class="main"><div class="main-title">常山新闻</div>\n<table class="news-table" width="100%">\n'
            f'{rows}\n</table>\n{_pager(page, src.page_count(), href)}\n</div>')
    return layout(site, f"常山新闻_{site.name}", main)


def list_dl(site: Site, src: DemoSource, page: int) -> str:
    """kaihua: <dl><dd> with 2026.11.18 dates; /news/list.html?page=N."""
    dds = "\n".join(f'<dd><a href="{it.path[len("/news/"):]}" title="{esc(it.title)}">{esc(it.title)}</a>'
                    f'<i>{d_dot(it.published_at)}</i></dd>' for it in src.page(page))

    def href(n: int) -> str:
        return "list.html" if n == 1 else f"list.html?page={n}"
    main = (f'{_crumbs(site, "开化新闻", src.path)}\n<div class="news-box">\n<dl>\n<dt>开化新闻</dt>\n{dds}\n</dl>\n'
            f'{_pager(page, src.page_count(), href)}\n</div>\n<div class="right-side">{_topics_box()}</div>')
    return layout(site, f"开化新闻_{site.name}", main, friend_links="select")


def list_ul(site: Site, src: DemoSource, page: int, url_of) -> str:
    """fgw: <ul class="doc-list"><li> with [2026-11-18] dates; absolute links."""
    lis = "\n".join(f'<li><a href="{esc(url_of(site.id, it.path))}" target="_blank">{esc(it.title)}</a>'
                    f'<span class="date">[{d_iso(it.published_at)}]</span></li>' for it in src.page(page))

    def href(n: int) -> str:
        return "index.html" if n == 1 else f"index_{n}.html"
    main = (f'{_crumbs(site, "政策文件", src.path)}\n<div class="left">{_topics_box()}</div>\n'
            f'<div class="list"><h2>政策文件</h2>\n<ul class="doc-list">\n{lis}\n</ul>\n'
            f'{_pager(page, src.page_count(), href)}\n</div>')
    return layout(site, f"政策文件_{site.name}", main)


def policy_detail(site: Site, src: DemoSource, item: DemoItem) -> str:
    m = item.meta
    doc_no = m.get("document_number", "")
    head = (f'<meta name="SiteName" content="{esc(site.name)}">\n<meta name="ColumnName" content="政策文件">\n'
            f'<meta name="ArticleTitle" content="{esc(item.title)}">\n'
            f'<meta name="PubDate" content="{d_min(item.published_at)}">\n'
            f'<meta name="ContentSource" content="{esc(item.source_name)}">\n')
    table = (f'<table class="xxgk" cellspacing="0" cellpadding="0">\n'
             f'<tr><th>索引号</th><td>{esc(m["index_number"])}</td><th>主题分类</th><td>{esc(m["subject_category"])}</td></tr>\n'
             f'<tr><th>发文机关</th><td>{esc(m["issuing_authority"])}</td><th>成文日期</th><td>{m["written_date"]}</td></tr>\n'
             f'<tr><th>文号</th><td>{esc(doc_no)}</td><th>发布日期</th><td>{d_iso(item.published_at)}</td></tr>\n'
             f'<tr><th>标题</th><td colspan="3">{esc(item.title)}</td></tr>\n</table>')
    atts = "".join(f'<p><a href="{esc(a.href)}" target="_blank">{esc(a.name)}</a></p>' for a in item.attachments)
    main = (f'{_crumbs(site, "政策文件", src.path)}\n<div class="zcwj-detail">\n{table}\n'
            f'<h1 class="doc-title">{esc(item.title)}</h1>\n'
            f'<div class="info">发布日期：{d_min(item.published_at)}　来源：{esc(item.source_name)}</div>\n'
            f'<div id="zoom">\n{_paragraphs(item, "indent")}\n'
            f'<p style="text-align:right">{esc(m["issuing_authority"])}</p>\n'
            f'<p style="text-align:right">{d_cn(datetime.fromisoformat(m["written_date"]))}</p>\n</div>\n'
            f'<div class="fujian"><h4>附件下载：</h4>{atts}</div>\n{_share_bar()}\n</div>')
    return layout(site, f"{item.title}_{site.name}", main, head=head)


# ---------------------------------------------------------------- feeds & sitemaps
def rss(site: Site, items: list[DemoItem], url_of, title: str, full: bool = False) -> str:
    entries = []
    for it in items:
        link = esc(url_of(site.id, it.path))
        desc = "".join(f"<p>{esc(p)}</p>" for p in it.paragraphs) if full else it.summary
        entries.append(f"<item>\n<title>{esc(it.title)}</title>\n<link>{link}</link>\n"
                       f"<description>{esc(desc)}</description>\n"
                       f"<pubDate>{format_datetime(it.published_at)}</pubDate>\n"
                       f'<guid isPermaLink="true">{link}</guid>\n</item>')
    last = format_datetime(items[0].published_at) if items else format_datetime(catalog.STATIC_EPOCH)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{esc(title)}</title>\n<link>{esc(url_of(site.id, '/'))}</link>\n"
            f"<description>{esc(site.name)}最新信息</description>\n<language>zh-cn</language>\n"
            f"<lastBuildDate>{last}</lastBuildDate>\n" + "\n".join(entries) + "\n</channel>\n</rss>\n")


def atom(site: Site, items: list[DemoItem], url_of, title: str) -> str:
    entries = []
    for it in items:
        link = esc(url_of(site.id, it.path))
        content = "".join(f"<p>{esc(p)}</p>" for p in it.paragraphs)
        entries.append(f'<entry>\n<title>{esc(it.title)}</title>\n<link rel="alternate" type="text/html" href="{link}"/>\n'
                       f"<id>{link}</id>\n<published>{w3c(it.published_at)}</published>\n"
                       f"<updated>{w3c(it.published_at)}</updated>\n<author><name>{esc(it.source_name)}</name></author>\n"
                       f"<summary>{esc(it.summary)}</summary>\n"
                       f'<content type="html">{esc(content)}</content>\n</entry>')
    updated = w3c(items[0].published_at if items else catalog.STATIC_EPOCH)
    home = esc(url_of(site.id, "/"))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            f"<title>{esc(title)}</title>\n<link rel=\"alternate\" href=\"{home}\"/>\n"
            f'<link rel="self" href="{esc(url_of(site.id, "/atom.xml"))}"/>\n<id>{home}</id>\n'
            f"<updated>{updated}</updated>\n" + "\n".join(entries) + "\n</feed>\n")


SITEMAP_PARTS = ("/sitemap-news-1.xml", "/sitemap-news-2.xml")
SITEMAP_EXTRA = ("/", "/about.html", "/contact.html")


def sitemap_split(items: list[DemoItem]) -> tuple[list[DemoItem], list[DemoItem]]:
    half = (len(items) + 1) // 2
    return items[:half], items[half:]


def sitemap_index(site: Site, items: list[DemoItem], url_of) -> str:
    parts = sitemap_split(items)
    out = []
    for path, part in zip(SITEMAP_PARTS, parts):
        lm = w3c(part[0].published_at if part else catalog.STATIC_EPOCH)
        out.append(f"<sitemap><loc>{esc(url_of(site.id, path))}</loc><lastmod>{lm}</lastmod></sitemap>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(out) + "\n</sitemapindex>\n")


def urlset(site: Site, part: list[DemoItem], url_of, extra: bool) -> str:
    urls = [f"<url><loc>{esc(url_of(site.id, it.path))}</loc><lastmod>{w3c(it.published_at)}</lastmod>"
            f"<changefreq>never</changefreq></url>" for it in part]
    if extra:
        urls += [f"<url><loc>{esc(url_of(site.id, p))}</loc><lastmod>{w3c(catalog.STATIC_EPOCH)}</lastmod>"
                 f"<changefreq>monthly</changefreq></url>" for p in SITEMAP_EXTRA]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(urls) + "\n</urlset>\n")
