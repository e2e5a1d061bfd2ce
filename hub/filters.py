"""Template filters: local time, JSON."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Flask

from harvestkit.dates import as_local


def register_filters(app: Flask) -> None:
    tz = app.config["TIMEZONE"]

    @app.template_filter("localtime")
    def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        local = as_local(value, tz)
        return local.strftime(fmt) if local else "—"

    from hub.labels import interval_zh, reason_zh, source_label

    app.add_template_filter(reason_zh, "reason_zh")  # the harvester's English reasons, in Chinese
    app.add_template_filter(interval_zh, "interval_zh")
    app.jinja_env.globals["source_label"] = source_label

    @app.template_filter("tojson_cn")
    def tojson_cn(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
