"""Main-content detection."""
from harvester.extract.body import clean_body, compute_stats, find_body
from harvester.extract.dom import block_text, parse_html

PARA = "这是一段足够长的正文内容，包含逗号、句号。还有更多的文字来提高文本密度，以便检测算法能够识别。"


def _body(html):
    root = parse_html(html)
    node, how = find_body(root, compute_stats(root))
    return root, node, how


def test_known_container_wins():
    _root, node, how = _body(
        f'<div class="nav"><a href="/">首页</a></div><div class="TRS_Editor"><p>{PARA}</p></div>'
        f'<div class="other"><p>{PARA}{PARA}{PARA}</p></div>')
    assert how == "container"
    assert node.get("class") == "TRS_Editor"


def test_density_without_known_container():
    links = "".join(f'<li><a href="/n{i}">导航链接第{i}项</a></li>' for i in range(30))
    _root, node, how = _body(
        f'<div id="menu"><ul>{links}</ul></div><div id="main"><div class="x">'
        f'<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div></div><div id="foot">版权所有</div>')
    assert how == "density"
    assert node.get("class") == "x"


def test_br_separated_text_in_td():
    _root, node, _how = _body(
        f'<table><tr><td><a href="/">首页</a> <a href="/b">新闻</a></td></tr>'
        f'<tr><td class="t">{PARA}<br>{PARA}<br>{PARA}</td></tr></table>')
    assert node.get("class") == "t"


def test_clean_body_strips_chrome():
    root = parse_html(
        f'<div id="zoom"><h1>标题</h1><div class="info">发布时间：2024-03-05 来源：某局</div>'
        f'<p>{PARA}</p><div class="bdshare">分享到</div><p>【打印本页】【关闭窗口】</p>'
        f'<script>x()</script><p>{PARA}</p></div>')
    node = root.find(".//div[@id='zoom']")
    clean_body(node, "标题")
    text = block_text(node)
    assert text == f"{PARA}\n{PARA}"


def test_empty_and_linkless():
    assert find_body(None, compute_stats(None)) == (None, "")
    root = parse_html("<p>短</p>")
    assert find_body(root, compute_stats(root))[0] is None
