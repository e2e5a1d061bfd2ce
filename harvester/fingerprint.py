"""Content fingerprints for near-duplicate detection across units.

A city notice reposted by three units has the same text with small changes
(a 转载 line, other whitespace).  A 64-bit simhash over character 4-grams of
the normalised text stays within a few bits for such copies.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

NOISE = re.compile(r"[\s\u3000\xa0]+|[，。、；：？！“”‘’（）《》【】,.;:?!\"'()\[\]<>\-—_|/]")
SHINGLE = 4
NEAR_DUPLICATE_BITS = 6  # at most this many differing bits (of 64) count as the same text
MIN_TEXT_FOR_SIMHASH = 80  # shorter texts only merge when identical
# Reposts share their opening; fingerprinting the first 2,000 characters keeps long
# documents as cheap as short ones (the title and length checks guard the rest).
FINGERPRINT_CHARS = 2000


def normalise(text: str) -> str:
    return NOISE.sub("", text).lower()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


@lru_cache(maxsize=32)
def _low_bits(count: int) -> int:
    """An integer of ``count`` bytes, each 0x01."""
    return int.from_bytes(b"\x01" * count, "big")


GRAM_CACHE = 1 << 15  # 4-gram hashes a process remembers (a few MB): a source's pages share their phrases
_GRAM_DIGESTS: dict[str, bytes] = {}


def simhash(text: str) -> int:
    """Signed 64-bit simhash (fits PostgreSQL BIGINT): bit k is set when more than
    half of the distinct 4-grams' 64-bit BLAKE2b hashes (read big-endian) have bit k set."""
    norm = normalise(text)[:FINGERPRINT_CHARS]
    if not norm:
        return 0
    count = max(1, len(norm) - SHINGLE + 1)
    grams = set(map(norm.__getitem__, map(slice, range(count), range(SHINGLE, count + SHINGLE))))
    digests = _GRAM_DIGESTS
    missing = grams.difference(digests)
    if missing:
        if len(digests) + len(missing) > GRAM_CACHE:
            digests.clear()
            missing = grams
        blake = hashlib.blake2b
        digests.update({gram: blake(gram.encode("utf-8"), digest_size=8).digest() for gram in missing})
    packed = b"".join(map(digests.__getitem__, grams))
    total = len(grams)
    ones = _low_bits(1 << (total - 1).bit_length())  # bit 0 of every byte of a lane (padded: cached, zeros count nothing)
    value = 0
    for byte in range(8):  # byte ``byte`` of every hash side by side: bit b of each is one shift and mask away
        lane = int.from_bytes(packed[byte::8], "big")
        shift = (7 - byte) * 8
        for bit in range(8):
            if 2 * ((lane >> bit) & ones).bit_count() > total:
                value |= 1 << (shift + bit)
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return bin((a ^ b) & 0xFFFFFFFFFFFFFFFF).count("1")


def near_duplicate(a: int, b: int, len_a: int, len_b: int) -> bool:
    if min(len_a, len_b) < MIN_TEXT_FOR_SIMHASH:
        return False
    if min(len_a, len_b) / max(len_a, len_b) < 0.8:
        return False
    return distance(a, b) <= NEAR_DUPLICATE_BITS


REPOST_PREFIX = re.compile(r"^(转发|转载|转|【转载】|\[转载\])")
TITLE_SIMILARITY = 0.8  # bigram Jaccard: "第29号" and "第30号" notices stay apart


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def titles_compatible(a: str, b: str) -> bool:
    """Reposts keep the title (perhaps with 转发/转载 in front, or a unit's suffix).
    Template notices with near-identical text but another number or subject do not."""
    na, nb = REPOST_PREFIX.sub("", normalise(a)), REPOST_PREFIX.sub("", normalise(b))
    if not na or not nb:
        return True
    if na in nb or nb in na:
        return True
    ba, bb = _bigrams(na), _bigrams(nb)
    return len(ba & bb) / len(ba | bb) >= TITLE_SIMILARITY
