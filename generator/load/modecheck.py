"""Modes that must agree: a 2.3.0 `list` or `normal` record is its `detailed` record cut at
its own last field (the spec's schemas EventEndpointList/Normal/Detailed are prefixes of one
field order, see bench/derive.py), `response_mode` aside.

Compared deeply: the same keys in the same order, each value equal as JSON (orjson's bytes of
the parsed value, so `1` and `1.0`, `true` and `1` differ). A mismatch is a Problem naming
the file, line, event and the first field (path) that differs. A pair that agreed is kept in
the build cache by the two lines' digests, so an unchanged record is not compared again.
"""

import os
from collections.abc import Iterator
from typing import Any

import orjson

from generator.errors import Problem
from generator.load.snapshot import display_path

#: The mode whose records the others are cut from.
FULL_MODE = "detailed"
_AGREE = "modes-agree/1:"


def _read(path: str, offset: int, length: int, handles: dict[str, int]) -> bytes:
    if path not in handles:
        handles[path] = os.open(path, os.O_RDONLY)
    return os.pread(handles[path], length, offset)


def _first_difference(cut: Any, full: Any, where: str) -> str | None:
    """The path of the first value in `cut` that differs from `full`, or None."""
    if isinstance(cut, dict) and isinstance(full, dict):
        if list(cut) != list(full):
            return where or "(fields)"
        for key, value in cut.items():
            found = _first_difference(value, full[key], f"{where}.{key}" if where else key)
            if found is not None:
                return found
        return None
    if isinstance(cut, list) and isinstance(full, list) and len(cut) == len(full):
        for number, (a, b) in enumerate(zip(cut, full, strict=True)):
            found = _first_difference(a, b, f"{where}[{number}]")
            if found is not None:
                return found
        return None
    return None if orjson.dumps(cut) == orjson.dumps(full) else where


def _show(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def disagreement(record: bytes, full: dict[str, Any]) -> tuple[str, str] | None:
    """(field, message) when `record` is not the parsed detailed record `full` cut at its
    last field, else None."""
    cut: dict[str, Any] = orjson.loads(record)
    if not isinstance(cut, dict) or not isinstance(full, dict):
        return "(record)", "is not a JSON object"
    keys, full_keys = list(cut), list(full)
    # Fast path: the cut detailed record, serialised, is byte for byte the record's.
    same = {key: cut[key] if key == "response_mode" else full.get(key) for key in keys}
    if keys == full_keys[: len(keys)] and orjson.dumps(same) == orjson.dumps(cut):
        return None
    for position, key in enumerate(keys):
        if position >= len(full_keys) or full_keys[position] != key:
            expected = full_keys[position] if position < len(full_keys) else "(no field)"
            return key, f"field {position + 1} is {key!r}, the detailed record's is {expected!r}"
    for key in keys:
        if key == "response_mode":
            continue
        field = _first_difference(cut[key], full[key], key)
        if field is not None:
            mine, theirs = _lookup(cut, field), _lookup(full, field)
            return field, f"is {_show(mine)} but {_show(theirs)} in the detailed record"
    return "(record)", "differs from the detailed record"


def _lookup(value: Any, path: str) -> Any:
    """The value at a path made by _first_difference ('a.b[2].c'); the whole part if odd."""
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            return value
    return value


def check_modes(
    files: dict[str | None, Any],
    validated_before: dict[str, Any],
    validated: dict[str, Any],
    failed: set[tuple[str, int]],
) -> Iterator[Problem]:
    """Problems of every list/normal record of one version that disagrees with its detailed
    record (`files`: mode -> FileIndex). Records in one mode only are _cross_check's; records
    whose (file label, line) is in `failed` already have their problems and are skipped."""
    full = files.get(FULL_MODE)
    if full is None:
        return
    cuts = [(mode, index, index.file.label) for mode, index in files.items() if index is not full]
    full_label = full.file.label  # (a property that resolves a path: read once)
    handles: dict[str, int] = {}
    try:
        for event_id, other in full.spans.items():
            if failed and (full_label, other.line) in failed:
                continue
            parsed: dict[str, Any] | None = None  # the detailed record, read once if needed
            for mode, index, label in cuts:
                span = index.spans.get(event_id)
                if span is None or (failed and (label, span.line) in failed):
                    continue
                key = _AGREE + span.digest.hex() + other.digest.hex()  # no hashing: 3,000 a build
                if key in validated_before:
                    validated[key] = validated_before[key]
                    continue
                if parsed is None:
                    parsed = orjson.loads(_read(str(full.file.path), other.offset, other.length, handles))
                found = disagreement(_read(str(index.file.path), span.offset, span.length, handles), parsed)
                if found is None:
                    validated[key] = 1
                    continue
                field, message = found
                where = f"{display_path(full.file.path)} line {other.line}"
                yield Problem(
                    label,
                    span.line,
                    event_id,
                    field,
                    f"{message} ({where}); a {mode} record is its detailed record cut at its last field",
                )
    finally:
        for handle in handles.values():
            os.close(handle)
