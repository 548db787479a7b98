"""Derive a 2.3.0 `list` or `normal` record from its `detailed` record, by the spec.

The 2.3.0 modes are prefixes of one field order: `list` ends at `duration`, `normal` at
`last_updated`; `response_mode` names the mode. Used only where LL2's own record of that
mode is not available (the seed event 1304); such records are marked derived in the metadata.
"""

from typing import Any

import orjson

LAST_FIELD = {"list": "duration", "normal": "last_updated"}


def derive_mode(detailed: bytes, mode: str) -> bytes:
    """The `mode` record that LL2 would send for the given `detailed` record."""
    record: dict[str, Any] = orjson.loads(detailed)
    if record.get("response_mode") != "detailed":
        raise ValueError("derive_mode needs a record in detailed mode")
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = mode if key == "response_mode" else value
        if key == LAST_FIELD[mode]:
            break
    return orjson.dumps(out)
