"""A report as a Word document (python-docx) a portal office can send once it fills in its 文号:
A4 with the margins of 党政机关公文格式 (GB/T 9704), 仿宋 body and 宋体 headings (East Asian
fonts set explicitly, so WPS and Word pick them), real tables, the charts as pictures."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from supervision.reports import charts as chart_kit
from supervision.reports.to_html import change, hours, pct

BODY_FONT, TITLE_FONT, HEAD_FONT = "仿宋", "宋体", "黑体"
RED = RGBColor(0xCC, 0x00, 0x00)


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str, size: float = 16, font: str = BODY_FONT, indent: bool = True, align=None, bold=False, color=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(28) if size >= 14 else None
    _font(p.add_run(text), font, size, bold, color)
    return p


def _heading(doc, text: str) -> None:
    _para(doc, text, 16, HEAD_FONT)


def _styles(doc) -> None:
    """Paragraph styles for table cells: set once, so each cell is one styled run (fast for long tables)."""
    from docx.enum.style import WD_STYLE_TYPE

    for name, font, bold in (("Table Text", BODY_FONT, False), ("Table Head", HEAD_FONT, True)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.name, style.font.size, style.font.bold = font, Pt(9), bold
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = Pt(0)


def _fill(cell, text: str, style_id: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.get_or_add_pPr().style = style_id  # the style's id, set directly (the style= setter looks it up each time)
    run = paragraph.add_run(text)
    if text == "不合格":
        run.font.color.rgb = RED


def _table(doc, header: list[str], rows: list[list], widths: list[float] | None = None) -> None:
    from docx.table import _Cell

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, text = doc.styles["Table Head"].style_id, doc.styles["Table Text"].style_id
    for cell, value in zip(table.rows[0].cells, header):
        _fill(cell, value, head)
    for row in rows:
        tr = table.add_row()._tr
        for tc, value in zip(tr.tc_lst, row):  # the cells of this row only (row.cells walks the whole table)
            _fill(_Cell(tc, table), "" if value is None else str(value), text)
    if widths:
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        for cell, width in zip(table.rows[0].cells, widths):
            cell.width = Cm(width)
    doc.add_paragraph()


def _picture(doc, chart: chart_kit.Chart, max_cm: float) -> None:
    width = chart_kit.layout(chart)[0]
    doc.add_picture(io.BytesIO(chart_kit.png(chart)), width=Cm(min(max_cm, width / 40)))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(doc, landscape: bool = False) -> None:
    section = doc.sections[-1] if not landscape else doc.add_section()
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(20)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _head(doc, data: dict) -> None:
    _para(doc, data["title"], 22, TITLE_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED)
    _para(doc, f"〔{data['year']}〕　　号", 16, BODY_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "各区（县、市）人民政府，市政府各部门：", 16, BODY_FONT, indent=False)


def render(data: dict) -> bytes:
    doc = Document()
    _styles(doc)
    _page(doc)
    _head(doc, data)
    drawn = chart_kit.of(data)
    o = data["overview"]
    if data["kind"] == "monthly":
        _para(doc, f"根据政府网站监管要求（国办秘函〔2019〕19号），现将{data['year']}年{data['month']}月全市政府网站检查情况"
                   f"通报如下（数据截至{data['at']}）。")
        _heading(doc, "一、总体情况")
        if data["empty"]:
            _para(doc, "本月暂无监管数据：统计期内没有对任何单位进行过检查，也没有发现问题。请检查监管任务是否正常运行。")
        else:
            prev = o.get("previous") or {}
            compare = (f"，上月合格率{pct(prev.get('pass_rate'))}（{change(o['pass_rate'], prev.get('pass_rate'))}）"
                       if prev.get("pass_rate") is not None else "")
            _para(doc, f"本月共检查政府网站{o['checked']}家（纳入监管{o['units']}家），合格{o['passed']}家，不合格{o['failed']}家，"
                       f"合格率{pct(o['pass_rate'])}{compare}。本月共发现问题{o['findings']}个，截至{data['at']}尚有"
                       f"{o['findings_open']}个未解决。")
        _heading(doc, "二、主要问题")
        if data["problems"]:
            for i, p in enumerate(data["problems"], 1):
                names = "、".join(u["name"] + (f"（{u['count']}个）" if u["count"] > 1 else "") for u in p["units"])
                _para(doc, f"{i}. {p['label']}（{p['count']}个）：{names}。")
        else:
            _para(doc, "本月未发现需要单位整改的问题。")
        _heading(doc, "三、检查结果排名")
        _table(doc, ["名次", "单位", "结论", "得分", "单项否决", "本月更新", "内容保障", "报送/采用（采用率）", "时延中位/P90（小时）"],
               [[r["rank"], r["name"], r["verdict"] if r["checked"] else "未检查", r["score"] if r["checked"] else "—",
                 "、".join(r["vetoes"]) or "—", r["updates"],
                 "；".join(f"{d['column']} {d['delivered']}/{d['required']}" for d in r["duties"]) or "—",
                 f"{r['submitted']}/{r['adopted']}（{pct(r['adoption'])}）",
                 f"{hours(r['latency_median_hours'])}/{hours(r['latency_p90_hours'])}"] for r in data["ranking"]])
        _heading(doc, "四、图表")
        for chart in drawn:
            _picture(doc, chart, 15.5)
        _heading(doc, "五、整改要求")
        if data["rectification"]:
            _para(doc, "请以下单位对照附件所列问题逐项整改，于期限前在站群系统“整改”中报告整改情况，我办将予以复核：")
            _table(doc, ["单位", "未解决问题", "问题类型", "整改期限"],
                   [[r["unit"], f"{r['count']}" + (f"（逾期{r['overdue']}）" if r["overdue"] else ""), "、".join(r["kinds"]),
                     r["deadline"]] for r in data["rectification"]])
        else:
            _para(doc, "本月无需整改的单位。")
        _sign(doc, data)
        _page(doc, landscape=True)
        _para(doc, "附件：问题清单", 16, HEAD_FONT, indent=False)
        if data["findings"]:
            _table(doc, ["序号", "单位", "问题类型", "问题描述", "网址", "发现时间", "最近发现", "状态", "整改期限", "证据"],
                   [[i, f["unit"], f["kind_label"], f["detail"], f["url"], f["since"], f["closed_at"] or f["last_seen"],
                     f["status_label"], f["deadline"] or "—", f["evidence"]] for i, f in enumerate(data["findings"], 1)],
                   [1, 2.5, 2, 5, 4, 2.2, 2.2, 1.8, 2, 4.5])
        else:
            _para(doc, "本月无问题。")
    else:
        _para(doc, f"现将{data['year']}年度政府网站考核结果通报如下（数据截至{data['at']}，按月汇总）。")
        _heading(doc, "一、总体情况")
        if data["empty"]:
            _para(doc, "本年度暂无监管数据：统计期内没有对任何单位进行过检查。")
        else:
            _para(doc, f"纳入考核的政府网站{o['units']}家，其中{o['checked']}家有检查记录；全年多数月份合格的{o['passed']}家，"
                       f"不合格{o['failed']}家，合格率{pct(o['pass_rate'])}。")
        _heading(doc, "二、考核排名")
        _table(doc, ["名次", "单位", "年度结论", "合格月数/检查月数", "平均得分", "按期整改", "全年更新", "报送/采用（采用率）"],
               [[r["rank"], r["name"], r["verdict"], f"{r['months_passed']}/{r['months_checked']}",
                 r["average_score"] if r["average_score"] is not None else "—",
                 f"{r['fixed_on_time']}/{r['findings_due']}（{pct(r['on_time_rate'])}）", r["updates"],
                 f"{r['submitted']}/{r['adopted']}（{pct(r['adoption'])}）"] for r in data["ranking"]])
        _heading(doc, "三、图表")
        for chart in drawn:
            _picture(doc, chart, 15.5)
        _sign(doc, data)
    doc.core_properties.title = data["title"]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _sign(doc, data: dict) -> None:
    doc.add_paragraph()
    _para(doc, f"{data['portal'] or '政府网站'}管理办公室", 16, BODY_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, data["at"], 16, BODY_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
