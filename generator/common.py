"""Two small helpers every floor of the code may use (docs/layout.md, "Floors"): the short
digest that keys what a build reuses, and the test that makes a URL from the data safe to link."""

import hashlib
import re
from urllib.parse import urlsplit

# Browsers strip or reinterpret these inside URLs; refuse such URLs rather than guess.
_URL_REFUSED = re.compile(r"[\x00-\x20\x7f\\<>\"'`]")


#: Bytes of a `digest`.
DIGEST_SIZE = 16


def digest(*parts: bytes) -> bytes:
    """16-byte BLAKE2b of the parts (NUL-separated): cheap, and collisions are not a concern."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        h.update(part)
        h.update(b"\0")
    return h.digest()


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
