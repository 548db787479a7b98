"""Untrusted strings made harmless: every value from the data passes through here,
`generator/common.py`'s `safe_url` (URLs) or autoescape."""

import re

import orjson

_SLUG_DROP = re.compile(r"[^a-z0-9]+")


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
