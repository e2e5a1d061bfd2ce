"""API tokens: 256 random bits shown once; only their SHA-256 is stored.

A fast hash is right here (unlike passwords): the token is random, not chosen
by a person, so there is nothing to brute-force, and a lookup by hash keeps
every API request to one indexed query.
"""
from __future__ import annotations

import hashlib
import secrets

PREFIX = "zq_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
