"""The /data/ page (every download of the snapshot, with copy-paste examples) and the short
README in dist/dumps/: both made from what the open-data stage wrote (its data package)."""

from collections.abc import Callable
from typing import Any

from generator.api.openapi import OPENAPI_PATH
from generator.distpaths import compact_path
from generator.opendata.write import OpenData, size_text
from generator.site.links import SiteLinks

PAGE = "data/"
DUMPS_README = "dumps/README.md"
#: Written by the precompute stage, after this page: linked by name, described in words.
MACHINE_FILES = (
    ("manifest.json", "every precomputed query: its canonical LL2 URL, file, bytes and sha256"),
    (
        "ll2-static.js",
        "the JavaScript client (browser or Node): maps an LL2 URL to its file, answers any list query",
    ),
)
#: How the page names a data package format; any other is shown as the package spells it.
_FORMATS = {"json": "JSON array", "ndjson": "NDJSON", "csv": "CSV", "sqlite": "SQLite"}


def _keep(value: str) -> str:
    return value


def _row(r: dict[str, Any], size: int, rows: int, href: str, blank: Callable[[str], str] = _keep) -> str:
    """One resource of the data package, whatever its format (`blank`: see data_markdown)."""
    fmt = _FORMATS.get(r["format"], r["format"]) + (", gzip" if r.get("compression") == "gz" else "")
    if "jsonSchema" in r:
        schema = f"[JSON Schema]({href}{r['jsonSchema']})"
    elif "schema" in r:
        schema = "Table Schema in datapackage.json"
    elif r["format"] == "sqlite":
        schema = "SQL tables: events, events_fts, link tables (datapackage.json)"
    else:
        schema = "none"
    sha = r["hash"].removeprefix("sha256:")
    return (
        f"| [{r['path']}]({href}{r['path']}) | {fmt} | {blank(size_text(size))} | {blank(f'{rows:,}')} | "
        f"{schema} | `{blank(sha)}` |"
    )


def data_markdown(
    data: OpenData, rows: dict[str, int], as_of: str, links: SiteLinks, blank: Callable[[str], str] = _keep
) -> str:
    """The /data/ page as Markdown: `rows` is the number of records per API version; the
    values that change with the snapshot (as_of, sizes, rows, sha256) pass through `blank`
    (`render.Blanks`)."""
    href = "/"  # root-relative: render_markdown puts the site's base path in front
    site = links.absolute("") or "https://YOUR-SITE/"  # examples need a host: the build's, or a placeholder
    first = next(r for r in data.package["resources"] if r["format"] == "sqlite")["path"]
    csv = next(r for r in data.package["resources"] if r["format"] == "csv")["path"]
    ndjson = next(r for r in data.package["resources"] if r["format"] == "ndjson" and "compression" in r)[
        "path"
    ]
    lines = [
        "# Open data",
        "",
        f"The whole snapshot (as of {blank(as_of)}) as downloads: the records exactly as LL2 sent them "
        "(JSON, NDJSON, gzip), one flat row per event (CSV), and a SQLite database. Data: Launch "
        "Library 2 by The Space Devs, under their terms, with attribution ([licence](" + href + "licence/)).",
        "",
        "## Dumps",
        "",
        "| file | format | size | rows | schema | sha256 |",
        "|---|---|---:|---:|---|---|",
        *(
            _row(r, data.sizes[r["path"]], rows[r["path"].split("/")[1]], href, blank)
            for r in data.package["resources"]
        ),
        "",
        "The `.gz` files are served as they are: `gunzip` them after downloading. "
        f"[dumps/README.md]({href}{DUMPS_README}) says the same in the folder itself.",
        "",
        "## Descriptions and indexes",
        "",
        f"- [datapackage.json]({href}datapackage.json): the [Frictionless Data Package]"
        "(https://datapackage.org) of every dump above: format, media type, bytes, sha256, licence; "
        "the CSV's typed Table Schema; each JSON dump's JSON Schema in `jsonSchema`.",
        "- JSON Schemas (2020-12) of one record per version and mode: "
        + ", ".join(f"[{p.split('/', 1)[1]}]({href}{p})" for p in data.schemas.values())
        + ".",
        f"- [changes.json]({href}changes.json): events added, updated and removed since the previous "
        "snapshot.",
        f"- [{OPENAPI_PATH}]({href}{OPENAPI_PATH}): the mirror's OpenAPI, the Events part of LL2's 2.3.0 "
        "document with `servers` set to this site: generate a client from it (openapi-python-client, "
        "openapi-generator).",
        *(f"- [{name}]({href}{name}): {what}." for name, what in MACHINE_FILES),
        "- compact/: every event's filterable fields, what `ll2-static.js` answers lists that "
        "were not precomputed from: "
        + ", ".join(f"[{compact_path(v)}]({href}{compact_path(v)})" for v in rows)
        + ".",
        "",
        "## Examples",
        "",
        "```sh",
        f"curl -O {site}{first}",
        f'sqlite3 {first.rsplit("/", 1)[1]} "SELECT id, date, name FROM events ORDER BY date DESC LIMIT 5"',
        f"datasette {first.rsplit('/', 1)[1]}        # pip install datasette; events_fts is the search",
        f"curl -s {site}{ndjson} | gunzip | head -n 1",
        f"frictionless validate {site}datapackage.json",
        "```",
        "",
        "```python",
        "import pandas as pd",
        "",
        f'events = pd.read_csv("{site}{csv}", parse_dates=["date", "last_updated"])',
        'print(events[["id", "date", "name"]].head())',
        "```",
    ]
    return "\n".join(lines) + "\n"


def dumps_readme(data: OpenData, as_of: str) -> bytes:
    """dist/dumps/README.md: what the folder holds, for someone who lands in it."""
    lines = [
        "# ll2-static dumps",
        "",
        f"The Launch Library 2 events of the snapshot of {as_of}, per API version:",
        "",
        "- `{stem}.json`, `{stem}.ndjson` (and `.gz`): every record exactly as LL2 sent it, by id;",
        "- `{endpoint}.csv`: one row per event, flat columns (`;`-joined related ids);",
        "- `{endpoint}.sqlite`: tables for sqlite3 or Datasette, with full-text search (`events_fts`).",
        "",
        "Sizes, sha256 and schemas: `../datapackage.json`; the JSON Schemas are in `../schemas/`; "
        "the site's /data/ page lists everything. `.gz` files are served as they are: gunzip them.",
        "Data: Launch Library 2 by The Space Devs (https://thespacedevs.com), under their terms.",
    ]
    return ("\n".join(lines) + "\n").encode()
