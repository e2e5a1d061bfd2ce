"""Abuse control of the public letter form, without third-party services.

- a per-address rate limit kept in the database (every worker sees the same counts;
  addresses are stored only as an HMAC under the app's secret key);
- a honeypot field that people never see and bots fill in;
- a signed timestamp in the form: a form posted sooner than ``min_seconds`` after it
  was served is refused (people read and type), and an old one has expired.

A deployment that wants a CAPTCHA as well adds it to the form template and checks it
in :func:`interaction.public_views.write` before the letter is stored (see README).
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from interaction.models import RateHit

HONEYPOT_FIELD = "website"  # a plausible name for bots; hidden from people, see the form template
STAMP_FIELD = "form_stamp"
STAMP_SALT = "zhanqun-interaction-form"
KEEP_HITS = timedelta(days=1)  # longest window a limit uses


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta


def _key(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), (address or "-").encode(), hashlib.sha256).hexdigest()


def allow(session: Session, secret: str, bucket: str, address: str, limit: Limit,
          now: datetime | None = None) -> bool:
    """Count one request of ``address`` in ``bucket``; False when it is over ``limit`` (then not counted)."""
    now = now or datetime.now(timezone.utc)
    key = _key(secret, address)
    used = session.scalar(select(func.count()).select_from(RateHit).where(
        RateHit.bucket == bucket, RateHit.key == key, RateHit.created_at > now - limit.window))
    if used >= limit.count:
        return False
    session.add(RateHit(bucket=bucket, key=key, created_at=now))
    session.execute(delete(RateHit).where(RateHit.created_at < now - KEEP_HITS))
    return True


def make_stamp(secret: str, now: float | None = None) -> str:
    """The signed time the form was served."""
    return URLSafeSerializer(secret, salt=STAMP_SALT).dumps(round((now if now is not None else time.time()) * 1000))


def stamp_problem(secret: str, stamp: str | None, min_seconds: float, max_age: float,
                  now: float | None = None) -> str | None:
    """None when the stamp is genuine and its age reasonable, else a message for the citizen."""
    try:
        served = URLSafeSerializer(secret, salt=STAMP_SALT).loads(stamp or "") / 1000
    except (BadSignature, TypeError, ValueError):
        return "表单已失效，请重新提交。"
    age = (now if now is not None else time.time()) - served
    if age < min_seconds:
        return f"提交过快：请在打开页面 {min_seconds:g} 秒后再提交（您填写的内容已保留）。"
    if age > max_age:
        return "表单已过期，请核对内容后重新提交（您填写的内容已保留）。"
    return None
