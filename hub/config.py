"""Configuration classes of the editors' hub, read from the environment.

``ZHANQUN_ENV`` picks the class (production by default); ``ZHANQUN_DATABASE_URL``
and ``ZHANQUN_SECRET_KEY`` fill it. Production refuses to start without a secret.
"""
from __future__ import annotations

import os
from datetime import timedelta

from storage.db import DEFAULT_URL


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a secret key)."""


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int_env(name: str, default: int) -> int:
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ConfigError(f"{name} must not be negative")
    return number


class Config:
    ENV_NAME = "production"
    TESTING = False
    DEBUG = False
    PAGE_SIZE = 50
    # Login throttling (hub/auth/throttle.py): failures allowed before a delay, per client
    # address and per account; the first delay, doubled per further failure up to the caps;
    # a key quiet for LOGIN_FORGET_AFTER_SECONDS starts again from zero.
    LOGIN_ADDRESS_FREE_FAILURES = 10
    LOGIN_ACCOUNT_FREE_FAILURES = 5
    LOGIN_BACKOFF_BASE_SECONDS = 1.0
    LOGIN_ADDRESS_MAX_DELAY_SECONDS = 900
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS = 60  # short: spraying an account must not keep its owner out
    LOGIN_FORGET_AFTER_SECONDS = 3600
    # Harvested pictures loaded for editors (hub/source_images/fetch.py).
    SOURCE_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    SOURCE_IMAGE_TIMEOUT_SECONDS = 5.0  # per connect or read
    SOURCE_IMAGE_DEADLINE_SECONDS = 10.0  # the whole fetch, redirects included
    SOURCE_IMAGE_MAX_REDIRECTS = 3
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    ALLOW_GENERATED_SECRET = False
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024  # a submission's attachments (50 MB) plus its form
    DEFAULT_PORTAL_NAME = "中国衢州"
    # 政民互动's public form (interaction/abuse.py): accepted letters per address and window,
    # 查询码 lookups per address and window, the least and most time between serving and posting it.
    INTERACTION_LETTER_LIMIT, INTERACTION_LETTER_WINDOW = 5, 3600
    INTERACTION_TRACK_LIMIT, INTERACTION_TRACK_WINDOW = 30, 600
    INTERACTION_MIN_FILL_SECONDS, INTERACTION_FORM_MAX_AGE = 3, 86400

    def __init__(self) -> None:
        self.DATABASE_URL = os.environ.get("ZHANQUN_DATABASE_URL") or DEFAULT_URL
        # The registry: "harvest now" runs it, admins view it, the portal takes its name from it.
        self.REGISTRY_PATH = os.environ.get("ZHANQUN_REGISTRY") or "registry.yaml"
        self.PORTAL_NAME = os.environ.get("ZHANQUN_PORTAL_NAME") or None  # None: the registry's portal.name
        # The zone of 发布时间 shown, typed and searched by day: None takes the registry's
        # portal.timezone (harvestkit.dates.DEFAULT_TIMEZONE without a registry).
        self.TIMEZONE = os.environ.get("ZHANQUN_TIMEZONE") or None
        # The public origin for absolute links in feeds, the sitemap and robots.txt
        # (e.g. https://www.qz.gov.cn); unset: the request's own host.
        self.PORTAL_BASE_URL = (os.environ.get("ZHANQUN_PORTAL_BASE_URL") or "").rstrip("/") or None
        self.SECRET_KEY = os.environ.get("ZHANQUN_SECRET_KEY") or None
        # Keep rendered public pages in each worker's memory until the next publish.
        # Off: every request renders (ETags and 304s still work); for a cache in
        # front (CDN, nginx proxy_cache) or to measure rendering (bench/portal.py).
        self.PORTAL_PAGE_CACHE = _bool_env("ZHANQUN_PORTAL_PAGE_CACHE", True)
        self.SESSION_COOKIE_SECURE = _bool_env("ZHANQUN_SECURE_COOKIES", self.default_secure_cookies())
        # Reverse proxies in front that append the client to X-Forwarded-For (and set
        # X-Forwarded-Proto): 0 trusts no header, so the client address is the peer's.
        self.TRUSTED_PROXIES = _int_env("ZHANQUN_TRUSTED_PROXIES", 0)

    def default_secure_cookies(self) -> bool:
        return True

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


class ProductionConfig(Config):
    pass


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    ALLOW_GENERATED_SECRET = True

    def default_secure_cookies(self) -> bool:
        return False  # plain http on localhost


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    ALLOW_GENERATED_SECRET = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "testing-secret-key"

    def default_secure_cookies(self) -> bool:
        return False


CONFIGS = {"production": ProductionConfig, "development": DevelopmentConfig, "testing": TestingConfig}


def load_config(config=None) -> dict:
    """A config dict from None (``$ZHANQUN_ENV``), a name, a Config class/instance, or a dict of overrides.

    A dict may name its base with ``ENV_NAME``; its other keys override that base.
    """
    overrides: dict = {}
    if isinstance(config, dict):
        overrides = dict(config)
        config = overrides.pop("ENV_NAME", None)
    if config is None:
        config = os.environ.get("ZHANQUN_ENV", "production")
    if isinstance(config, str):
        try:
            config = CONFIGS[config]
        except KeyError:
            raise ConfigError(f"unknown ZHANQUN_ENV {config!r} (one of {', '.join(CONFIGS)})") from None
    if isinstance(config, type):
        config = config()
    values = config.as_dict()
    values.update(overrides)
    if not values.get("SECRET_KEY") and not values.get("ALLOW_GENERATED_SECRET"):
        raise ConfigError("ZHANQUN_SECRET_KEY is not set: the hub refuses to start in production without a secret key")
    return values
