"""Bulk downloads in dist/dumps/: JSON array, NDJSON (both also gzip'd) and CSV, streamed.

    dumps/{version}/{endpoint}[.{mode}].json[.gz]     every record of one version/mode, as sent
    dumps/{version}/{endpoint}[.{mode}].ndjson[.gz]   the same, one record per line
    dumps/{version}/{endpoint}.csv                    flat columns (generator/flat.py)

Records are the bytes of their snapshot lines, in id order; one record is in memory at a
time. Gzip files carry no name or time, so a snapshot always gives the same bytes.
"""

import csv
import gzip
import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import orjson

from generator.flat import CSV_COLUMNS, FlatEvent, flatten
from generator.output import StagedOutput
from generator.validate import VersionIndex

DUMPS_DIR = "dumps"
#: zlib level 6: close to 9 in size on JSON, and much faster.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Dump:
    """One written dump file and what the data package says about it."""

    relpath: str
    version: str
    mode: str | None
    format: str  # json | ndjson | csv | sqlite
    compressed: bool = False


def stem(vindex: VersionIndex, mode: str | None) -> str:
    """`events.detailed` for 2.3.0 detailed, `event` for 2.2.0: the snapshot file's stem."""
    return vindex.spec.snapshot_name(mode).removesuffix(".ndjson")


def table_mode(vindex: VersionIndex) -> str | None:
    """The mode whose records carry agencies, programs and launches (CSV and SQLite)."""
    return vindex.spec.facet_mode


def table_stem(vindex: VersionIndex) -> str:
    """`events` or `event`: the CSV and SQLite dumps hold one table per version."""
    return vindex.spec.endpoint


def _gzip(stack: ExitStack, out: StagedOutput, relpath: str) -> gzip.GzipFile:
    raw = stack.enter_context(out.stream(relpath))
    return stack.enter_context(
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0)
    )


def iter_records(vindex: VersionIndex, mode: str | None) -> Iterator[bytes]:
    """The validated records of one file as their bytes, in id order, read sequentially.

    Plain reads rather than RecordSource's mapping: the dumps read every record once, and
    pages of a mapped file stay counted in the process' memory until it is unmapped.
    """
    with vindex.files[mode].file.path.open("rb") as handle:
        for span in vindex.files[mode].spans.values():
            handle.seek(span.offset)
            yield handle.read(span.length)


def write_record_dumps(vindex: VersionIndex, mode: str | None, out: StagedOutput) -> list[Dump]:
    """The JSON array and NDJSON dumps of one version/mode, plain and gzip'd, in one pass."""
    version = vindex.spec.version
    base = f"{DUMPS_DIR}/{version}/{stem(vindex, mode)}"
    dumps = [
        Dump(f"{base}.json", version, mode, "json"),
        Dump(f"{base}.json.gz", version, mode, "json", compressed=True),
        Dump(f"{base}.ndjson", version, mode, "ndjson"),
        Dump(f"{base}.ndjson.gz", version, mode, "ndjson", compressed=True),
    ]
    with ExitStack() as stack:
        array = stack.enter_context(out.stream(dumps[0].relpath))
        array_gz = _gzip(stack, out, dumps[1].relpath)
        lines = stack.enter_context(out.stream(dumps[2].relpath))
        lines_gz = _gzip(stack, out, dumps[3].relpath)
        separator = b"[\n"
        for data in iter_records(vindex, mode):
            for handle in (array, array_gz):
                handle.write(separator)
                handle.write(data)
            for handle in (lines, lines_gz):
                handle.write(data)
                handle.write(b"\n")
            separator = b",\n"
        tail = b"[]\n" if separator == b"[\n" else b"\n]\n"
        array.write(tail)
        array_gz.write(tail)
    return dumps


def iter_flat(vindex: VersionIndex) -> Iterator[FlatEvent]:
    """Every event of a version as flat rows, in id order, parsed one at a time."""
    for data in iter_records(vindex, table_mode(vindex)):
        yield flatten(orjson.loads(data))


def write_csv(vindex: VersionIndex, out: StagedOutput) -> Dump:
    """The events of one version as CSV (RFC 4180: comma, double quotes, CRLF), with a header."""
    version = vindex.spec.version
    dump = Dump(f"{DUMPS_DIR}/{version}/{table_stem(vindex)}.csv", version, table_mode(vindex), "csv")
    with out.stream(dump.relpath) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow([c.name for c in CSV_COLUMNS])
        for flat in iter_flat(vindex):
            writer.writerow(flat.csv_row())
        text.flush()
        text.detach()  # leave closing the file to out.stream
    return dump
