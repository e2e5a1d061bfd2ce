"""The words of supervision: finding kinds, who owns each, verdicts; in the users' Chinese."""
from __future__ import annotations

from harvester.registry import FINDING_KINDS

KIND_LABELS = {
    "site_unreachable": "首页无法访问",
    "homepage_stale": "首页不更新",
    "column_stale": "栏目不更新",
    "column_empty": "空白栏目",
    "broken_link": "链接不可用",
    "duty_shortfall": "内容保障不足",
    "harvest_broken": "采集异常",
}
assert set(KIND_LABELS) == set(FINDING_KINDS)

# harvest_broken is the portal office's: our reader cannot read a column the unit may well keep
# up to date.  It is listed, never deducted, never a veto, never reported as the unit's fault.
PORTAL_KINDS = frozenset({"harvest_broken"})
VETO_KINDS = ("site_unreachable", "homepage_stale", "column_stale", "column_empty")
VETO_LABELS = {
    "site_unreachable": "站点无法访问",
    "homepage_stale": "首页不更新",
    "column_stale": "栏目不更新",
    "column_empty": "空白栏目过多",
}
PASS, FAIL = "合格", "不合格"
STATUS_LABELS = {"open": "待整改", "rectified": "已整改待复核", "reopened": "复核未通过", "verified": "复核通过",
                 "closed": "已消除", "overdue": "已逾期"}
CATEGORY_LABELS = {"dynamic": "动态要闻类", "notice": "通知公告、政策文件类", "plan": "人事、规划计划类", "other": "不考核更新"}
COLUMN_STATE_LABELS = {"ok": "正常", "empty": "空白", "broken": "采集异常", "unreachable": "无法访问"}
PERIOD_LABELS = {"week": "周", "month": "月", "quarter": "季度", "year": "年"}


def owner(kind: str) -> str:
    """``unit`` (the unit must act) or ``portal`` (the portal office must fix its reader)."""
    return "portal" if kind in PORTAL_KINDS else "unit"
