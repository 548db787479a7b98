"""Untrusted strings made harmless: every value from the data passes through here or autoescape."""

import re
from urllib.parse import urlsplit

import orjson

_SLUG_DROP = re.compile(r"[^a-z0-9]+")
# Browsers strip or reinterpret these inside URLs; refuse such URLs rather than guess.
_URL_REFUSED = re.compile(r"[\x00-\x20\x7f\\<>\"'`]")


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


def slug_segment(text: str, limit: int = 60) -> str:
    """A path segment made only of [a-z0-9-]: a slug or name can never leave its folder."""
    return _SLUG_DROP.sub("-", text.lower()).strip("-")[:limit].strip("-")


_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: object) -> str:
    """JSON to embed in a <script> element: no '<', '>' or '&', so `</script>` cannot occur."""
    return orjson.dumps(value).decode().translate(_SCRIPT_ESCAPES)
