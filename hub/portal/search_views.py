"""信息检索: the search page over published items (storage.search does the searching)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from math import ceil

from flask import request

from hub.db import db_session
from hub.portal import queries
from hub.portal.blueprint import bp
from hub.portal.http_cache import public_page
from hub.portal.pages import PER_PAGE, page_number, render_page, site_lookups
from storage import search as search_index

QUERY_MAX = search_index.MAX_QUERY_CHARS  # the input and the error message agree with the index
SORTS = (("relevance", "按相关度"), ("newest", "按时间（最新在前）"))


@dataclass
class SearchForm:
    q: str = ""
    unit: str = ""
    column: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    errors: list[str] = field(default_factory=list)

    def args(self) -> dict[str, str]:
        """The form's values as query arguments (for the page links)."""
        out = {"q": self.q, "unit": self.unit, "column": self.column,
               "from": self.date_from.isoformat() if self.date_from else "",
               "to": self.date_to.isoformat() if self.date_to else "",
               "sort": self.sort if self.sort != "relevance" else ""}
        return {k: v for k, v in out.items() if v}


def _date(name: str, label: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}格式不正确，请按“年-月-日”填写，例如 2026-11-20。")
        return None


def read_form(look: queries.Lookups) -> SearchForm:
    errors: list[str] = []
    q = " ".join(request.args.get("q", "").split())
    if len(q) > QUERY_MAX:
        errors.append(f"检索词不能超过 {QUERY_MAX} 个字。")
        q = q[:QUERY_MAX]
    unit = request.args.get("unit", "")
    column = request.args.get("column", "")
    form = SearchForm(
        q=q,
        unit=unit if look.unit(unit) else "",
        column=column if look.column(column) else "",
        date_from=_date("from", "起始日期", errors),
        date_to=_date("to", "截止日期", errors),
        sort=request.args.get("sort") if request.args.get("sort") in dict(SORTS) else "relevance",
        errors=errors,
    )
    if form.date_from and form.date_to and form.date_from > form.date_to:
        form.errors.append("起始日期不能晚于截止日期。")
    return form


@bp.get("/search")
@public_page
def search():
    look = site_lookups()
    form = read_form(look)
    page = page_number()
    submitted = "q" in request.args
    result, rows, pages = None, [], 1
    if form.q and not form.errors:
        session = db_session()
        try:
            result = search_index.search(
                session, form.q, unit=form.unit or None, column=form.column or None,
                date_from=form.date_from, date_to=form.date_to, sort=form.sort, page=page, per_page=PER_PAGE,
            )
        except search_index.QueryError as exc:
            form.errors.append(str(exc))
        else:
            items = queries.items_by_id(session, [hit.item_id for hit in result.hits])
            rows = [(hit, items[hit.item_id]) for hit in result.hits if hit.item_id in items]
            pages = max(1, min(queries.MAX_PAGE, ceil(result.total / PER_PAGE)))
    elif submitted and not form.q and not form.errors:
        form.errors.append("请输入检索词。")
    return render_page(
        "portal/search.html", form=form, result=result, rows=rows, page=page, pages=pages,
        sorts=SORTS, unit_names=look.unit_names,
    )
