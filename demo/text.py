"""Deterministic Chinese titles and article text built from fixed phrase lists.

All randomness comes from ``random.Random(<string seed>)`` instances created by
the caller, which are stable across processes and Python runs.
"""
from __future__ import annotations

import math
import random
from datetime import datetime

# --- titles ----------------------------------------------------------------
TITLE_PATTERNS: dict[str, list[str]] = {
    "county": [
        "{org}召开{topic}工作推进会",
        "{org}部署{topic}重点任务",
        "{org}主要领导调研{topic}工作",
        "{org}举办{topic}专题培训班",
        "{org}{topic}取得阶段性成效",
        "{org}开展{topic}专项行动",
        "{org}出台{topic}十条举措",
        "{org}召开{topic}座谈会",
    ],
    "notice": [
        "关于开展{topic}工作的通知",
        "关于做好{topic}有关工作的通知",
        "{org}人民政府关于{topic}的公告",
        "关于{topic}情况的通报",
        "关于征集{topic}意见建议的公告",
        "{org}人民政府办公室关于加强{topic}工作的通知",
    ],
    "policy": [
        "关于印发《衢州市{topic}实施方案》的通知",
        "关于印发《衢州市{topic}若干政策》的通知",
        "关于进一步推进{topic}的实施意见",
        "关于公布{topic}名单的通知",
        "衢州市{topic}管理办法",
    ],
    "edu": [
        "全市{topic}工作现场会召开",
        "市教育局部署{topic}工作",
        "衢州{topic}经验获全省推广",
        "市教育局开展{topic}专项督导",
        "全市{topic}培训班开班",
    ],
    "health": [
        "市卫健委召开{topic}工作会议",
        "衢州启动{topic}专项行动",
        "全市{topic}工作推进会召开",
        "市卫健委开展{topic}督导检查",
        "衢州{topic}工作入选全省典型案例",
    ],
}

TOPICS: dict[str, list[str]] = {
    "county": [
        "营商环境优化提升", "共同富裕示范区建设", "数字化改革", "乡村振兴", "安全生产",
        "秋冬季森林防火", "生活垃圾分类", "全国文明城市创建", "养老服务体系建设", "招商引资",
        "河湖长制", "基层治理", "山海协作", "城市有机更新", "消防安全", "耕地保护",
        "就业创业", "重大项目建设", "未来社区建设", "农村饮用水提标",
    ],
    "notice": [
        "2026年度安全生产大检查", "冬季消防安全隐患排查", "农村生活污水设施运维",
        "2026年第四季度政务公开", "重大行政决策事项目录", "城镇燃气安全专项整治",
        "2027年民生实事项目", "防范非法集资宣传月", "冬季道路交通安全", "企业稳岗返还",
        "低收入农户帮扶", "第五次全国经济普查数据发布",
    ],
    "policy": [
        "推动经济高质量发展", "促进民营经济发展壮大", "数字经济核心产业发展", "重大项目招引",
        "节能降碳增效", "现代服务业发展", "物流业降本增效", "扩大有效投资",
        "县域经济高质量发展", "新型基础设施建设", "粮食安全保障", "价格监测预警",
        "政府投资项目", "社会信用体系建设", "山区海岛县跨越式发展",
    ],
    "edu": [
        "义务教育优质均衡", "中小学校园安全", "学前教育普及普惠", "双减", "中小学劳动教育",
        "教师队伍建设", "职业教育产教融合", "学生体质健康", "智慧教育", "校园食品安全",
        "家校社协同育人", "课后服务",
    ],
    "health": [
        "基层医疗卫生服务能力提升", "秋冬季传染病防控", "医共体建设", "健康衢州建设",
        "老年健康服务", "无偿献血", "爱国卫生运动", "医疗质量安全", "托育服务",
        "慢性病综合防控", "急救体系建设", "医疗卫生人才引育",
    ],
}


def make_title(family: str, org: str, rng: random.Random, used: set[str]) -> str:
    """A title of ``family`` unique within ``used`` (which it updates)."""
    pats, tops = TITLE_PATTERNS[family], TOPICS[family]
    combos = len(pats) * len(tops)
    start = rng.randrange(combos)
    step = 7 if math.gcd(7, combos) == 1 else 1   # coprime step visits every combination
    for k in range(combos):
        n = (start + k * step) % combos
        title = pats[n % len(pats)].format(org=org, topic=tops[n // len(pats)])
        if title not in used:
            used.add(title)
            return title
    n = len(used) + 1
    title = pats[start % len(pats)].format(org=org, topic=tops[start % len(tops)]) + f"（第{n}期）"
    used.add(title)
    return title


# --- body text -------------------------------------------------------------
LEADS = [
    "{md}{ampm}，{org}围绕{topic}召开专题会议，总结前阶段工作成效，分析当前形势，部署下一步重点任务。",
    "{md}，{org}组织相关部门赴{place}开展{topic}实地调研，详细了解工作推进情况。",
    "{md}{ampm}，{org}举行{topic}工作部署会，传达学习上级有关会议精神。",
    "近日，{org}印发{topic}工作方案，明确了今后一个时期的目标任务和重点举措。",
    "{md}，记者从{org}获悉，{topic}各项工作正有序推进，多项指标位居全市前列。",
]
SENTENCES = {
    "common": [
        "会议指出，{topic}是推动高质量发展的重要抓手，事关群众切身利益，必须坚持问题导向、目标导向和结果导向。",
        "近年来，{org}坚持以人民为中心的发展思想，持续加大投入力度，{topic}各项工作取得明显成效。",
        "今年以来，累计投入资金{n1}亿元，实施重点项目{n2}个，惠及群众{n3}万人次。",
        "会议强调，各地各部门要进一步提高政治站位，压紧压实工作责任，确保各项任务落地见效。",
        "要坚持系统观念，强化部门协同，形成上下联动、齐抓共管的工作格局。",
        "要聚焦群众急难愁盼问题，建立问题清单、任务清单和责任清单，实行闭环管理。",
        "要加强数字化赋能，依托“浙里办”“浙政钉”等平台，提升{topic}的精准性和实效性。",
        "要强化督查考核，将{topic}纳入年度综合考核，对工作推进不力的单位进行通报。",
        "下一步，{org}将坚持以“八八战略”为统领，持续深化{topic}，奋力打造四省边际共同富裕示范区。",
        "活动现场，工作人员向群众发放宣传资料{n4}余份，现场解答咨询{n5}余人次。",
        "与会人员实地察看了{place}，详细了解项目推进情况，并就存在的问题进行了现场协调。",
        "各相关单位负责人参加会议，并就下一阶段工作作了表态发言。",
        "截至目前，已完成年度目标任务的{pct}%，预计年底前可全面完成。",
        "据介绍，{place}先行先试，探索形成了一批可复制、可推广的经验做法。",
        "会上，{place}等单位作了交流发言，分享了工作中的好经验、好做法。",
        "会议要求，要统筹发展和安全，守牢安全底线，切实维护人民群众生命财产安全。",
    ],
    "notice": [
        "各乡镇（街道）、各有关单位要高度重视，成立工作专班，明确责任分工，确保工作有序开展。",
        "请各单位于{md}前将工作开展情况报送至联系人邮箱，逾期未报送的视为无异议。",
        "对工作中发现的问题，要建立整改台账，明确整改时限，做到整改一项、销号一项。",
        "本通知自发布之日起施行，由相关主管部门负责解释。",
        "联系人及电话：办公室，0570-{tel}。",
        "欢迎社会各界通过“浙里办”或来信来电等方式提出意见建议。",
    ],
    "policy": [
        "本方案适用于本市行政区域内的相关单位和企业，各县（市、区）可结合实际制定具体实施细则。",
        "对符合条件的项目，按照实际投资额的{pct}%给予补助，单个项目最高不超过{n4}万元。",
        "各县（市、区）发展改革部门要加强统筹协调，建立健全工作推进机制和监测评价体系。",
        "本政策自2026年12月1日起施行，有效期至2028年11月30日。",
        "实施过程中如遇国家和省政策调整，按上级最新规定执行。",
        "有关资金由市级财政预算统筹安排，实行专款专用，接受审计和纪检监察部门监督。",
    ],
    "edu": [
        "全市共有{n2}所中小学参与此项工作，覆盖学生{n3}万人。",
        "各学校要把立德树人作为根本任务，坚持五育并举，促进学生全面发展。",
        "市教育局将定期开展督导评估，督导结果作为学校年度考核的重要依据。",
        "活动中，{place}作了典型经验介绍，与会代表进行了现场观摩。",
    ],
    "health": [
        "全市共有{n2}家医疗卫生机构参与此项工作，服务群众{n3}万人次。",
        "各医疗机构要落实首诊负责制，优化就医流程，不断提升群众就医获得感。",
        "市卫健委将加强日常监测和预警研判，及时发布健康风险提示。",
        "在{place}，医务人员为群众提供义诊咨询、健康体检等服务。",
    ],
}
FAMILY_LEADS = {
    "notice": [
        "为切实做好{topic}相关工作，根据上级有关文件精神，结合{org}实际，现将有关事项通知如下。",
        "根据工作安排，{org}决定组织开展{topic}工作，现将有关事项公告如下。",
    ],
    "policy": [
        "为深入贯彻落实省委、省政府决策部署，加快推进{topic}，经市政府同意，现提出如下意见。",
        "《衢州市{topic}实施方案》已经市政府同意，现印发给你们，请结合实际认真贯彻执行。",
    ],
}
MEETING_WORDS = ("会议", "与会", "活动现场", "各相关单位负责人", "会上")
EXTRA = {"county": "common", "notice": "notice", "policy": "policy", "edu": "edu", "health": "health"}


def _fill(pattern: str, org: str, topic: str, place: str, when: datetime, rng: random.Random) -> str:
    return pattern.format(
        org=org, topic=topic, place=place, md=f"{when.month}月{when.day}日",
        ampm="上午" if when.hour < 12 else "下午",
        n1=f"{rng.randint(2, 48) / 2:g}", n2=rng.randint(6, 60), n3=rng.randint(2, 40),
        n4=rng.choice([300, 500, 800, 1200, 2000]), n5=rng.randint(50, 400),
        pct=rng.randint(60, 95), tel=f"{rng.randint(3000000, 8999999)}",
    )


def topic_of(title: str, family: str) -> str:
    for topic in TOPICS[family]:
        if topic in title:
            return topic
    return TOPICS[family][0]


def make_paragraphs(family: str, org: str, title: str, places: list[str], when: datetime,
                    rng: random.Random) -> list[str]:
    """3-8 paragraphs of 1-3 sentences each; first paragraph is a dated lead."""
    topic = topic_of(title, family)
    pool = list(SENTENCES["common"])
    if family in FAMILY_LEADS:  # documents, not meeting reports
        pool = [s for s in pool if not s.startswith(MEETING_WORDS)]
    if EXTRA[family] != "common":
        pool += SENTENCES[EXTRA[family]]
    n_par = rng.randint(3, 8)
    chosen = rng.sample(pool, min(len(pool), n_par * 2))
    paras = [_fill(rng.choice(FAMILY_LEADS.get(family, LEADS)), org, topic, rng.choice(places), when, rng)]
    i = 0
    while len(paras) < n_par and i < len(chosen):
        k = rng.randint(1, 3)
        paras.append("".join(_fill(s, org, topic, rng.choice(places), when, rng) for s in chosen[i:i + k]))
        i += k
    return paras


def summary_of(paragraphs: list[str], limit: int = 48) -> str:
    first = paragraphs[0]
    return first if len(first) <= limit else first[:limit] + "……"


# --- fixed special texts ----------------------------------------------------
CITY_NOTICE_PARAGRAPHS = [
    "各县（市、区）人民政府，市政府各部门、各直属单位：",
    "当前我市已进入冬季森林防火紧要期，气候干燥、火源管控难度大，森林火灾风险持续升高。"
    "为切实做好2026年冬季森林防火工作，保障人民群众生命财产安全和森林资源安全，经市政府同意，现就有关事项通知如下：",
    "一、压紧压实防火责任。各地要严格落实森林防火行政首长负责制和林长制，层层签订责任书，"
    "把防火责任落实到山头地块和具体责任人。",
    "二、严格管控野外火源。进入森林防火期后，严禁在林区及林缘一百米范围内烧田埂草、烧荒、烧秸秆、"
    "燃放烟花爆竹等野外用火行为，确需用火的须依法审批并落实防范措施。",
    "三、加强监测预警巡查。充分发挥“森林防火一张图”和视频监控系统作用，加强重点时段、重点部位巡山护林，"
    "做到早发现、早报告、早处置。",
    "四、提升应急处置能力。各地要完善森林火灾应急预案，加强专业扑火队伍建设和物资储备，"
    "一旦发生火情，坚持“打早、打小、打了”，严防次生灾害发生。",
    "五、严肃值班值守纪律。森林防火期内严格执行24小时值班和领导带班制度，确保信息畅通，"
    "发生火情须在30分钟内向市森林防火指挥部办公室报告。",
    "衢州市人民政府办公室",
    "2026年11月10日",
]

LYING_CHARSET_TITLE = "朱镕辉等10名同志获评衢江区2026年度优秀志愿者"
LYING_CHARSET_PARAGRAPHS = [
    "11月16日，衢江区召开2026年度志愿服务工作总结表彰会，朱镕辉、徐丽萍、郑建华等10名同志获评衢江区年度优秀志愿者。",
    "朱镕辉是樟潭街道一名退休教师，多年来坚持在社区开展四点半课堂，累计服务时长超过2000小时。",
    "会议指出，志愿服务是社会文明进步的重要标志，全区各级各部门要进一步完善志愿服务激励机制，"
    "推动志愿服务制度化、常态化发展。",
    "会上还发布了衢江区2027年志愿服务重点项目清单，涵盖助老助残、文明交通、环境保护等领域。",
]
