"""Login throttling (hub/auth/throttle.py), as an attacker and as the account's owner meet it:
password spraying from one address runs into a doubling delay; spraying one account from
many addresses holds its owner up a minute at most, and not at all in a browser the owner
signed in from before; an administrator's password reset lets the owner in at once; the
counts live in the database, shared by two applications (two web nodes) on SQLite and on
PostgreSQL, and parallel requests get no more guesses than serial ones.

Time is the throttle's clock, moved by the tests: no test sleeps.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from hub import create_app
from hub.auth.throttle import EXTENSION as THROTTLE
from hub.db import EXTENSION as DB
from tests.hub.conftest import CSRF_RE, PASSWORD, seed
from tests.hub.test_cli import zhanqun

ATTACKER = "198.51.100.7"
OWNER = "192.0.2.10"
ADDRESS_FREE, ACCOUNT_FREE = 10, 5  # the defaults in hub/config.py


class Clock:
    """The throttle's clock (seconds since the epoch), moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_app(db_url: str, clock: Clock, **config):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url, **config})
    app.extensions[THROTTLE].clock = clock
    return app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(sqlite_url, clock):
    app = make_app(sqlite_url, clock)
    seed(app)
    yield app
    app.extensions[DB]["engine"].dispose()


class Browser:
    """One browser (its own cookies) at one client address (``forwarded``: the address a
    proxy in front reports in X-Forwarded-For)."""

    def __init__(self, app, address: str, forwarded: str | None = None) -> None:
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.headers = {"X-Forwarded-For": forwarded} if forwarded else {}

    def login(self, username: str, password: str):
        page = self.client.get("/login", environ_base=self.environ).get_data(as_text=True)
        token = CSRF_RE.search(page).group(1)
        return self.client.post("/login", environ_base=self.environ, headers=self.headers,
                                data={"username": username, "password": password, "csrf_token": token})

    def logout(self) -> None:
        token = CSRF_RE.search(self.client.get("/review/", environ_base=self.environ).get_data(as_text=True)).group(1)
        self.client.post("/logout", data={"csrf_token": token}, environ_base=self.environ)


def wait_of(response) -> int:
    assert response.status_code == 429, response.status_code
    text = response.get_data(as_text=True)
    assert "登录尝试过于频繁" in text and "联系管理员重置" in text
    return int(response.headers["Retry-After"])


def test_spraying_usernames_from_one_address_meets_a_doubling_delay(app, clock):
    attacker = Browser(app, ATTACKER)
    codes = [attacker.login(f"user{n:02d}", "Password1").status_code for n in range(40)]
    assert codes == [401] * ADDRESS_FREE + [429] * (40 - ADDRESS_FREE)
    refused = attacker.login("editor", "Password1")
    assert "登录尝试过于频繁，请 1 秒后再试" in refused.get_data(as_text=True)

    waits = []
    for n in range(12):  # each failure after a wait doubles the next wait, up to a quarter of an hour
        wait = wait_of(attacker.login(f"late{n}", "Password1"))
        waits.append(wait)
        clock.advance(wait)
        assert attacker.login(f"late{n}", "Password1").status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert "请 15 分钟后再试" in attacker.login("editor", PASSWORD).get_data(as_text=True)  # even the right one

    # Other addresses are not held up; IPv6 clients count by their /64.
    assert Browser(app, OWNER).login("editor", PASSWORD).status_code == 302
    assert [Browser(app, f"2001:db8:1:2::{n:x}").login(f"v6user{n}", "x").status_code for n in range(12)] \
        == [401] * ADDRESS_FREE + [429] * 2
    assert Browser(app, "2001:db8:1:3::1").login("v6user", "x").status_code == 401

    # An hour without failures and the address starts again from zero.
    clock.advance(900 + 3600)
    assert attacker.login("editor", PASSWORD).status_code == 302


def spray_account(app, username: str, addresses: int, first: int = 0) -> list[int]:
    return [Browser(app, f"203.0.113.{first + n}").login(username, "Password1").status_code for n in range(addresses)]


def test_spraying_one_account_holds_its_owner_up_a_minute_at_most(app, clock):
    usual = Browser(app, OWNER)  # the owner's own browser, which has signed in before
    assert usual.login("editor", PASSWORD).status_code == 302
    usual.logout()

    codes = spray_account(app, "editor", 30)
    assert codes == [401] * ACCOUNT_FREE + [429] * (30 - ACCOUNT_FREE)
    clock.advance(61)
    assert spray_account(app, "editor", 10, first=100).count(401) == 1  # one guess a minute at most

    # In a browser the account never used, the right password waits for the account's delay:
    newcomer = Browser(app, "192.0.2.20")
    wait = wait_of(newcomer.login("editor", PASSWORD))
    assert 0 < wait <= 60
    assert wait_of(newcomer.login("editor", PASSWORD)) <= wait  # retrying does not lengthen it
    # ... while the owner's usual browser is not held up at all.
    assert usual.login("editor", PASSWORD).status_code == 302

    # Sprayed again: a short wait, then the right password works from anywhere.
    spray_account(app, "editor", 20, first=120)
    wait = wait_of(newcomer.login("editor", PASSWORD))
    clock.advance(wait)
    assert newcomer.login("editor", PASSWORD).status_code == 302


def test_an_administrators_password_reset_lets_the_owner_in_at_once(app, clock):
    usual = Browser(app, OWNER)
    assert usual.login("editor", PASSWORD).status_code == 302
    usual.logout()
    spray_account(app, "editor", 20)
    admin = Browser(app, "192.0.2.99")
    assert admin.login("boss", PASSWORD).status_code == 302
    users = admin.client.get("/hub/users/", environ_base=admin.environ).get_data(as_text=True)
    user_id = re.search(r'href="/hub/users/(\d+)">editor<', users).group(1)
    page = admin.client.get(f"/hub/users/{user_id}", environ_base=admin.environ).get_data(as_text=True)
    assert re.search(r"多次登录失败：在未登录过的浏览器中需等待 \d+ 秒", page)  # the admin sees why
    token = CSRF_RE.search(page).group(1)
    shown = admin.client.post(f"/hub/users/{user_id}/reset-password", data={"csrf_token": token},
                              environ_base=admin.environ).get_data(as_text=True)
    new_password = re.search(r'id="secret-value" class="secret-value" value="([^"]+)"', shown).group(1)

    assert Browser(app, "192.0.2.21").login("editor", new_password).status_code == 302  # no wait
    # The reset also withdrew the old browser's exemption (it knew the old password).
    spray_account(app, "editor", 20, first=50)
    assert usual.login("editor", new_password).status_code == 429


def test_throttling_is_shared_by_two_applications_and_holds_under_parallel_requests(db_url, clock):
    """Two app objects on one database stand for two web nodes (or two gunicorn workers)."""
    apps = [make_app(db_url, clock), make_app(db_url, clock)]
    try:
        seed(apps[0])
        # One after the other, alternating between the nodes: the address's count is one count.
        codes = [Browser(apps[n % 2], ATTACKER).login(f"user{n}", "Password1").status_code for n in range(14)]
        assert codes == [401] * ADDRESS_FREE + [429] * 4

        # In parallel: 30 usernames from one address, 30 addresses on one account.  Exactly as many
        # passwords are checked as serial requests would have had checked.
        def attempt(args):
            n, address, username = args
            return Browser(apps[n % 2], address).login(username, "Password1").status_code

        browsers = [(n, "198.51.100.50", f"spray{n}") for n in range(30)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = list(pool.map(attempt, browsers))
        assert sorted(codes) == [401] * ADDRESS_FREE + [429] * 20, codes

        browsers = [(n, f"203.0.113.{n}", "reporter") for n in range(30)]
        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = list(pool.map(attempt, browsers))
        assert sorted(codes) == [401] * ACCOUNT_FREE + [429] * 25, codes
    finally:
        for app in apps:
            app.extensions[DB]["engine"].dispose()


def test_the_command_line_resets_a_password_when_no_administrator_can_sign_in(sqlite_url, clock):
    app = make_app(sqlite_url, clock)
    try:
        seed(app)
        spray_account(app, "boss", 20)
        assert wait_of(Browser(app, OWNER).login("boss", PASSWORD)) > 0
        result = zhanqun("users", "password", "boss", "--db", sqlite_url)
        assert result.returncode == 0, result.stderr
        new_password = result.stdout.split("password: ")[1].strip()
        assert Browser(app, OWNER).login("boss", new_password).status_code == 302
        assert zhanqun("users", "password", "ghost", "--db", sqlite_url).returncode != 0
    finally:
        app.extensions[DB]["engine"].dispose()


def test_the_client_address_comes_from_the_proxy_only_when_one_is_trusted(sqlite_url, clock):
    proxy = "10.0.0.2"
    direct = make_app(sqlite_url, clock)
    try:
        seed(direct)
        # No trusted proxy: X-Forwarded-For is the client's own word, and ignored.
        codes = [Browser(direct, ATTACKER, forwarded=f"192.0.2.{n}").login(f"u{n}", "x").status_code
                 for n in range(12)]
        assert codes == [401] * ADDRESS_FREE + [429] * 2
    finally:
        direct.extensions[DB]["engine"].dispose()
    behind = make_app(sqlite_url, clock, TRUSTED_PROXIES=1)
    try:
        # One trusted proxy: each client is itself, and the proxy is nobody.
        codes = [Browser(behind, proxy, forwarded=f"192.0.2.{n}").login(f"v{n}", "x").status_code for n in range(12)]
        assert codes == [401] * 12
        codes = [Browser(behind, proxy, forwarded=f"203.0.113.9, {ATTACKER}").login(f"w{n}", "x").status_code
                 for n in range(ADDRESS_FREE + 1)]
        assert codes == [429] * (ADDRESS_FREE + 1)  # the proxy appended the attacker, already held up above
    finally:
        behind.extensions[DB]["engine"].dispose()
