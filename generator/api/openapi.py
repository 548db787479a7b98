"""The mirror's own OpenAPI: the Events part of LL2's official 2.3.0 document.

`events_part(spec)` keeps, of LL2's whole OpenAPI (drf-spectacular, 3.0.3), the operations
under `/2.3.0/events/`, the components they reference (transitively), the `events` tag and
the document's `info`, every kept object unchanged. The result is committed as
`ll2-2.3.0-events.openapi.json` beside this module (`python -m generator.api.openapi
LL2-SPEC.json` writes it again); the build writes it at OPENAPI_PATH with `servers` set to
the mirror's URL (`mirror_document`).

Origin of LL2's document: the official 2.3.0 OpenAPI (drf-spectacular) as vendored by the
Space Launch Now app, space-launch-now/SpaceLaunchNow-KMP @ 504006e2 : ll_2.3.0.json; its
`info.license` is Apache License 2.0.
"""

import sys
from pathlib import Path
from typing import Any

import orjson

#: The committed Events part of LL2's 2.3.0 OpenAPI.
EVENTS_SPEC = Path(__file__).with_name("ll2-2.3.0-events.openapi.json")
#: Where the build writes the mirror's OpenAPI (relative to dist/): a stable, versioned name.
OPENAPI_PATH = "openapi/2.3.0/events.json"
#: The operations kept: LL2's paths of the events endpoint of 2.3.0.
EVENTS_PREFIX = "/2.3.0/events/"


def _refs(node: Any, found: set[str]) -> None:
    """Every `$ref` under `node`, into `found`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _component(spec: dict[str, Any], ref: str) -> tuple[str, str, Any]:
    """(section, name, object) of a local `#/components/{section}/{name}` reference."""
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise ValueError(f"{ref!r} is not a reference to a component of the document")
    return parts[2], parts[3], spec["components"][parts[2]][parts[3]]


def events_part(spec: dict[str, Any]) -> dict[str, Any]:
    """The Events operations of `spec` with everything they use, in the document's order."""
    paths = {path: item for path, item in spec["paths"].items() if path.startswith(EVENTS_PREFIX)}
    if not paths:
        raise ValueError(f"the document has no path under {EVENTS_PREFIX}")
    wanted: set[str] = set()
    _refs(paths, wanted)
    done: set[str] = set()
    while wanted - done:
        ref = min(wanted - done)
        done.add(ref)
        _refs(_component(spec, ref)[2], wanted)
    operations = [operation for item in paths.values() for operation in item.values()]
    schemes = {name for operation in operations for need in operation.get("security", []) for name in need}
    components: dict[str, dict[str, Any]] = {}
    for section, members in spec["components"].items():
        kept = {
            name: value
            for name, value in members.items()
            if f"#/components/{section}/{name}" in done or (section == "securitySchemes" and name in schemes)
        }
        if kept:
            components[section] = kept
    tags = sorted({tag for operation in operations for tag in operation["tags"]})
    document: dict[str, Any] = {"openapi": spec["openapi"], "info": spec["info"], "paths": paths}
    document["components"] = components
    document["tags"] = [{"name": tag} for tag in tags]
    return document


def server_url(absolute: str | None, base_path: str) -> str:
    """The mirror's URL for `servers`: --base-url's (no trailing slash), or, without a host,
    the site's base path ('/' at a host's root), which a client resolves against the
    document's own URL (OpenAPI 3.0, "relative server URL")."""
    return (absolute or "").rstrip("/") or base_path.rstrip("/") or "/"


def mirror_document(events: dict[str, Any], server: str) -> bytes:
    """The mirror's OpenAPI: the Events part with one server, the mirror's URL (`server`)."""
    described = "This mirror of LL2's events: the same paths, the records LL2 sent"
    document = {**events, "servers": [{"url": server, "description": described}]}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def load_events_spec() -> dict[str, Any]:
    """The committed Events part of LL2's 2.3.0 OpenAPI."""
    loaded: dict[str, Any] = orjson.loads(EVENTS_SPEC.read_bytes())
    return loaded


def main(argv: list[str]) -> int:
    """`python -m generator.api.openapi LL2-SPEC.json`: rewrite the committed Events part."""
    if len(argv) != 1:
        print("Error: usage: python -m generator.api.openapi LL2-2.3.0-OPENAPI.json", file=sys.stderr)
        return 2
    try:
        spec = orjson.loads(Path(argv[0]).read_bytes())
        part = events_part(spec)
    except (OSError, orjson.JSONDecodeError, KeyError, ValueError) as exc:
        print(f"Error: {argv[0]}: {exc}", file=sys.stderr)
        return 1
    EVENTS_SPEC.write_bytes(orjson.dumps(part, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {EVENTS_SPEC} ({len(part['paths'])} paths, {len(part['components']['schemas'])} schemas)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
