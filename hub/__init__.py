"""The editors' hub (编辑后台): a Flask application factory."""
from __future__ import annotations

import importlib
import secrets
import sys

from flask import Flask, g, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BuildError

from harvestkit.dates import DEFAULT_TIMEZONE
from hub.auth import throttle
from hub.config import ConfigError, load_config
from hub.security import CONTENT_SECURITY_POLICY, CSRF_FIELD, check_csrf, csrf_token

__all__ = ["create_app", "ConfigError"]

# The hub's blueprints, in the order of the data flow: sign-in, the 审核 queue (and its pictures,
# loaded on request), 信息报送, column rules, harvest control, supervision (监管), users, the API;
# then the public portal and its feeds.
BLUEPRINTS = ("auth", "review", "source_images", "submissions", "rules", "harvest", "supervision", "users", "api",
              "portal", "feeds")
# Capabilities with packages of their own: (module, blueprint attribute).
PACKAGE_BLUEPRINTS = (
    ("interaction.hub_views", "bp"), ("interaction.public_views", "bp"), ("interaction.public_views", "pages"),  # 政民互动
    ("hub.topics", "bp"), ("hub.topics", "public_bp"),  # 专题 (topics/)
)

ERRORS = {400: "请求无效", 403: "没有权限", 404: "页面不存在", 405: "方法不允许", 429: "请求过多"}


# Paths of the editors' side; any other unknown URL is the public's and gets the portal's 404.
HUB_PREFIXES = ("/hub/", "/review/", "/audit/", "/login", "/logout", "/api/")


def _error_handler(code: int, title: str):
    def handle(exc):
        from flask import render_template, request

        if code == 404 and not request.path.startswith(HUB_PREFIXES):
            from flask import make_response

            from hub.portal.blueprint import render_error, security_headers

            return security_headers(make_response(render_error(404, exc)))

        message = getattr(exc, "description", "") or title
        if code == 403:
            message = "您的账号没有访问此页面的权限。"
        elif code == 404:
            message = "找不到请求的页面。"
        return render_template("error.html", code=code, title=title, message=message), code

    return handle


def _nav_url(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _registry_portal(path: str | None):
    """The registry's ``portal`` section, or None without a usable registry."""
    from harvester.registry import RegistryError, load_registry

    try:
        return load_registry(path).portal if path else None
    except (RegistryError, OSError):
        return None


def create_app(config=None) -> Flask:
    """``config``: None (``$ZHANQUN_ENV``), a name, a config class, or a dict of overrides."""
    values = load_config(config)
    app = Flask(__name__)
    app.config.from_mapping(values)
    app.json.ensure_ascii = False  # the API speaks Chinese as UTF-8, not \uXXXX escapes
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        print("zhanqun hub: WARNING: no ZHANQUN_SECRET_KEY, using a generated one "
              "(development only; sessions end at restart)", file=sys.stderr, flush=True)

    if not app.config.get("PORTAL_NAME") or not app.config.get("TIMEZONE"):
        portal = _registry_portal(app.config.get("REGISTRY_PATH"))
        app.config["PORTAL_NAME"] = app.config.get("PORTAL_NAME") or (portal.name if portal else app.config["DEFAULT_PORTAL_NAME"])
        app.config["TIMEZONE"] = app.config.get("TIMEZONE") or (portal.timezone if portal else DEFAULT_TIMEZONE)

    if app.config.get("TRUSTED_PROXIES"):
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from hub import db

    db.init_app(app)
    throttle.init_app(app)
    app.before_request(check_csrf)
    app.jinja_env.globals.update(csrf_token=csrf_token, CSRF_FIELD=CSRF_FIELD)

    from hub.filters import register_filters

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"hub.{name}").bp)
    for module, attribute in PACKAGE_BLUEPRINTS:
        app.register_blueprint(getattr(importlib.import_module(module), attribute))
    register_filters(app)
    app.jinja_env.globals["nav_url"] = _nav_url

    @app.get("/hub/")
    def hub_home():
        """The 工作台: each role's overview (hub/dashboard)."""
        if g.user is None:
            return redirect(url_for("auth.login"))
        from hub.dashboard import home

        return home()

    for code, title in ERRORS.items():
        app.register_error_handler(code, _error_handler(code, title))

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return app
