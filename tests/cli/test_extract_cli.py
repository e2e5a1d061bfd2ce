"""``zhanqun extract FILE --json`` on saved pages, decoded as the harvester would."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>关于朱镕基同志题词碑保护工作的通知_衢州市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/col/tzgg/">通知公告</a></div>
<table class="xxgk"><tr><td>索引号：</td><td>002608946/2026-01234</td><td>文号：</td><td>衢政办发〔2026〕12号</td></tr>
<tr><td>发文机关：</td><td>衢州市人民政府办公室</td><td>成文日期：</td><td>2026年10月30日</td></tr>
<tr><td>主题分类：</td><td>文化、广电、新闻出版/文物</td></tr></table>
<h1>关于朱镕基同志题词碑保护工作的通知</h1>
<div class="info">发布日期：2026-11-03　来源：市文广旅体局</div>
<div class="TRS_Editor"><p>各县（市、区）人民政府，市政府各部门：</p>
<p>为做好题词碑保护工作，现将有关事项通知如下。一、高度重视，落实责任。二、加强巡查，确保安全。</p>
<p>附件：<a href="../../attach/2026/P020261103.pdf">保护名录.pdf</a></p></div>
<div class="footer">版权所有 衢州市人民政府</div></body></html>"""


def run(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "extract", *args, "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_extract_a_saved_gbk_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("gbk"))
    data = run(str(page), "--url", "http://www.qz.gov.cn/art/2026/11/3/art_1229_1.html")
    assert data["title"] == "关于朱镕基同志题词碑保护工作的通知"
    assert data["published_at"] == "2026-11-03T00:00:00+08:00"
    assert data["source"] == "市文广旅体局"
    assert data["url"] == "http://www.qz.gov.cn/art/2026/11/3/art_1229_1.html"
    assert "为做好题词碑保护工作" in data["body_text"] and "版权所有" not in data["body_text"]
    assert data["attachments"] == [{"url": "http://www.qz.gov.cn/art/2026/attach/2026/P020261103.pdf", "name": "保护名录.pdf"}]
    assert data["meta"]["document_number"] == "衢政办发〔2026〕12号"
    assert data["meta"]["index_number"] == "002608946/2026-01234"
    assert data["meta"]["issuing_authority"] == "衢州市人民政府办公室"
    assert data["meta"]["written_date"] == "2026-10-30"


def test_encoding_override(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.replace('charset=gbk', 'charset=utf-8').encode("gbk"))
    assert run(str(page), "--encoding", "gbk")["title"] == "关于朱镕基同志题词碑保护工作的通知"
