"""The open-data stage: JSON Schemas, dumps, changes log and data package, in that order.

    dist/schemas/...          JSON Schemas of the records (generator/opendata/schemas.py)
    dist/dumps/...            JSON, NDJSON, gzip, CSV, SQLite (generator/opendata/dumps.py, sqlite.py)
    dist/changes.json         what changed since the previous snapshot in git (generator/opendata/changes.py)
    dist/datapackage.json     every dump described, sized and hashed (generator/opendata/datapackage.py)

The stage returns what it wrote, so a page of the site can list the downloads
(`downloads_markdown`) and the changes (`changes.changes_markdown`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from generator.context import BuildContext
from generator.opendata.changes import changes_json, snapshot_changes
from generator.opendata.datapackage import data_package
from generator.opendata.dumps import Dump, write_csv, write_record_dumps
from generator.opendata.schemas import write_schemas
from generator.opendata.sqlite import write_sqlite
from generator.output.tally import Tally


@dataclass(frozen=True)
class OpenData:
    """What the stage wrote: the dumps, the schema of each version/mode, and the two documents."""

    dumps: list[Dump]
    schemas: dict[tuple[str, str | None], str]
    changes: dict[str, Any]
    package: dict[str, Any]
    #: Bytes of every dump by path (the package gives none for the gzip'd ones).
    sizes: dict[str, int]


def write_open_data(
    ctx: BuildContext, tally: Tally, slips: list[dict[str, Any]] | None = None, *, changes: bool = True
) -> OpenData:
    """Write the whole open-data stage into the staging folder (reusing the build memo's
    pieces). `slips`: the latest date changes as the site shows them (without: the history
    file's); without `changes`, changes.json is left to `write_changes` (the data then has
    no changes)."""
    index, out, settings, memo = ctx.index, ctx.out, ctx.settings, ctx.memo
    schemas = write_schemas(out, settings, memo)
    for relpath in schemas.values():
        tally.add("schemas", out.size(relpath))
    as_of = index.snapshot.metadata["as_of"]
    dumps: list[Dump] = []
    for vindex in index.versions.values():
        for mode in vindex.spec.modes:
            dumps.extend(write_record_dumps(vindex, mode, out, memo, settings.limits().max_file_bytes))
        dumps.append(write_csv(vindex, out, memo))
        dumps.append(
            write_sqlite(vindex, out, {"as_of": as_of, "source": "Launch Library 2 by The Space Devs"}, memo)
        )
    for dump in dumps:
        tally.add("dumps", out.size(dump.relpath))
    found = write_changes(ctx, tally, slips) if changes else {}
    package = data_package(dumps, out, schemas, as_of, settings)
    out.write("datapackage.json", package)
    tally.add("metadata", len(package))
    sizes = {dump.relpath: out.size(dump.relpath) for dump in dumps}
    return OpenData(dumps, schemas, found, orjson.loads(package), sizes)


def write_changes(
    ctx: BuildContext, tally: Tally, slips: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """changes.json: what changed since the previous snapshot in git, with the latest slips."""
    changes = snapshot_changes(ctx.index.snapshot, ctx.index, slips)
    body = changes_json(changes)
    ctx.out.write("changes.json", body)
    tally.add("metadata", len(body))
    return changes


def size_text(count: int) -> str:
    """Bytes for people: 912 bytes, 14.0 KB, 3.2 MB (powers of 1000)."""
    if count < 1000:
        return f"{count:,} bytes"
    if count < 1_000_000:
        return f"{count / 1000:,.1f} KB"
    return f"{count / 1_000_000:,.1f} MB"


def downloads_markdown(
    package: dict[str, Any], schemas: Iterable[str], sizes: dict[str, int], link: str = ""
) -> str:
    """A Markdown section listing every download (title, file, size, sha256) and the schemas.

    `package` is datapackage.json's document, `sizes` OpenData.sizes; `link` prefixes every
    path (e.g. "../").
    """
    lines = ["## Downloads", "", "| data | file | size | sha256 |", "|---|---|---:|---|"]
    for r in package["resources"]:
        digest = r["hash"].removeprefix("sha256:")
        lines.append(
            f"| {r['title']} | [{r['path']}]({link}{r['path']}) | {size_text(sizes[r['path']])} | "
            f"`{digest[:16]}…` |"
        )
    schema_links = ", ".join(f"[{p.split('/', 1)[1]}]({link}{p})" for p in schemas)
    lines += [
        "",
        f"Described in [datapackage.json]({link}datapackage.json) (Frictionless Data Package). "
        f"JSON Schemas of the records: {schema_links}. "
        f"What changed since the previous snapshot: [changes.json]({link}changes.json).",
    ]
    return "\n".join(lines) + "\n"
