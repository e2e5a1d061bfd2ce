"""``zhanqun users add/token`` and ``zhanqun serve`` through a real subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from hub.tokens import hash_token
from storage.db import make_engine, session_factory
from storage.models import Unit, User

ROOT = Path(__file__).resolve().parents[2]


def zhanqun(*args, env_extra=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHANQUN_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def users_in(url):
    engine = make_engine(url)
    with session_factory(engine)() as s:
        found = {u.username: u for u in s.scalars(select(User))}
    engine.dispose()
    return found


def test_users_add_and_token(sqlite_url):
    result = zhanqun("users", "add", "li", "--role", "editor", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    password = result.stdout.split("password: ")[1].strip()
    assert len(password) >= 16
    li = users_in(sqlite_url)["li"]
    assert li.role == "editor" and check_password_hash(li.password_hash, password)

    result = zhanqun("users", "add", "wang", "--role", "admin", "--password", "given-secret-pw", "--db", sqlite_url)
    assert result.returncode == 0 and "password:" not in result.stdout
    assert check_password_hash(users_in(sqlite_url)["wang"].password_hash, "given-secret-pw")

    assert zhanqun("users", "add", "li", "--role", "editor", "--db", sqlite_url).returncode != 0  # duplicate
    assert zhanqun("users", "add", "x", "--role", "reporter", "--db", sqlite_url).returncode != 0  # no unit
    assert zhanqun("users", "add", "x", "--role", "reporter", "--unit", "nope", "--db", sqlite_url).returncode != 0

    result = zhanqun("users", "token", "li", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    stored = users_in(sqlite_url)["li"].api_token_hash
    assert token.startswith("zq_") and token not in stored and stored == hash_token(token)
    assert zhanqun("users", "token", "ghost", "--db", sqlite_url).returncode != 0


def test_users_add_reporter_with_unit_and_env_db(sqlite_url):
    engine = make_engine(sqlite_url)
    from storage.migrate import upgrade

    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(Unit(id="kecheng", name="柯城区", kind="county", homepage="http://kc.example/"))
        s.commit()
    engine.dispose()
    result = zhanqun("users", "add", "zhao", "--role", "reporter", "--unit", "kecheng",
                     env_extra={"ZHANQUN_DATABASE_URL": sqlite_url})
    assert result.returncode == 0, result.stderr
    assert users_in(sqlite_url)["zhao"].unit_id == "kecheng"


def test_serve_refuses_without_secret_in_production(sqlite_url):
    result = zhanqun("serve", "--db", sqlite_url, "--port", "0")
    assert result.returncode != 0
    assert "ZHANQUN_SECRET_KEY" in result.stderr


def test_serve_dev_answers_with_waitress(sqlite_url):
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHANQUN_")}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--dev", "--db", sqlite_url, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    body = response.read().decode()
                    server = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and "登录" in body
        assert "waitress" in server.lower()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "WARNING" in err and "ZHANQUN_SECRET_KEY" in err  # generated secret, warned about
    assert "password:" in err  # first start: random admin password printed once
