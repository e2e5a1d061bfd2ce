"""nh3 allowlist."""
from harvester.extract.dom import parse_html
from harvester.extract.sanitize import node_to_safe_html, sanitize_html


def test_sanitize_removes_active_content():
    out = sanitize_html(
        '<p onclick="x()" style="color:red">正文<script>alert(1)</script><style>p{}</style></p>'
        '<a href="javascript:alert(1)">坏</a><a href="https://a.gov.cn/">好</a><img src="x.png" onerror="y()">'
        '<table><tr><td colspan="2" width="3">格</td></tr></table>'
    )
    for bad in ("script", "alert", "onclick", "style", "onerror", "javascript", "width"):
        assert bad not in out, bad
    assert 'rel="noopener noreferrer"' in out
    assert 'colspan="2"' in out


def test_node_to_safe_html_absolutises_links():
    root = parse_html('<div id="b"><a href="../x.html">甲</a><img src="i.png" alt="乙"></div>')
    node = root.find(".//div")
    out = node_to_safe_html(node, "https://a.gov.cn/p/q/r.html")
    assert 'href="https://a.gov.cn/p/x.html"' in out
    assert 'src="https://a.gov.cn/p/q/i.png"' in out
    assert 'alt="乙"' in out
