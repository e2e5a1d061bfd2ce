"""Fixed data of the demo federation: sites, sources and their quirks.

Everything the demo serves is derived from this module plus ``demo.text``
(phrase lists), so two processes always render byte-identical pages.
Site order is significant: site *i* is served on ``base_port + i``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

TZ = timezone(timedelta(hours=8))
DEFAULT_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
FIRST_DAY = date(2026, 9, 1)
LAST_DAY = date(2026, 11, 19)
# Last-Modified of pages that never change (homepages without lists, robots.txt ...)
STATIC_EPOCH = datetime(2026, 8, 28, 9, 0, tzinfo=TZ)

COLUMNS = [
    ("xqdt", "县区动态"),
    ("bmdt", "部门动态"),
    ("tzgg", "通知公告"),
    ("zcwj", "政策文件"),
    ("jyzx", "教育资讯"),
]
# 责任部门全责维护: columns a unit maintains itself (registry ``columns[].owner``); no
# source feeds them, the owner's reporters publish there directly.
COLUMN_OWNERS = {"jyzx": "jyj"}

PORTAL = {"name": "中国衢州", "timezone": "Asia/Shanghai"}
# The portal's identity (footer and header): made up on purpose, so that nobody takes
# the demo for a real government site.  The logo is demo/logo.png (python -m demo.emblem).
PORTAL_IDENTITY = {
    "site_code": "0000000000",
    "icp": "演示ICP备00000000号",
    "police_record": "演示公网安备 00000000000000号",
    "organizer": "站群演示主办单位（虚构）",
    "operator": "站群演示承办单位（虚构）",
    "contact": {"phone": "0570-0000000", "email": "demo@example.invalid", "address": "演示地址（虚构，请勿前往）"},
    "logo": "demo/logo.png",
}

# The city notice republished on three sites (original + two reposts).
CITY_NOTICE_GROUP = "city-notice-2026-winter-forest-fire"
CITY_NOTICE_TITLE = "衢州市人民政府办公室关于做好2026年冬季森林防火工作的通知"
CITY_NOTICE_SOURCE = "衢州市人民政府办公室"

# Shared link blocks (link-heavy, no dates) used around lists.
GOV_LINKS = [
    ("中国政府网", "https://www.gov.cn/"),
    ("浙江省人民政府", "https://www.zj.gov.cn/"),
    ("衢州市人民政府", "https://www.qz.gov.cn/"),
    ("浙江政务服务网", "https://www.zjzwfw.gov.cn/"),
    ("柯城区人民政府", "http://www.kecheng.gov.cn/"),
    ("衢江区人民政府", "http://www.qjq.gov.cn/"),
    ("龙游县人民政府", "http://www.longyou.gov.cn/"),
    ("江山市人民政府", "http://www.jiangshan.gov.cn/"),
    ("常山县人民政府", "http://www.changshan.gov.cn/"),
    ("开化县人民政府", "http://www.kaihua.gov.cn/"),
    ("衢州日报", "http://www.qz828.com/"),
    ("信用中国（浙江衢州）", "https://credit.qz.gov.cn/"),
]

# ---------------------------------------------------------------------------
# Sites.  Each site is one unit; ``sources`` keys:
#   id, type (registry type), template (how the demo renders it), path (list URL
#   path on the site), columns, count (items at start), source_name (来源),
#   precision ("day" | "minute" | "second": what the detail page shows),
#   topics (title family, see demo.text), schedule, review, max_pages, rules,
#   id_base, per_page, specials {kind: [newest-first positions]}, expect, notes
# ---------------------------------------------------------------------------
SITES: list[dict] = [
    {
        "id": "kecheng", "name": "柯城区人民政府", "short": "柯城区", "kind": "county",
        "comment": "Hanweb JCMS: column pages carry the first 15 records in an embedded <datastore>; "
                   "later records only via POST /module/web/jpage/dataproxy.jsp. Gov meta tags on "
                   "detail pages. Publishes the original of the city notice reposted by qujiang and kaihua.",
        "webid": 2, "unitid": 5467, "site_code": "3308020001",
        "icp": "浙ICP备13021233号-1", "police": "浙公网安备 33080202000101号",
        "places": ["府山街道", "荷花街道", "航埠镇", "石梁镇", "九华乡", "衢州智造新城柯城片区"],
        "duties": [("xqdt", 4, "month"), ("tzgg", 2, "month")],
        "sources": [
            {"id": "kecheng-news", "type": "hanweb", "template": "hanweb", "colid": 1229,
             "colname": "柯城动态", "path": "/col/col1229/index.html", "columns": ["xqdt"], "count": 37,
             "source_name": "柯城区融媒体中心", "alt_sources": ["衢州日报", "柯城区委办"],
             "precision": "minute", "topics": "county", "schedule": {"every": "2m"}, "review": "auto",
             "max_pages": 5, "id_base": 3001,
             "notes": "Hanweb column: records 1-15 inline, 16-37 via dataproxy.jsp POST (totalRecord 37, perPage 15)."},
            {"id": "kecheng-tzgg", "category": "notice", "type": "hanweb", "template": "hanweb", "colid": 1230,
             "colname": "通知公告", "path": "/col/col1230/index.html", "columns": ["tzgg"], "count": 12,
             "source_name": "柯城区人民政府办公室", "precision": "minute", "topics": "notice",
             "schedule": {"cron": "*/5 * * * *"}, "review": "required", "id_base": 3601,
             "city_notice": {"role": "original", "at": datetime(2026, 11, 10, 16, 20, tzinfo=TZ)},
             "notes": "Hanweb column with fewer records than one page; holds the original city notice."},
        ],
    },
    {
        "id": "qujiang", "name": "衢江区人民政府", "short": "衢江区", "kind": "county",
        "comment": "TRS WCM served in GBK: createPageHTML() paging (index.htm, index_1.htm ...), "
                   "relative ./YYYYMM/tYYYYMMDD_N.html links, TRS_Editor bodies. One page (朱镕辉) is GBK "
                   "bytes under a lying 'charset=utf-8' header. Reposts the city notice (with 转载 line).",
        "site_code": "3308030001", "icp": "浙ICP备05007212号", "police": "浙公网安备 33080302000118号",
        "places": ["樟潭街道", "浮石街道", "莲花镇", "全旺镇", "高家镇", "衢江经济开发区"],
        "duties": [("tzgg", 2, "month")],
        "sources": [
            {"id": "qujiang-tzgg", "category": "notice", "type": "trs", "template": "trs", "path": "/col/tzgg/index.htm",
             "columns": ["tzgg"], "count": 30, "per_page": 8,
             "source_name": "衢江区人民政府办公室", "alt_sources": ["衢江区融媒体中心"],
             "precision": "day", "topics": "notice", "schedule": {"every": "3m"}, "review": "required",
             "max_pages": 4, "id_base": 123401,
             "city_notice": {"role": "copy", "at": datetime(2026, 11, 11, 0, 0, tzinfo=TZ), "variant": "trs"},
             "specials": {"lying_charset": [2]},
             "notes": "GBK; pages via createPageHTML(4, 0, \"index\", \"htm\"); one detail page (朱镕辉) is "
                      "GBK bytes served with a lying 'Content-Type: text/html; charset=utf-8' header "
                      "(its <meta charset=gbk> is right). Registry sets no encoding on purpose."},
        ],
    },
    {
        "id": "longyou", "name": "龙游县人民政府", "short": "龙游县", "kind": "county",
        "comment": "RSS only: /rss.xml items carry a short <description> summary, full text only on the "
                   "linked pages, which have no gov meta tags (info bar 发布时间：2026年11月18日 10:21 来源：…).",
        "site_code": "3308250001", "icp": "浙ICP备05015368号", "police": "浙公网安备 33082502000105号",
        "places": ["龙洲街道", "东华街道", "湖镇镇", "溪口镇", "龙游经济开发区", "龙游石窟景区"],
        "duties": [("xqdt", 4, "month")],
        "sources": [
            {"id": "longyou-news", "type": "feed", "template": "rss", "path": "/rss.xml", "columns": ["xqdt"],
             "count": 20, "source_name": "龙游县融媒体中心", "alt_sources": ["龙游通"],
             "precision": "minute", "topics": "county", "schedule": {"every": "2m"}, "review": "auto",
             "id_base": 51001,
             "notes": "RSS 2.0 with summaries only; follow <link> for full text; no gov meta tags."},
        ],
    },
    {
        "id": "jiangshan", "name": "江山市人民政府", "short": "江山市", "kind": "county",
        "comment": "Sitemap only: /sitemap.xml is a <sitemapindex> of two <urlset>s with <lastmod>; the "
                   "homepage has no list. Dates as 2026/11/18 10:21:33. The sitemaps also list non-article "
                   "pages (/, /about.html, /contact.html).",
        "site_code": "3308810001", "icp": "浙ICP备05007215号-1", "police": "浙公网安备 33088102000111号",
        "places": ["虎山街道", "双塔街道", "贺村镇", "峡口镇", "江郎山景区", "江山经济开发区"],
        "duties": [("xqdt", 4, "month")],
        "sources": [
            {"id": "jiangshan-news", "type": "sitemap", "template": "sitemap", "path": "/sitemap.xml",
             "columns": ["xqdt"], "count": 24, "source_name": "江山市新闻中心", "precision": "second",
             "topics": "county", "schedule": {"every": "4m"}, "review": "auto", "id_base": 5201,
             "notes": "Sitemap index -> 2 urlsets; truth lists only article URLs, the sitemaps also "
                      "contain /, /about.html and /contact.html (store or skip)."},
            {"id": "jiangshan-zcjd", "type": "list", "template": "empty", "colname": "政策解读",
             "path": "/zwgk/zcjd/index.html", "columns": ["zcwj"], "count": 0, "harvest": False,
             "category": "notice", "source_name": "江山市人民政府办公室", "precision": "day", "topics": "notice",
             "schedule": {"every": "10m"}, "review": "required", "id_base": 5801, "expect": "empty",
             "notes": "政策解读, watched only (harvest: false): the list says 暂无信息, an empty column "
                      "(空白栏目) for supervision."},
        ],
    },
    {
        "id": "changshan", "name": "常山县人民政府", "short": "常山县", "kind": "county",
        "comment": "Plain HTML list as <table> rows (2026年11月18日), 下一页 paging over 3 pages, heavy "
                   "navigation/友情链接 blocks. robots.txt disallows /cms/preview/ which two list entries "
                   "link into; one detail page answers 500.",
        "site_code": "3308220001", "icp": "浙ICP备05016722号", "police": "浙公网安备 33082202000104号",
        "places": ["天马街道", "紫港街道", "球川镇", "芳村镇", "常山经济开发区", "常山胡柚产业园"],
        "duties": [("xqdt", 4, "month")],
        "sources": [
            {"id": "changshan-news", "type": "list", "template": "list_table", "path": "/xwzx/index.html",
             "columns": ["xqdt"], "count": 30, "per_page": 10, "source_name": "常山县融媒体中心",
             "alt_sources": ["常山县委宣传部"], "precision": "day", "topics": "county",
             "schedule": {"every": "3m"}, "review": "auto", "max_pages": 5, "id_base": 6101,
             "specials": {"disallowed": [4, 16], "error500": [7]},
             "notes": "Table-row list, 下一页 paging, 3 pages; two entries under robots-disallowed "
                      "/cms/preview/; one detail answers 500."},
        ],
    },
    {
        "id": "kaihua", "name": "开化县人民政府", "short": "开化县", "kind": "county",
        "comment": "Plain HTML list as <dl><dd> with 2026.11.18 dates and ?page=N paging (下一页). One slow "
                   "detail page (3 s), one malformed page (truncated HTML + binary junk). Reposts the city "
                   "notice with different whitespace.",
        "site_code": "3308240001", "icp": "浙ICP备05015311号", "police": "浙公网安备 33082402000109号",
        "places": ["芹阳办事处", "华埠镇", "马金镇", "池淮镇", "钱江源国家公园", "开化经济开发区"],
        "duties": [("xqdt", 4, "month")],
        "sources": [
            {"id": "kaihua-news", "type": "list", "template": "list_dl", "path": "/news/list.html",
             "columns": ["xqdt"], "count": 26, "per_page": 10, "source_name": "开化县融媒体中心",
             "alt_sources": ["开化县委报道组"], "precision": "day", "topics": "county",
             "schedule": {"every": "2m"}, "review": "auto", "max_pages": 5, "id_base": 7001,
             "city_notice": {"role": "copy", "at": datetime(2026, 11, 12, 0, 0, tzinfo=TZ), "variant": "kaihua"},
             "specials": {"slow": [3], "malformed": [14]},
             "notes": "<dl><dd> list, ?page=N paging; one detail sleeps 3 s (keep it), one is malformed."},
        ],
    },
    {
        "id": "fgw", "name": "衢州市发展和改革委员会", "short": "市发改委", "kind": "department",
        "comment": "Policy documents: <table class=\"xxgk\"> header (索引号/文号/发文机关/成文日期/主题分类), "
                   "attachments (pdf/docx/xlsx/ofd/zip; absolute, ../../ relative and downfile.jsp links). "
                   "The only source with explicit list rules.",
        "site_code": "3308000012", "icp": "浙ICP备05007200号-3", "police": "浙公网安备 33080202000212号",
        "places": ["衢州智造新城", "四省边际中心城市", "衢州高新园区", "智慧新城"],
        "duties": [("zcwj", 1, "month")],
        "sources": [
            {"id": "fgw-zcwj", "category": "notice", "type": "list", "template": "list_ul", "path": "/zcwj/index.html",
             "columns": ["zcwj"], "count": 15, "per_page": 10, "source_name": "衢州市发展和改革委员会",
             "precision": "minute", "topics": "policy", "schedule": {"every": "10m"}, "review": "required",
             "max_pages": 3, "id_base": 4001,
             "rules": {"item": "ul.doc-list li", "link": "a", "title": "a", "date": "span.date"},
             "notes": "List with [2026-11-18] dates (rules given); detail pages with gov meta tags, "
                      "xxgk table and attachments."},
            {"id": "fgw-gzdt", "type": "list", "template": "column", "colname": "工作动态", "path": "/gzdt/index.html",
             "columns": ["bmdt"], "count": 10, "per_page": 15, "source_name": "衢州市发展和改革委员会",
             "precision": "day", "topics": "county", "schedule": {"every": "10m"}, "review": "auto",
             "id_base": 4501, "first_day": date(2026, 9, 1), "last_day": date(2026, 10, 19), "stale": True,
             "notes": "工作动态, last updated 2026-10-19 and never again: a stale column (动态类: 2 weeks) "
                      "for supervision."},
        ],
    },
    {
        "id": "jyj", "name": "衢州市教育局", "short": "市教育局", "kind": "department",
        "comment": "type auto: the source URL is the homepage, which only declares "
                   "<link rel=\"alternate\"> Atom and RSS feeds; the Atom feed carries full content. Its "
                   "homepage links a page that no longer exists (a 200 page saying so: a soft 404).",
        "dead_link": ("2025年秋季义务教育招生政策解读", "/jyzx/zsks/2025/zcjd.html"),
        "site_code": "3308000020", "icp": "浙ICP备05007204号", "police": "浙公网安备 33080202000220号",
        "places": ["衢州二中", "衢州学院", "衢州市实验学校", "衢州中专"],
        "duties": [("bmdt", 2, "month")],
        "sources": [
            {"id": "jyj-news", "type": "auto", "template": "atom", "path": "/", "columns": ["bmdt"],
             "count": 18, "source_name": "衢州市教育局", "alt_sources": ["衢州市教育局办公室"],
             "precision": "minute", "topics": "edu", "schedule": {"every": "3m"}, "review": "auto",
             "id_base": 8101,
             "notes": "Homepage declares /atom.xml and /rss.xml via <link rel=alternate>; the harvester "
                      "must discover the feed."},
        ],
    },
    {
        "id": "wjw", "name": "衢州市卫生健康委员会", "short": "市卫健委", "kind": "department",
        "comment": "Second Hanweb site (department); its 通知公告 column is broken (the list URL "
                   "answers 500) while the news column keeps working.",
        "webid": 15, "unitid": 6108, "site_code": "3308000031",
        "icp": "浙ICP备05007211号", "police": "浙公网安备 33080202000231号",
        "places": ["衢州市人民医院", "衢州市中医医院", "衢州市疾控中心", "衢州市妇幼保健院"],
        "duties": [("bmdt", 2, "month"), ("tzgg", 1, "month")],
        "sources": [
            {"id": "wjw-news", "type": "hanweb", "template": "hanweb", "colid": 1410, "colname": "卫健动态",
             "path": "/col/col1410/index.html", "columns": ["bmdt"], "count": 22,
             "source_name": "衢州市卫生健康委员会", "alt_sources": ["衢州市疾控中心"],
             "precision": "minute", "topics": "health", "schedule": {"every": "4m"}, "review": "auto",
             "max_pages": 3, "id_base": 9101,
             "notes": "Hanweb column (22 records: 15 inline, 7 via dataproxy.jsp)."},
            {"id": "wjw-tzgg", "category": "notice", "type": "list", "template": "broken", "path": "/col/col1411/index.html",
             "columns": ["tzgg"], "count": 0, "source_name": "衢州市卫生健康委员会", "precision": "minute",
             "topics": "notice", "schedule": {"every": "3m"}, "review": "required", "expect": "fail",
             "notes": "The list URL always answers 500: the source must fail without affecting others."},
        ],
    },
]
