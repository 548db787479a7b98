"""dist/datapackage.json: every dump as a Frictionless Data Package resource.

Each resource has its path, format, media type, sha256 and, unless gzip'd, byte size (read
back from the written file), the licence and attribution of the data, and a schema: the JSON Schema file
for JSON/NDJSON dumps, an inline Table Schema for the CSV.
"""

from typing import Any

import orjson

from generator.opendata.dumps import Dump
from generator.opendata.rows import CSV_COLUMNS
from generator.output.staging import StagedOutput, file_facts
from generator.settings import BuildSettings

MEDIA_TYPES = {
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "csv": "text/csv",
    "sqlite": "application/vnd.sqlite3",
}
SOURCES = [{"title": "Launch Library 2 API by The Space Devs", "path": "https://thespacedevs.com/llapi"}]
LICENSES = [
    {
        "title": "Launch Library 2 data by The Space Devs: use under their terms, with attribution",
        "path": "https://thespacedevs.com/llapi",
    }
]
CSV_DIALECT = {
    "delimiter": ",",
    "doubleQuote": True,
    "quoteChar": '"',
    "lineTerminator": "\r\n",
    "header": True,
}


def table_schema() -> dict[str, Any]:
    """The Table Schema of the events CSV, from generator/opendata/rows.py's column list."""
    return {
        "fields": [{"name": c.name, "type": c.type, "description": c.description} for c in CSV_COLUMNS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


def _describe(dump: Dump) -> tuple[str, str]:
    what = f"LL2 {dump.version} events" + (f" in mode {dump.mode}" if dump.mode else "")
    if dump.format == "json":
        return f"{what} (JSON array)", "Every record exactly as LL2 sent it, in id order, as one JSON array."
    if dump.format == "ndjson":
        return f"{what} (NDJSON)", "Every record exactly as LL2 sent it, in id order, one per line."
    if dump.format == "csv":
        return f"{what} (CSV)", (
            "One row per event, flat columns; related ids `;`-joined. A text cell starting with "
            "=, +, -, @, a tab or a carriage return has a ' put before it, so that no spreadsheet "
            "runs it as a formula (OWASP, CSV Injection); the JSON, NDJSON and SQLite dumps hold "
            "the value as LL2 sent it."
        )
    if dump.format == "sqlite":
        return f"{what} (SQLite)", (
            "Tables events, event_types, agencies, programs, launches, expeditions, spacestations, "
            "astronauts, event_videos, link tables event_*, and events_fts (full-text search on name "
            "and description). Opens in sqlite3 or Datasette as is."
        )
    # A new format is described here and given a media type in MEDIA_TYPES.
    raise ValueError(f"datapackage.py describes no dump format {dump.format!r}")


def resource(dump: Dump, out: StagedOutput, schemas: dict[tuple[str, str | None], str]) -> dict[str, Any]:
    """The data package resource of one written dump."""
    size, sha256 = out.facts(dump.relpath) or file_facts(out.current(dump.relpath))
    title, description = _describe(dump)
    entry: dict[str, Any] = {
        "name": dump.relpath.removeprefix("dumps/").replace("/", "-").lower(),
        "path": dump.relpath,
        "title": title,
        "description": description,
        "format": dump.format,
        "mediatype": "application/gzip" if dump.compressed else MEDIA_TYPES[dump.format],
    }
    if dump.compressed:
        entry["compression"] = "gz"
    if dump.format != "sqlite":
        entry["encoding"] = "utf-8"
    if not dump.compressed:
        # frictionless 5 cannot count a compressed file's bytes over HTTP (it reads the gzip
        # stream past its counter): `bytes` made every .gz resource of the published package
        # invalid ("expected ... actual None"). The sha256 still pins the file.
        entry["bytes"] = size
    entry["hash"] = f"sha256:{sha256}"
    if dump.format in ("json", "ndjson"):
        # A Data Package `schema` must be a Table Schema: the record's JSON Schema is linked in
        # a property of this package's own (custom properties are allowed by the spec).
        entry["jsonSchema"] = schemas[(dump.version, dump.mode)]
    elif dump.format == "csv":
        entry["profile"] = "tabular-data-resource"
        entry["dialect"] = CSV_DIALECT
        entry["schema"] = table_schema()
    entry |= {"sources": SOURCES, "licenses": LICENSES}
    return entry


def data_package(
    dumps: list[Dump],
    out: StagedOutput,
    schemas: dict[tuple[str, str | None], str],
    as_of: str,
    settings: BuildSettings,
) -> bytes:
    """The datapackage.json document for the written dumps."""
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": "ll2-events",
        "title": "Launch Library 2 events: ll2-static open-data snapshot",
        "description": (
            "The events of the Launch Library 2 API (The Space Devs) as of the snapshot time, per "
            "API version and mode: JSON, NDJSON, CSV and SQLite. JSON Schemas in schemas/."
        ),
        "created": as_of,
        "sources": SOURCES,
        "licenses": LICENSES,
        "contributors": [{"title": "The Space Devs", "path": "https://thespacedevs.com", "role": "author"}],
    }
    if settings.base_url:
        package["homepage"] = settings.url("")
    package["resources"] = [resource(d, out, schemas) for d in dumps]
    return orjson.dumps(package, option=orjson.OPT_INDENT_2) + b"\n"
