"""PROVENANCE.md of a fetched snapshot: where each file's records come from, from snapshot.json.

The seed snapshot's PROVENANCE.md names the pages its two records were read from; once a fetch
has replaced the records, that text would be false, so every completed fetch rewrites it."""

from typing import Any

PROVENANCE_NAME = "PROVENANCE.md"


def _cell(text: object) -> str:
    """Text for one Markdown table cell (a "|" or a line break would end it)."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def provenance_markdown(metadata: dict[str, Any], data: dict[str, bytes]) -> bytes:
    """The document for the data files in `data` (name -> NDJSON bytes), described by `metadata`."""
    derived = metadata.get("derived") or {}
    lines = [
        "# Where the snapshot's records come from",
        "",
        "Written by `python build.py fetch` from `snapshot.json` when a fetch completes.",
        "Only real LL2 records are published here, as LL2 sent them, or records derived from",
        "them by the API's own specification (their ids are listed in `snapshot.json` under",
        "`derived`).",
        "",
        f"Snapshot as of {_cell(metadata.get('as_of', 'unknown'))}.",
        "",
        "| file | records | derived | origin | fetched from | fetched at |",
        "|---|---:|---:|---|---|---|",
    ]
    for name in sorted(data):
        entry = (metadata.get("files") or {}).get(name) or {}
        records = data[name].count(b"\n")
        lines.append(
            f"| `{_cell(name)}` | {records:,} | {len(derived.get(name) or ()):,} "
            f"| {_cell(entry.get('source', 'not recorded'))} | "
            f"{_cell(entry.get('base_url', 'not recorded'))} "
            f"| {_cell(entry.get('fetched_at', 'not recorded'))} |"
        )
    return ("\n".join(lines) + "\n").encode()
