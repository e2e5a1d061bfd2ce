"""月度通报 and 年度考核 from real checks of loopback sites: the DOCX read back with python-docx
(tables, pictures, unit names), the PDF through pdftotext and pdffonts (unit names, 不合格,
no missing glyphs, Noto CJK embedded), the XLSX read back with openpyxl; a month without data
says so; the same month over the same data gives the same numbers."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from supervision import service
from tests.conftest import skip_or_fail
from tests.sitekit import HTML, Site
from tests.supervision.federation import free_port, prepared

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.now(timezone(timedelta(hours=8))).date()
MONTH = f"{TODAY.year:04d}-{TODAY.month:02d}"


def homepage() -> bytes:
    return ("<html><head><meta charset='utf-8'><title>衢江区人民政府</title></head><body><ul>"
            f"<li><a href='/news/1.html'>今日要闻</a><span>{TODAY.isoformat()}</span></li>"
            "<li><a href='/zt/gone.html'>专题：惠民政策解读</a></li></ul></body></html>").encode("utf-8")


@pytest.fixture
def world(tmp_path, db_url):
    site = Site({"/": (200, HTML, homepage()), "/news/1.html": (200, HTML, "<html><body><p>要闻</p></body></html>".encode()),
                 "/zt/gone.html": (404, HTML, b"<html><body>404</body></html>")})
    dead = f"http://127.0.0.1:{free_port()}"
    path = tmp_path / "registry.yaml"
    path.write_text(
        "portal: {name: 测试市, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 1, delay: 0}}\n"
        "supervision: {link_checks: {external: false}, veto: {unreachable_checks: 1}, homepage_checks: {timeout: 3}}\n"
        "columns:\n  - {id: xw, name: 新闻}\n"
        f"units:\n  - id: qj\n    name: 衢江区人民政府\n    kind: county\n    homepage: {site.url}/\n    allow_private: true\n"
        f"  - id: sjj\n    name: 市审计局\n    kind: department\n    homepage: {dead}/\n    allow_private: true\n",
        encoding="utf-8")
    registry, sessions, engine = prepared(path, db_url)
    service.check(registry, sessions)
    yield path, db_url
    engine.dispose()
    site.stop()


def report(path: Path, db_url: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "report", *args, "-o", str(out), "--registry", str(path),
                           "--db", db_url], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_monthly_bulletin_in_every_format(world, tmp_path):
    path, db_url = world
    for fmt in ("docx", "pdf", "xlsx", "html", "json"):
        report(path, db_url, tmp_path / f"b.{fmt}", "monthly", "--month", MONTH)

    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    verdicts = {r["name"]: r["verdict"] for r in data["ranking"]}
    assert verdicts == {"衢江区人民政府": "合格", "市审计局": "不合格"}
    assert {p["label"] for p in data["problems"]} >= {"首页无法访问", "链接不可用"}
    assert data["rectification"] and all(r["deadline"] > TODAY.isoformat() for r in data["rectification"])

    doc = Document(str(tmp_path / "b.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert f"{TODAY.year}年{TODAY.month}月政府网站监管情况通报" in text and "〔" in text
    assert "衢江区人民政府" in cells and "市审计局" in cells and "不合格" in cells
    assert len(doc.tables) >= 3  # ranking, 整改要求, the annex of findings
    assert len(doc.inline_shapes) == 3  # items per unit, 合格率 over 12 months, findings by kind
    assert "gone.html" in cells  # the annex names the URL

    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        skip_or_fail("poppler-utils (pdftotext, pdffonts) not installed")
    pdf_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
    flat = pdf_text.replace(" ", "").replace("\n", "")
    assert "衢江区人民政府" in flat and "市审计局" in flat and "不合格" in flat and "整改要求" in flat
    assert "\ufffd" not in pdf_text and "□" not in pdf_text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "b.pdf")], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert names and all("CJK" in name for name in names), fonts  # every font is Noto CJK: nothing fell back to tofu
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts  # embedded

    book = load_workbook(io.BytesIO((tmp_path / "b.xlsx").read_bytes()))
    assert {"排名", "问题清单"} <= set(book.sheetnames)
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert ranking[0][:4] == ("名次", "单位", "单位编号", "结论")
    assert {(row[1], row[3]) for row in ranking[1:]} == {("衢江区人民政府", "合格"), ("市审计局", "不合格")}
    findings = list(book["问题清单"].iter_rows(values_only=True))
    assert len(findings) - 1 == len(data["findings"]) and any("gone.html" in (row[4] or "") for row in findings[1:])

    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html and "市审计局" in html


def test_same_month_same_numbers_and_yearly(world, tmp_path):
    path, db_url = world
    report(path, db_url, tmp_path / "a.json", "monthly", "--month", MONTH)
    report(path, db_url, tmp_path / "b.json", "monthly", "--month", MONTH)
    assert json.loads((tmp_path / "a.json").read_text()) == json.loads((tmp_path / "b.json").read_text())

    report(path, db_url, tmp_path / "y.json", "yearly", "--year", str(TODAY.year))
    year = json.loads((tmp_path / "y.json").read_text())
    rows = {r["name"]: r for r in year["ranking"]}
    assert rows["市审计局"]["verdict"] == "不合格" and rows["衢江区人民政府"]["verdict"] == "合格"
    assert rows["衢江区人民政府"]["months_passed"] == 1
    report(path, db_url, tmp_path / "y.docx", "yearly", "--year", str(TODAY.year))
    doc = Document(str(tmp_path / "y.docx"))
    assert "市审计局" in "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_a_month_without_data_says_so(world, tmp_path):
    path, db_url = world
    proc = report(path, db_url, tmp_path / "old.docx", "monthly", "--month", "2020-03")
    assert "no supervision data" in proc.stderr
    text = "\n".join(p.text for p in Document(str(tmp_path / "old.docx")).paragraphs)
    assert "本月暂无监管数据" in text
    report(path, db_url, tmp_path / "old.pdf", "monthly", "--month", "2020-03")
    pdf_text = subprocess.run(["pdftotext", str(tmp_path / "old.pdf"), "-"], capture_output=True, text=True).stdout
    assert "本月暂无监管数据" in pdf_text.replace("\n", "")

    bad = subprocess.run([sys.executable, "-m", "cli.main", "report", "monthly", "--month", "2999-01", "-o",
                          str(tmp_path / "x.pdf"), "--registry", str(path), "--db", db_url], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode != 0 and "尚未开始" in bad.stderr and not (tmp_path / "x.pdf").exists()
