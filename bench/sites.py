"""A synthetic federation of government sub-sites for the harvest benchmark.

    build_federation(hosts=10, pages_per_host=300)  -> Federation (pages in memory)
    serve(federation, workdir, prefer="auto")        -> a running Server (nginx or Python)
    write_registry(federation, path)                 -> a registry.yaml for ``zhanqun harvest``

Host N (1-based) is 127.0.0.N on one shared port: all of 127/8 is loopback on
Linux, and distinct hosts matter because Scrapy limits concurrency per host.
Every host has one paged column list (``/col/colNNNN/index.html``,
``index_2.html`` …, 20 items a page, 下一页 links) and its detail pages.
Detail pages are Chinese government articles (about 800–2000 characters of
text) built from phrase lists with a per-page seed; each host has its own
towns, offices and people, so pages on different hosts are not near-duplicates.
Most pages carry ``ArticleTitle``/``PubDate``/``ContentSource`` meta tags, the
rest only a 发布时间：/来源： info bar; some list attachments; every third host
(TRS-style, ``.htm``) is served in GBK with ``charset=gbk``.
"""
from __future__ import annotations

import grp
import html
import os
import random
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ITEMS_PER_LIST_PAGE = 20
TODAY = date.today()

# --- phrase lists -------------------------------------------------------------
COUNTIES = [
    "柯城区", "衢江区", "龙游县", "江山市", "常山县", "开化县", "智造新城", "婺城区", "金东区", "兰溪市",
    "义乌市", "东阳市", "永康市", "浦江县", "武义县", "磐安县", "莲都区", "青田县", "缙云县", "遂昌县",
]
SYLLABLES = (
    "航埠石梁华墅沟溪九华双港花园信安荷花府山白云衡路新塘樟潭湖南峡川杜泽廿里高家莲花云溪黄坛上方"
    "贺村须江清湖峡口凤林大桥坛石虎山碗窑长台新昌芳村球川招贤何家音坑华埠马金池淮齐溪村头林山桐村"
    "詹家灵山塔石横山溪口罗家庙下社阳湖镇小南海模环寺后东华"
)
TOWN_SUFFIX = ["镇", "乡", "街道", "镇", "村", "社区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国晓明海燕卫东志强丽华春生秋菊永红国庆文军桂英德明玉兰振华立新宏伟美玲俊杰雪梅"
OFFICES = [
    "发展和改革局", "经济和信息化局", "教育局", "科学技术局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "自然资源和规划局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化和广电旅游体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "综合行政执法局", "大数据发展管理局", "信访局", "机关事务管理中心", "投资促进中心",
]
TOPICS = [
    "营商环境优化提升", "共同富裕示范区建设", "数字化改革", "乡村振兴", "安全生产", "森林防火", "生活垃圾分类",
    "文明城市创建", "养老服务体系建设", "招商引资", "河湖长制", "基层治理", "山海协作", "城市有机更新",
    "消防安全", "耕地保护", "就业创业", "重大项目建设", "未来社区建设", "农村饮用水提标", "义务教育优质均衡",
    "校园安全", "医共体建设", "秋冬季传染病防控", "食品安全", "农村生活污水治理", "扩大有效投资", "节能降碳",
    "防范非法集资", "冬季道路交通安全", "低收入农户帮扶", "政务公开", "数字经济发展", "粮食安全", "平安建设",
    "信访工作", "人才引育", "民营经济发展", "小微企业园建设", "工业园区提质", "旅游市场整治", "文物保护",
    "电动自行车安全隐患整治", "燃气安全排查", "防汛防台", "地质灾害防治", "高标准农田建设", "林长制",
]
TITLE_PATTERNS = [
    "{org}召开{topic}工作推进会", "{org}部署{topic}重点任务", "{leader}调研{town}{topic}工作",
    "{org}举办{topic}专题培训班", "{town}{topic}取得阶段性成效", "{org}开展{topic}专项行动",
    "{org}出台{topic}十条举措", "关于开展{topic}工作的通知", "关于做好{topic}有关工作的通知",
    "{county}人民政府关于{topic}的公告", "关于{topic}情况的通报", "关于征集{topic}意见建议的公告",
    "关于印发《{county}{topic}实施方案》的通知", "{town}：{topic}跑出加速度", "{org}召开{topic}座谈会",
]
LEADS = [
    "{md}{ampm}，{org}围绕{topic}召开专题会议，总结前阶段工作成效，分析当前形势，部署下一步重点任务。{leader}出席会议并讲话。",
    "{md}，{leader}带队赴{town}开展{topic}实地调研，详细了解工作推进情况，{org}主要负责人陪同。",
    "{md}{ampm}，{org}举行{topic}工作部署会，传达学习上级有关会议精神，{town}等{n2}个乡镇（街道）作交流发言。",
    "近日，{org}印发《{topic}工作方案》，明确了{year}年至{year2}年的目标任务和{n2}项重点举措。",
    "{md}，记者从{org}获悉，{town}{topic}各项工作正有序推进，{n2}项指标位居全市前列。",
    "为深入推进{topic}，{org}于{md}在{town}组织开展集中宣传活动，吸引群众{n4}余人参与。",
]
SENTENCES = [
    "会议指出，{topic}是推动高质量发展的重要抓手，事关群众切身利益，必须坚持问题导向、目标导向和结果导向。",
    "近年来，{org}坚持以人民为中心的发展思想，持续加大投入力度，{topic}各项工作取得明显成效。",
    "今年以来，{town}累计投入资金{n1}亿元，实施重点项目{n2}个，惠及群众{n3}万人次，同比增长{pct}%。",
    "{leader}强调，各地各部门要进一步提高政治站位，压紧压实工作责任，确保{topic}各项任务落地见效。",
    "要坚持系统观念，强化{office}、{office2}等部门协同，形成上下联动、齐抓共管的工作格局。",
    "要聚焦群众急难愁盼问题，建立问题清单、任务清单和责任清单，对{n2}个突出问题实行闭环管理。",
    "要加强数字化赋能，依托“浙里办”“浙政钉”等平台，提升{topic}的精准性和实效性。",
    "要强化督查考核，将{topic}纳入{year}年度综合考核，对推进不力的单位进行通报。",
    "下一步，{org}将持续深化{topic}，推动{town}、{town2}等地形成一批标志性成果。",
    "活动现场，{office}工作人员向群众发放宣传资料{n4}余份，现场解答咨询{n5}余人次。",
    "与会人员实地察看了{town}{place}，详细了解项目推进情况，并就存在的问题进行了现场协调。",
    "截至{md}，{town}已完成年度目标任务的{pct}%，累计完成投资{n1}亿元，预计年底前可全面完成。",
    "据{office}负责人{person}介绍，{town}先行先试，探索形成了“{slogan}”工作机制，相关做法在全市推广。",
    "会上，{town}、{town2}和{office}作了交流发言，分享了{topic}工作中的好经验、好做法。",
    "{person}表示，将以此次会议为契机，对照{n2}项重点任务逐条梳理，确保{month}月底前完成整改。",
    "各乡镇（街道）、各有关单位要高度重视，成立工作专班，明确责任分工，确保{topic}有序开展。",
    "请各单位于{md}前将{topic}开展情况报送至{office}，联系人：{person}，电话：0570-{tel}。",
    "对检查中发现的{n5}处问题隐患，要建立整改台账，明确整改时限，做到整改一项、销号一项。",
    "{town}{place}项目总投资{n1}亿元，占地{n6}亩，建成后预计年产值可达{n3}亿元，新增就业岗位{n4}个。",
    "据统计，{year}年1—{month}月，{county}{metric}{n3}亿元，同比增长{pct}%，增速居全市第{rank}位。",
    "{office}联合{office2}组成{n2}个督查组，深入{town}等地开展明察暗访，发现并督促整改问题{n5}个。",
    "下阶段，{town}将围绕“{slogan}”目标，持续在{topic}上下功夫，力争{year2}年实现新突破。",
    "本次培训采取专题授课、案例教学、现场观摩相结合的方式，共有{n4}名基层干部参加。",
    "群众{person}说：“{topic}办到了我们心坎上，现在办事方便多了，生活也越来越有奔头。”",
]
PLACES = ["产业园", "安置小区", "综合服务中心", "未来乡村", "文化礼堂", "污水处理厂", "物流园", "小微企业园",
          "数字经济园", "农贸市场", "卫生院", "中心小学", "便民服务中心", "滨江公园", "水厂", "养老服务中心"]
SLOGANS = ["一件事一次办", "县乡一体、条抓块统", "五星三A", "大综合一体化", "网格连心、组团服务", "码上办",
           "千万工程", "两山转化", "邻里中心", "共富工坊", "红色根脉", "枫桥经验", "最多跑一次", "四治融合"]
METRICS = ["规上工业增加值", "固定资产投资", "社会消费品零售总额", "一般公共预算收入", "外贸进出口总额",
           "农村居民人均可支配收入", "数字经济核心产业营业收入", "实际利用外资"]
ATTACH_NAMES = ["实施方案", "任务分解表", "报名表", "名单", "申报指南", "政策解读", "评分细则", "汇总表"]
ATTACH_EXT = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps"]
NAV = ["首页", "政务公开", "政务服务", "互动交流", "专题专栏", "走进{county}"]
COLUMN_NAMES = [("xqdt", "县区动态"), ("bmdt", "部门动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件")]


@dataclass
class Page:
    body: bytes
    content_type: str


@dataclass
class Host:
    index: int          # 1-based
    address: str        # 127.0.0.N
    name: str           # 柯城区人民政府
    column_id: str
    column_name: str
    charset: str        # utf-8 or gbk
    list_path: str
    pages: dict[str, Page] = field(default_factory=dict)  # path -> page
    detail_paths: list[str] = field(default_factory=list)
    list_paths: list[str] = field(default_factory=list)


@dataclass
class Federation:
    hosts: list[Host]
    port: int

    def base(self, host: Host) -> str:
        return f"http://{host.address}:{self.port}"

    def list_url(self, host: Host) -> str:
        return self.base(host) + host.list_path

    @property
    def detail_pages(self) -> int:
        return sum(len(h.detail_paths) for h in self.hosts)

    @property
    def list_pages(self) -> int:
        return sum(len(h.list_paths) for h in self.hosts)

    @property
    def total_bytes(self) -> int:
        return sum(len(p.body) for h in self.hosts for p in h.pages.values())


# --- text ---------------------------------------------------------------------
class HostVocabulary:
    """Names that belong to one host: its towns, offices, people, leaders."""

    def __init__(self, index: int, county: str):
        rng = random.Random(f"zhanqun-bench-host-{index}")
        self.county = county
        pairs = [SYLLABLES[i : i + 2] for i in range(0, len(SYLLABLES) - 1, 2)]
        self.towns = sorted({rng.choice(pairs) + rng.choice(pairs)[0] + rng.choice(TOWN_SUFFIX) for _ in range(24)})
        self.people = sorted({rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]) for _ in range(30)})
        self.offices = [county + o for o in rng.sample(OFFICES, 12)]
        self.leaders = [f"{county}{role}{p}" for role, p in zip(("委书记", "长", "委副书记", "副区长", "政协主席"), self.people)]
        self.topics = rng.sample(TOPICS, 30)
        self.slogans = rng.sample(SLOGANS, 6)


def _fill(template: str, v: HostVocabulary, rng: random.Random, when: date) -> str:
    towns = rng.sample(v.towns, 2)
    offices = rng.sample(v.offices, 2)
    return template.format(
        org=rng.choice([v.county + "人民政府", v.county + "委", *offices]),
        county=v.county, topic=rng.choice(v.topics), leader=rng.choice(v.leaders),
        town=towns[0], town2=towns[1], office=offices[0], office2=offices[1],
        person=rng.choice(v.people), place=rng.choice(PLACES), slogan=rng.choice(v.slogans),
        metric=rng.choice(METRICS), md=f"{when.month}月{when.day}日", ampm=rng.choice(["上午", "下午", ""]),
        year=when.year, year2=when.year + rng.randint(1, 3), month=rng.randint(2, 11), rank=rng.randint(1, 6),
        n1=f"{rng.uniform(0.3, 80):.2f}", n2=rng.randint(3, 60), n3=f"{rng.uniform(1, 300):.1f}",
        n4=rng.randint(50, 5000), n5=rng.randint(5, 400), n6=rng.randint(20, 900),
        pct=f"{rng.uniform(1, 99):.1f}", tel=rng.randint(3000000, 8999999),
    )


def article(v: HostVocabulary, rng: random.Random, when: date) -> tuple[str, list[str]]:
    """(title, paragraphs) of about 800–2000 characters."""
    title = _fill(rng.choice(TITLE_PATTERNS), v, rng, when)
    target = rng.randint(800, 2000)
    paragraphs = [_fill(rng.choice(LEADS), v, rng, when)]
    size = len(paragraphs[0])
    while size < target:
        para = "".join(_fill(s, v, rng, when) for s in rng.sample(SENTENCES, rng.randint(2, 5)))
        paragraphs.append(para)
        size += len(para)
    return title, paragraphs


# --- markup -------------------------------------------------------------------
def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _header(host: Host, v: HostVocabulary, charset: str, title: str, metas: str = "") -> str:
    nav = "".join(f'<li><a href="/col/col{1000 + i}/index.html">{_e(n.format(county=v.county))}</a></li>'
                  for i, n in enumerate(NAV))
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title>\n{metas}'
        '<link rel="stylesheet" href="/css/style.css">\n<script src="/js/jquery.min.js"></script>\n</head>\n<body>\n'
        f'<div class="topbar"><div class="w1200"><span>欢迎访问{_e(host.name)}门户网站</span>'
        '<a href="javascript:;" id="wza">无障碍</a> | <a href="javascript:;" id="zzms">长者模式</a> | <a href="/col/col9999/index.html">English</a></div></div>\n'
        f'<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{_e(host.name)}"></a></div>'
        '<div class="search"><form action="/jsearchfront/search.do" method="get"><input type="text" name="q" placeholder="请输入关键词">'
        '<button type="submit">搜索</button></form></div></div>\n'
        f'<div class="nav"><ul>{nav}</ul></div>\n'
    )


def _footer(host: Host, v: HostVocabulary, rng: random.Random) -> str:
    links = "".join(f'<a href="https://www.{w}.gov.cn/" target="_blank">{n}</a>'
                    for w, n in (("gov", "中国政府网"), ("zj", "浙江省人民政府"), ("qz", "衢州市人民政府")))
    return (
        f'<div class="links"><span>友情链接：</span>{links}</div>\n'
        f'<div class="footer"><p>主办单位：{_e(host.name)}办公室　承办：{_e(v.county)}大数据发展管理局</p>'
        f'<p>网站标识码：33080{host.index:02d}0001　<a href="https://beian.miit.gov.cn/">浙ICP备{10000000 + host.index * 7919}号</a>'
        f'　浙公网安备 3308020{host.index:02d}00{rng.randint(100, 999)}号</p>'
        f'<p>地址：{_e(v.county)}{_e(v.towns[0])}府前路{host.index}号　联系电话：0570-{rng.randint(3000000, 8999999)}</p>'
        '<p><a href="/col/col9998/index.html">网站地图</a> | <a href="/col/col9997/index.html">联系我们</a> | 建议使用1920×1080分辨率浏览</p></div>\n'
        '<script>var _hmt=_hmt||[];$(function(){$("#wza").on("click",function(){});});</script>\n</body></html>\n'
    )


def detail_html(host: Host, v: HostVocabulary, n: int, when: date, title: str, paragraphs: list[str], rng: random.Random) -> str:
    hh, mm = rng.randint(8, 18), rng.randint(0, 59)
    stamp = f"{when:%Y-%m-%d} {hh:02d}:{mm:02d}"
    source = rng.choice([host.name, *v.offices[:4], "衢州日报", f"{v.county}融媒体中心"])
    with_meta = n % 4 != 3   # three pages in four carry the gov meta tags
    metas = ""
    if with_meta:
        metas = (
            f'<meta name="SiteName" content="{_e(host.name)}">\n<meta name="SiteDomain" content="{host.address}">\n'
            f'<meta name="ColumnName" content="{_e(host.column_name)}">\n<meta name="ArticleTitle" content="{_e(title)}">\n'
            f'<meta name="PubDate" content="{stamp}">\n<meta name="ContentSource" content="{_e(source)}">\n'
            f'<meta name="Keywords" content="{_e(v.topics[n % len(v.topics)])}">\n'
        )
    if host.charset == "gbk":  # TRS WCM style
        body_open, body_close = '<div class="TRS_Editor"><div class="Custom_UnionStyle">', "</div></div>"
        info = f'<div class="info"><span>发布时间：{when.year}年{when.month}月{when.day}日 {hh:02d}:{mm:02d}</span><span>来源：{_e(source)}</span></div>'
    else:
        body_open, body_close = '<div id="zoom" class="content">', "</div>"
        info = (f'<div class="info"><span>发布时间：{stamp}</span><span>来源：{_e(source)}</span>'
                f'<span>浏览次数：<script>document.write({rng.randint(10, 3000)})</script></span>'
                '<span>字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>]</span></div>')
    paras = "\n".join(f'<p style="text-indent:2em;">{_e(p)}</p>' for p in paragraphs)
    attach = ""
    if n % 6 == 1:
        files = []
        for k in range(rng.randint(1, 3)):
            name = f"{title[:12]}{rng.choice(ATTACH_NAMES)}"
            ext = rng.choice(ATTACH_EXT)
            files.append(f'<p><a href="/module/download/downfile.jsp?classid=0&amp;filename={host.index}{n:05d}{k}{ext}">'
                         f'附件{k + 1}：{_e(name)}{ext}</a></p>')
        attach = '<div class="attachment">' + "".join(files) + "</div>"
    related = "".join(f'<li><a href="/col/col{host.column_id[-4:]}/index.html">{_e(_fill(rng.choice(TITLE_PATTERNS), v, rng, when))}</a></li>'
                      for _ in range(3))
    return (
        _header(host, v, host.charset, f"{title}_{host.name}", metas)
        + f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{host.list_path}">{_e(host.column_name)}</a> &gt; 正文</div>\n'
        + f'<div class="main"><div class="article"><h1 class="title">{_e(title)}</h1>\n{info}\n'
        + f"{body_open}\n{paras}\n{body_close}\n{attach}\n"
        + '<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a></div>'
        + '<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div></div>\n'
        + f'<div class="related"><h3>相关文章</h3><ul>{related}</ul></div></div>\n'
        + _footer(host, v, rng)
    )


def list_html(host: Host, v: HostVocabulary, page_no: int, pages: int, entries: list[tuple[str, str, date]], rng: random.Random) -> str:
    ext = Path(host.list_path).suffix

    def page_url(k: int) -> str:
        return f"index{ext}" if k == 1 else f"index_{k}{ext}"

    items = "\n".join(f'<li><a href="{path}" title="{_e(title)}" target="_blank">{_e(title)}</a><span>{when:%Y-%m-%d}</span></li>'
                      for path, title, when in entries)
    pager = [f'<a href="{page_url(1)}">首页</a>']
    if page_no > 1:
        pager.append(f'<a href="{page_url(page_no - 1)}">上一页</a>')
    pager.append(f"<span>{page_no}/{pages}</span>")
    if page_no < pages:
        pager.append(f'<a href="{page_url(page_no + 1)}">下一页</a>')
    pager.append(f'<a href="{page_url(pages)}">尾页</a>')
    side = "".join(f'<li><a href="/col/col{2000 + k}/index.html">{_e(name)}</a></li>' for k, (_, name) in enumerate(COLUMN_NAMES))
    return (
        _header(host, v, host.charset, f"{host.column_name}_{host.name}",
                f'<meta name="SiteName" content="{_e(host.name)}">\n<meta name="ColumnName" content="{_e(host.column_name)}">\n')
        + f'<div class="position">当前位置：<a href="/">首页</a> &gt; {_e(host.column_name)}</div>\n'
        + f'<div class="main"><div class="sidebar"><h3>{_e(host.column_name)}</h3><ul>{side}</ul></div>\n'
        + f'<div class="column"><h2>{_e(host.column_name)}</h2>\n<ul class="list">\n{items}\n</ul>\n'
        + f'<div class="page">{" ".join(pager)}</div></div></div>\n'
        + _footer(host, v, rng)
    )


def build_host(index: int, pages_per_host: int) -> Host:
    county = COUNTIES[(index - 1) % len(COUNTIES)] + ("" if index <= len(COUNTIES) else str((index - 1) // len(COUNTIES) + 1))
    column_id, column_name = COLUMN_NAMES[(index - 1) % len(COLUMN_NAMES)]
    gbk = index % 3 == 0
    col = 1228 + index
    host = Host(
        index=index, address=f"127.0.0.{index}", name=f"{county}人民政府", column_id=column_id,
        column_name=column_name, charset="gbk" if gbk else "utf-8",
        list_path=f"/col/col{col}/index.htm" if gbk else f"/col/col{col}/index.html",
    )
    v = HostVocabulary(index, county)
    ctype = f"text/html; charset={host.charset}"
    entries: list[tuple[str, str, date]] = []
    for n in range(pages_per_host):
        rng = random.Random(f"zhanqun-bench-{index}-{n}")
        when = TODAY - timedelta(days=1 + n // 3)
        title, paragraphs = article(v, rng, when)
        art_id = 4_000_000 + index * 100_000 + n
        if gbk:
            path = f"/col/col{col}/{when:%Y%m}/t{when:%Y%m%d}_{art_id}.htm"
        else:
            path = f"/art/{when:%Y/%m/%d}/art_{col}_{art_id}.html"
        text = detail_html(host, v, n, when, title, paragraphs, rng)
        host.pages[path] = Page(text.encode(host.charset, "xmlcharrefreplace"), ctype)
        host.detail_paths.append(path)
        entries.append((path, title, when))
    rng = random.Random(f"zhanqun-bench-{index}-lists")
    pages = max(1, -(-len(entries) // ITEMS_PER_LIST_PAGE))
    directory = host.list_path.rsplit("/", 1)[0]
    ext = Path(host.list_path).suffix
    for k in range(1, pages + 1):
        chunk = entries[(k - 1) * ITEMS_PER_LIST_PAGE : k * ITEMS_PER_LIST_PAGE]
        path = host.list_path if k == 1 else f"{directory}/index_{k}{ext}"
        host.pages[path] = Page(list_html(host, v, k, pages, chunk, rng).encode(host.charset, "xmlcharrefreplace"), ctype)
        host.list_paths.append(path)
    host.pages["/robots.txt"] = Page(b"User-agent: *\nDisallow:\n", "text/plain")
    host.pages["/"] = Page(
        (_header(host, v, host.charset, host.name) + f'<div class="main"><a href="{host.list_path}">{_e(column_name)}</a></div>'
         + _footer(host, v, rng)).encode(host.charset, "xmlcharrefreplace"), ctype)
    return host


def build_federation(hosts: int = 10, pages_per_host: int = 300, port: int | None = None) -> Federation:
    if not 1 <= hosts <= 254:
        raise ValueError("hosts must be within 1..254 (127.0.0.1 … 127.0.0.254)")
    built = [build_host(i, pages_per_host) for i in range(1, hosts + 1)]
    return Federation(built, port or free_port([h.address for h in built]))


def free_port(addresses: list[str]) -> int:
    """A TCP port free on every address."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            socks = []
            for address in addresses:
                s = socket.socket()
                socks.append(s)
                s.bind((address, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port on the loopback addresses")


# --- registry -----------------------------------------------------------------
def registry_yaml(federation: Federation, per_host_concurrency: int | None = 8, per_host_delay: float | None = 0.0) -> str:
    """``per_host_*``: the registry's ``harvest.per_host`` politeness (None: the
    harvester's defaults).  A throughput benchmark states its own."""
    lines = [
        "# Synthetic federation for bench/harvest.py (generated; loopback only).",
        "portal: {name: 基准测试门户, timezone: Asia/Shanghai}",
    ]
    policy = {k: v for k, v in (("concurrency", per_host_concurrency), ("delay", per_host_delay)) if v is not None}
    if policy:
        lines.append("harvest: {per_host: {" + ", ".join(f"{k}: {v}" for k, v in policy.items()) + "}}")
    lines += [
        "columns:",
        *(f"  - {{id: {cid}, name: {name}}}" for cid, name in COLUMN_NAMES),
        "units:",
    ]
    for h in federation.hosts:
        max_pages = min(1000, len(h.list_paths) + 5)
        lines += [
            f"  - id: bench-h{h.index:03d}",
            f"    name: {h.name}",
            "    kind: county",
            f"    homepage: {federation.base(h)}/",
            "    sources:",
            f"      - id: bench-h{h.index:03d}-list",
            f"        url: {federation.list_url(h)}",
            "        type: list",
            f"        columns: [{h.column_id}]",
            "        schedule: {every: 1h}",
            "        review: auto",
            f"        max_pages: {max_pages}",
            "        allow_private: true",
        ]
    return "\n".join(lines) + "\n"


def write_registry(federation: Federation, path: Path, **policy) -> Path:
    path.write_text(registry_yaml(federation, **policy), encoding="utf-8")
    return path


# --- servers ------------------------------------------------------------------
class Server:
    kind = "none"

    def stop(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def _wait_listening(federation: Federation, timeout: float = 10.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    pending = [h.address for h in federation.hosts]
    while pending:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with socket.create_connection((pending[0], federation.port), timeout=0.5):
                pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not listening on {pending[0]}:{federation.port}") from None
            time.sleep(0.05)


class NginxServer(Server):
    kind = "nginx"

    def __init__(self, federation: Federation, workdir: Path, binary: str):
        self.workdir = workdir / "nginx"
        www = self.workdir / "www"
        for h in federation.hosts:
            for path, page in h.pages.items():
                target = www / h.address / (path.lstrip("/") or "index.html")
                if path.endswith("/"):
                    target = www / h.address / path.lstrip("/") / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(page.body)
        user = ""
        if os.geteuid() == 0:  # workers drop to nobody: the tree must be readable
            group = next((g for g in ("nogroup", "nobody") if _group_exists(g)), None)
            user = f"user nobody {group};" if group else "user root;"
            for d in [workdir, *(p for p in self.workdir.rglob("*") if p.is_dir()), self.workdir]:
                d.chmod(0o755)
        servers = []
        for h in federation.hosts:
            servers.append(f"""
    server {{
        listen {h.address}:{federation.port};
        server_name {h.address};
        root {www / h.address};
        charset {h.charset};
        location / {{ index index.html; }}
    }}""")
        conf = f"""{user}
daemon off;
worker_processes 2;
pid {self.workdir}/nginx.pid;
error_log {self.workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html htm; text/plain txt; text/css css; application/javascript js; }}
    default_type application/octet-stream;
    charset_types text/html text/plain;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path {self.workdir}/tmp_body;
    proxy_temp_path {self.workdir}/tmp_proxy;
    fastcgi_temp_path {self.workdir}/tmp_fastcgi;
    uwsgi_temp_path {self.workdir}/tmp_uwsgi;
    scgi_temp_path {self.workdir}/tmp_scgi;
{''.join(servers)}
}}
"""
        self.conf = self.workdir / "nginx.conf"
        self.conf.write_text(conf, encoding="utf-8")
        cmd = [binary, "-p", str(self.workdir), "-c", str(self.conf), "-e", str(self.workdir / "error.log")]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.workdir / "stderr.log", "wb"), start_new_session=True)
        try:
            _wait_listening(federation, proc=self.proc)
        except Exception:
            self.stop()
            raise RuntimeError("nginx did not start: " + (self.workdir / "stderr.log").read_text(errors="replace")[-500:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # TERM: fast shutdown of master and workers
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    pages: dict[str, Page] = {}

    def _send(self, head_only: bool) -> None:
        path = urlsplit(self.path).path
        page = self.pages.get(path)
        if page is None and path.endswith("/"):
            page = self.pages.get(path) or self.pages.get(path + "index.html")
        if page is None:
            body, status, ctype = b"<html><body><h1>404 Not Found</h1></body></html>", 404, "text/html"
        else:
            body, status, ctype = page.body, 200, page.content_type
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._send(False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(True)

    def log_message(self, *args) -> None:
        pass


class PythonServer(Server):
    """One ThreadingHTTPServer per host, pages served from memory."""

    kind = "python"

    def __init__(self, federation: Federation):
        self.servers: list[ThreadingHTTPServer] = []
        self.threads: list[threading.Thread] = []
        for h in federation.hosts:
            handler = type(f"Handler{h.index}", (_Handler,), {"pages": h.pages})
            httpd = ThreadingHTTPServer((h.address, federation.port), handler)
            httpd.daemon_threads = True
            httpd.request_queue_size = 128
            t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name=f"http-{h.address}")
            t.start()
            self.servers.append(httpd)
            self.threads.append(t)
        _wait_listening(federation)

    def stop(self) -> None:
        for httpd in self.servers:
            httpd.shutdown()
            httpd.server_close()


def serve(federation: Federation, workdir: Path, prefer: str = "auto") -> tuple[Server, str]:
    """Start nginx if it is on PATH (unless prefer="python"), else the Python server.
    Returns the server and a note on why it was chosen."""
    note = ""
    if prefer in ("auto", "nginx"):
        binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)
        if binary:
            try:
                return NginxServer(federation, workdir, binary), binary
            except RuntimeError as exc:
                if prefer == "nginx":
                    raise
                note = f"nginx failed ({exc}); "
        elif prefer == "nginx":
            raise RuntimeError("nginx not found on PATH")
        else:
            note = "nginx not on PATH; "
    return PythonServer(federation), note + "Python ThreadingHTTPServer fallback"
