"""查询码: the citizen's tracking code.

Twenty characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 99 bits
from :mod:`secrets`, shown in groups of four.  Only its SHA-256 is stored, so the
database alone cannot tell anyone's code; lookups are rate-limited per address
(:mod:`interaction.abuse`), so guessing is hopeless.
"""
from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH, GROUP = 20, 4
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize(code: str) -> str | None:
    """What the citizen typed, without spaces, dashes or case; None when it cannot be a code."""
    raw = _NOT_CODE.sub("", (code or "").upper()[:100])
    return raw if len(raw) == LENGTH and all(c in ALPHABET for c in raw) else None


def code_hash(code: str) -> str | None:
    raw = normalize(code)
    return hashlib.sha256(raw.encode()).hexdigest() if raw else None
