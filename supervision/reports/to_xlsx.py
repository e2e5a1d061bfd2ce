"""A report as an Excel workbook (openpyxl): the ranking, the findings (the 附件), and for a
bulletin the 整改要求; frozen header rows, filters, widths that fit Chinese text."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
FAIL_FONT = Font(color="A40000", bold=True)


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list], widths: list[int]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER, HEADER_FILL
    for row in rows:
        sheet.append(row)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.value == "不合格":
                cell.font = FAIL_FONT
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def render(data: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    if data["kind"] == "monthly":
        _sheet(book, "排名", ["名次", "单位", "单位编号", "结论", "得分", "单项否决", "本月更新", "内容保障", "报送", "采用", "采用率",
                             "采集时延中位(小时)", "采集时延P90(小时)", "未解决问题"],
               [[r["rank"], r["name"], r["id"], r["verdict"] if r["checked"] else "未检查", r["score"] if r["checked"] else None,
                 "、".join(r["vetoes"]), r["updates"],
                 "；".join(f"{d['column']} {d['delivered']}/{d['required']}" for d in r["duties"]),
                 r["submitted"], r["adopted"], r["adoption"], r["latency_median_hours"], r["latency_p90_hours"], r["open_findings"]]
                for r in data["ranking"]], [6, 20, 14, 8, 7, 18, 9, 24, 6, 6, 8, 10, 10, 9])
        _sheet(book, "问题清单", ["序号", "单位", "问题类型", "问题描述", "网址", "发现时间", "最近发现/消除时间", "状态", "整改期限", "证据", "问题编号"],
               [[i, f["unit"], f["kind_label"], f["detail"], f["url"], f["since"], f["closed_at"] or f["last_seen"],
                 f["status_label"], f["deadline"], f["evidence"], f["id"]] for i, f in enumerate(data["findings"], 1)],
               [6, 18, 12, 40, 36, 16, 16, 12, 12, 40, 8])
        _sheet(book, "整改要求", ["单位", "未解决问题", "逾期", "问题类型", "整改期限"],
               [[r["unit"], r["count"], r["overdue"], "、".join(r["kinds"]), r["deadline"]] for r in data["rectification"]],
               [20, 10, 6, 30, 12])
        for cell in book["排名"]["K"][1:]:
            cell.number_format = "0.0%"
    else:
        _sheet(book, "排名", ["名次", "单位", "单位编号", "年度结论", "合格月数", "检查月数", "平均得分", "应整改", "按期整改", "按期率",
                             "全年更新", "报送", "采用", "采用率"],
               [[r["rank"], r["name"], r["id"], r["verdict"], r["months_passed"], r["months_checked"], r["average_score"],
                 r["findings_due"], r["fixed_on_time"], r["on_time_rate"], r["updates"], r["submitted"], r["adopted"], r["adoption"]]
                for r in data["ranking"]], [6, 20, 14, 9, 8, 8, 8, 8, 8, 8, 9, 6, 6, 8])
        _sheet(book, "各月情况", ["月份", "检查单位", "合格", "不合格", "合格率", "问题数"],
               [[m["month"], m["overview"]["checked"], m["overview"]["passed"], m["overview"]["failed"], m["overview"]["pass_rate"],
                 m["overview"]["findings"]] for m in data["months"]], [10, 10, 8, 8, 8, 8])
    if data.get("empty"):
        book["排名"].cell(row=book["排名"].max_row + 2, column=1, value="统计期内暂无监管数据。")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
