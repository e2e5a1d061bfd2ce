"""Configuration: production needs a secret; the first start creates a random admin password."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from hub import ConfigError, create_app
from hub.db import EXTENSION, new_session
from storage.models import User


def test_production_refuses_without_secret(monkeypatch, sqlite_url):
    monkeypatch.delenv("ZHANQUN_SECRET_KEY", raising=False)
    monkeypatch.delenv("ZHANQUN_ENV", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": sqlite_url})
    with pytest.raises(ConfigError):
        create_app("production")


def test_production_with_secret_has_secure_cookies(monkeypatch, sqlite_url):
    monkeypatch.setenv("ZHANQUN_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("ZHANQUN_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("ZHANQUN_SECURE_COOKIES", raising=False)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["DATABASE_URL"] == sqlite_url
    app.extensions[EXTENSION]["engine"].dispose()


def test_first_start_creates_admin_with_random_printed_password(sqlite_url, capsys):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url})
    err = capsys.readouterr().err
    assert "admin" in err
    password = err.split("password: ")[1].split()[0]
    assert len(password) >= 16
    with new_session(app) as s:
        admin = s.scalar(select(User).where(User.role == "admin"))
        assert admin.username == "admin"
        assert check_password_hash(admin.password_hash, password)
        for fixed in ("admin", "password", "123456", "zhanqun", ""):
            assert not check_password_hash(admin.password_hash, fixed)
    client = app.test_client()
    from tests.hub.conftest import login

    assert login(client, "admin", password).status_code == 302
    # Second start: the admin exists, nothing is printed or created.
    app2 = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url})
    assert "password" not in capsys.readouterr().err
    with new_session(app2) as s:
        assert len(s.scalars(select(User)).all()) == 1
    # Two fresh databases get two different passwords.
    for a in (app, app2):
        a.extensions[EXTENSION]["engine"].dispose()


def test_trusted_proxies_from_the_environment(monkeypatch):
    from hub.config import load_config

    monkeypatch.delenv("ZHANQUN_TRUSTED_PROXIES", raising=False)
    assert load_config("testing")["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("ZHANQUN_TRUSTED_PROXIES", "1")
    assert load_config("testing")["TRUSTED_PROXIES"] == 1
    for bad in ("one", "-1"):
        monkeypatch.setenv("ZHANQUN_TRUSTED_PROXIES", bad)
        with pytest.raises(ConfigError, match="ZHANQUN_TRUSTED_PROXIES"):
            load_config("testing")
