"""Small helpers every floor of the code may use (docs/layout.md, "Floors"): the short digest
that keys what a build reuses, the test that makes a URL from the data safe to link, and a pause
of garbage collection while many long-lived objects are made."""

import gc
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

# Browsers strip or reinterpret these inside URLs; refuse such URLs rather than guess.
_URL_REFUSED = re.compile(r"[\x00-\x20\x7f\\<>\"'`]")


#: Bytes of a `digest`.
DIGEST_SIZE = 16


def digest(*parts: bytes) -> bytes:
    """The first 16 bytes of the SHA-256 of the parts, each followed by a NUL: collisions are
    not a concern. SHA-256, not BLAKE2b: processors hash it in hardware (x86 since AMD Zen and
    Intel Ice Lake, ARMv8), 1.8x BLAKE2b's speed on a 9 KB record here (`python -m
    bench.digests`), which a rebuild hashes 6,000 of."""
    return hashlib.sha256(b"\0".join((*parts, b""))).digest()[:DIGEST_SIZE]  # a NUL after each


def digest_of(data: bytes | memoryview) -> bytes:
    """`digest(data)` of one part, hashed where it lies (a slice of a mapped file: no copy)."""
    h = hashlib.sha256(data)
    h.update(b"\0")
    return h.digest()[:DIGEST_SIZE]


def safe_url(url: object) -> str | None:
    """`url` if it is an absolute http(s) URL with a host, else None (never javascript:...)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if _URL_REFUSED.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while many small objects that live on are made or read (a
    rebuild's cache state, index and basis: none cyclic): each collection would walk them all
    for nothing (about 0.03 s of a 1,500-event rebuild)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
