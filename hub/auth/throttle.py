"""Login throttling: failed sign-ins counted per client address and per account,
in the database, so every worker and every web node sees the same counts.

The rule is an exponential back-off, not a lock-out: after ``free`` failures
under a key, the next attempt must wait ``base`` seconds, then twice as long
after each further failure, up to ``cap``.  A key with no failure for
``forget_after`` seconds starts again from zero.

* **Per address** (IPv6 clients by their /64, which one subscriber usually
  holds whole): spraying many usernames from one place runs into the address's
  delay, which grows to a quarter of an hour.
* **Per account**: guessing one account's password from many places runs into
  the account's delay, capped at a minute, so that an attacker who sprays an
  account can never keep its owner out for long.  The owner's own browser is not
  held up at all once it has signed in before (hub/auth/devices.py), and an
  administrator's password reset clears the account's count at once.

Each attempt is counted *before* its password is checked (``begin``), in one
transaction for all its keys, by compare-and-set on each row's ``version``: two
workers can never both take the last free attempt, so parallel requests get no
more guesses than serial ones.  A refused attempt is not counted (retrying does
not lengthen the wait) and costs no password hash.  A successful sign-in gives
back the address's count it took and clears the account's (``succeeded``).
"""
from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storage.models import LoginThrottle

EXTENSION = "zhanqun_login_throttle"
TABLE = LoginThrottle.__table__
ATTEMPT_RETRIES = 20  # compare-and-set rounds before an attempt under heavy contention is refused


@dataclass(frozen=True)
class Backoff:
    """``free`` failures without delay, then ``base`` seconds doubling per failure up to ``cap``."""

    free: int
    base: float
    cap: float

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** min(failures - self.free, 32), self.cap)


@dataclass(frozen=True)
class ThrottlePolicy:
    address: Backoff
    account: Backoff
    forget_after: float

    @classmethod
    def from_config(cls, config) -> ThrottlePolicy:
        base = config["LOGIN_BACKOFF_BASE_SECONDS"]
        return cls(
            address=Backoff(config["LOGIN_ADDRESS_FREE_FAILURES"], base, config["LOGIN_ADDRESS_MAX_DELAY_SECONDS"]),
            account=Backoff(config["LOGIN_ACCOUNT_FREE_FAILURES"], base, config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]),
            forget_after=config["LOGIN_FORGET_AFTER_SECONDS"],
        )


def address_key(address: str | None) -> str:
    """``address:<IPv4>`` or ``address:<IPv6 /64>``; anything unparsable as written."""
    raw = (address or "-").strip()
    try:
        ip = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return "address:" + raw[:120]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return f"address:{ip.ipv4_mapped}"
        return "address:" + str(ipaddress.IPv6Network((ip, 64), strict=False))
    return f"address:{ip}"


def account_key(username: str) -> str:
    """``account:<username>``, case-folded and cut to the longest username there can be."""
    return "account:" + username.strip().lower()[:100]


@dataclass(frozen=True)
class Counted:
    """One key an attempt was counted under, and what the row held before."""

    key: str
    version: int  # the row's version after this attempt's write
    previous: tuple | None  # (failures, last_failure_at, blocked_until); None: the row was new


@dataclass(frozen=True)
class Ticket:
    """An attempt let through and counted as a failure until it succeeds."""

    counted: tuple[Counted, ...]


@dataclass(frozen=True)
class Refused:
    wait_seconds: int


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class LoginThrottle:
    """The throttle of one application: its policy, its database and its clock."""

    def __init__(self, engine: Engine, policy: ThrottlePolicy, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.policy = policy
        self.clock = clock  # seconds since the epoch; tests move it instead of sleeping

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    # -- an attempt ---------------------------------------------------------------------------

    def begin(self, address: str | None, username: str, check_account: bool = True) -> Ticket | Refused:
        """Count a sign-in attempt from ``address`` for ``username`` before its password is
        checked, or refuse it while a delay runs.  ``check_account=False`` (a browser the
        account signed in from before) still counts the account but is not held up by it."""
        keys = [(address_key(address), self.policy.address, True)]
        if username.strip():
            keys.append((account_key(username), self.policy.account, check_account))
        for _ in range(ATTEMPT_RETRIES):
            now = self.now()
            rows = self._read([k for k, _, _ in keys])
            wait = max((self._remaining(rows.get(k), now) for k, _, enforced in keys if enforced), default=0.0)
            if wait > 0:
                return Refused(max(1, math.ceil(wait)))
            counted = self._count(keys, rows, now)
            if counted is not None:
                return Ticket(counted)
        return Refused(1)  # the rows kept changing under us: a flood; the client may retry

    def succeeded(self, ticket: Ticket) -> None:
        """The password was right: give the address back the attempt, clear the account."""
        with self.engine.begin() as conn:
            for mark in ticket.counted:
                if mark.key.startswith("account:"):
                    conn.execute(delete(TABLE).where(TABLE.c.key == mark.key))
                else:
                    self._give_back(conn, mark)

    def remaining(self, username: str) -> int:
        """Seconds until ``username`` may try again from a browser it has not used (0: now)."""
        key = account_key(username)
        return math.ceil(self._remaining(self._read([key]).get(key), self.now()))

    # -- internals ----------------------------------------------------------------------------

    def _read(self, keys: list[str]) -> dict[str, dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(TABLE).where(TABLE.c.key.in_(keys))).mappings().all()
        return {r["key"]: dict(r, last_failure_at=_aware(r["last_failure_at"]),
                               blocked_until=_aware(r["blocked_until"])) for r in rows}

    @staticmethod
    def _remaining(row: dict | None, now: datetime) -> float:
        if row is None or row["blocked_until"] is None:
            return 0.0
        return max(0.0, (row["blocked_until"] - now).total_seconds())

    def _stale(self, row: dict, now: datetime) -> bool:
        last = row["last_failure_at"]
        return last is None or (now - last).total_seconds() >= self.policy.forget_after

    def _count(self, keys, rows: dict[str, dict], now: datetime) -> tuple[Counted, ...] | None:
        """One transaction: every key counted, or (a row changed since it was read) none."""
        counted = []
        with self.engine.connect() as conn:
            transaction = conn.begin()
            for key, backoff, _ in keys:
                row = rows.get(key)
                failures = 1 if row is None or self._stale(row, now) else row["failures"] + 1
                delay = backoff.delay(failures)
                values = {"failures": failures, "last_failure_at": now,
                          "blocked_until": now + timedelta(seconds=delay) if delay else None}
                if row is None:
                    written = _insert_new(conn, {"key": key, "version": 1, **values})
                    mark = Counted(key, 1, None)
                else:
                    written = conn.execute(
                        update(TABLE).where(TABLE.c.key == key, TABLE.c.version == row["version"])
                        .values(version=row["version"] + 1, **values)
                    ).rowcount
                    mark = Counted(key, row["version"] + 1,
                                   (row["failures"], row["last_failure_at"], row["blocked_until"]))
                if written != 1:
                    transaction.rollback()
                    return None
                counted.append(mark)
            transaction.commit()
        if any(mark.previous is None for mark in counted):
            self._forget_old(now)  # in a transaction of its own: it holds no row another one waits for
        return tuple(counted)

    def _give_back(self, conn: Connection, mark: Counted) -> None:
        """Undo one attempt's count: exactly, if nobody wrote the row since; else one less failure."""
        mine = (TABLE.c.key == mark.key) & (TABLE.c.version == mark.version)
        if mark.previous is None:
            done = conn.execute(delete(TABLE).where(mine)).rowcount
        else:
            failures, last, blocked = mark.previous
            done = conn.execute(update(TABLE).where(mine).values(
                failures=failures, last_failure_at=last, blocked_until=blocked, version=mark.version + 1)).rowcount
        if not done:
            conn.execute(update(TABLE).where(TABLE.c.key == mark.key, TABLE.c.failures > 0)
                         .values(failures=TABLE.c.failures - 1, version=TABLE.c.version + 1))

    def _forget_old(self, now: datetime) -> None:
        """Rows quiet for longer than ``forget_after`` (and past any delay) count nothing: drop them,
        so that sprayed usernames do not pile up."""
        cutoff = now - timedelta(seconds=self.policy.forget_after + max(self.policy.address.cap,
                                                                        self.policy.account.cap))
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.last_failure_at < cutoff))


def _insert_new(conn: Connection, values: dict) -> int:
    """Insert a row unless another worker just did (then 0 rows: the caller starts over)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(TABLE).values(**values).on_conflict_do_nothing(index_elements=["key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(TABLE).values(**values).on_conflict_do_nothing(index_elements=["key"])
    else:
        statement = insert(TABLE).values(**values)
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT through SQLAlchemy.
    return len(conn.execute(statement.returning(TABLE.c.key)).all())


def clear_account(conn_or_session, username: str) -> None:
    """Forget the account's failed sign-ins (an administrator reset its password).
    Runs in the caller's transaction."""
    conn_or_session.execute(delete(TABLE).where(TABLE.c.key == account_key(username)))


def init_app(app: Flask) -> None:
    """After ``hub.db.init_app``: the app's throttle on the app's database."""
    from hub.db import EXTENSION as DB

    app.extensions[EXTENSION] = LoginThrottle(app.extensions[DB]["engine"], ThrottlePolicy.from_config(app.config))


def current() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
