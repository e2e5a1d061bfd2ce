"""采集管理 (harvest control): each source's health and runs, pause and resume,
立即采集 (harvest one source now), and the registry file for admins."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("harvest", __name__)

SOURCE_STATUS_LABELS = {"ok": "正常", "failing": "失败", "paused": "已暂停", "broken-rules": "规则可能失效",
                       "incomplete": "列表未读全"}
RUN_STATUS_LABELS = {"running": "采集中", "ok": "成功", "partial": "部分成功", "failed": "失败", "aborted": "已中断"}
REQUEST_LABELS = {"listing": "列表页", "detail": "详情页", "not_modified": "未变化（304）", "robots": "robots.txt", "other": "其他"}
STAGE_LABELS = {"listing": "列表页", "detail": "详情页", "parse": "解析", "extract": "正文提取", "store": "入库",
                "skipped": "跳过", "run": "运行", "node": "采集节点"}
SOURCE_TYPE_LABELS = {"auto": "自动识别", "feed": "RSS/Atom", "list": "列表页", "hanweb": "大汉", "trs": "拓尔思",
                      "sitemap": "站点地图", "json": "JSON 接口"}
HARVEST_ROLES = ("admin", "editor")


@bp.app_context_processor
def labels():
    return {"SOURCE_STATUS_LABELS": SOURCE_STATUS_LABELS, "RUN_STATUS_LABELS": RUN_STATUS_LABELS,
            "REQUEST_LABELS": REQUEST_LABELS, "STAGE_LABELS": STAGE_LABELS,
            "SOURCE_TYPE_LABELS": SOURCE_TYPE_LABELS}


from hub.harvest import views  # noqa: E402,F401  (routes register on bp)
from hub.harvest import probe_views  # noqa: E402,F401  (试采)
from hub.harvest import progress_views  # noqa: E402,F401  (立即采集, live)
