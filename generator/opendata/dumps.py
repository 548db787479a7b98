"""Bulk downloads in dist/dumps/: JSON array, NDJSON (both also gzip'd) and CSV, streamed.

    dumps/{version}/{endpoint}[.{mode}].json[.gz]     every record of one version/mode, as sent
    dumps/{version}/{endpoint}[.{mode}].ndjson[.gz]   the same, one record per line
    dumps/{version}/{endpoint}.csv                    flat columns (generator/opendata/rows.py)

Records are the bytes of their snapshot lines, in id order; one record (or one chunk of
records) is in memory at a time. A gzip dump is a series of gzip members (RFC 1952 allows it;
gunzip, zcat and Python read them as one stream), one per CHUNK records, each remembered in the
build's memo by the digests of its records: a rebuild recompresses only the chunks whose
records changed. Members carry no name or time, so a snapshot always gives the same bytes.
"""

import csv
import gzip
import io
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from generator.common import digest
from generator.incremental.memo import Memo
from generator.load.validate import Span, VersionIndex
from generator.opendata.rows import CSV_COLUMNS, FlatEvent, flatten
from generator.output.staging import StagedOutput

DUMPS_DIR = "dumps"
#: zlib level 6: close to 9 in size on JSON, and much faster.
GZIP_LEVEL = 6
#: Records per gzip member: deflate only looks back 32 KiB, so members of 20 records (about
#: 200 KB) compress as well as one stream, and a changed record costs one small member.
CHUNK = 20


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


def iter_chunks(vindex: VersionIndex, mode: str | None) -> Iterator[tuple[list[Span], bytes]]:
    """The validated records of one file, CHUNK at a time in id order: their spans, and their
    bytes one record a line (no line ending after the last).

    Records that lie one after another in the file, a newline apart (a snapshot as written), are
    read in one piece: the chunk's lines are then their bytes as they are there. Others (blank
    lines, CRLF) are read one at a time and joined.
    """
    spans = list(vindex.files[mode].spans.values())
    fd = os.open(vindex.files[mode].file.path, os.O_RDONLY)
    try:
        for start in range(0, len(spans), CHUNK):
            chunk = spans[start : start + CHUNK]
            first, last = chunk[0], chunk[-1]
            size = last.offset + last.length - first.offset
            if size == sum(span.length for span in chunk) + len(chunk) - 1:  # each a newline apart
                yield chunk, os.pread(fd, size, first.offset)
            else:
                yield chunk, b"\n".join(os.pread(fd, span.length, span.offset) for span in chunk)
    finally:
        os.close(fd)


def _member(memo: Memo, kind: bytes, digests: list[bytes], data: bytes) -> bytes:
    """One gzip member of a dump, remembered by the kind of chunk and its records' digests."""
    key = digest(b"gz", kind, *digests)
    return memo.blob("gz", key, lambda: gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def write_record_dumps(
    vindex: VersionIndex,
    mode: str | None,
    out: StagedOutput,
    memo: Memo | None = None,
    max_file_bytes: int | None = None,
) -> list[Dump]:
    """The JSON array and NDJSON dumps of one version/mode, plain and gzip'd, in one pass.
    A plain dump larger than the host takes a file (`max_file_bytes`: Cloudflare Pages' 25
    MiB) is not published: its gzip'd copy, a tenth of the size, is."""
    memo = memo or Memo(None)
    version = vindex.spec.version
    base = f"{DUMPS_DIR}/{version}/{stem(vindex, mode)}"
    dumps = [
        Dump(f"{base}.json", version, mode, "json"),
        Dump(f"{base}.json.gz", version, mode, "json", compressed=True),
        Dump(f"{base}.ndjson", version, mode, "ndjson"),
        Dump(f"{base}.ndjson.gz", version, mode, "ndjson", compressed=True),
    ]
    total = len(vindex.files[mode].spans)
    with ExitStack() as stack:
        array, array_gz, lines, lines_gz = (stack.enter_context(out.stream(d.relpath)) for d in dumps)
        done = 0
        # A chunk at a time (few writes): the plain dumps, then their gzip members.
        for chunk, joined in iter_chunks(vindex, mode):
            first, last = done == 0, done + len(chunk) == total
            done += len(chunk)
            head = b"[\n" if first else b",\n"
            tail = b"\n]\n" if last else b""
            kind = b"json" + (b"-first" if first else b"") + (b"-last" if last else b"")
            array_part = head + joined.replace(b"\n", b",\n") + tail  # a record holds no newline
            lines_part = joined + b"\n"
            digests = [span.digest for span in chunk]
            array.write(array_part)
            lines.write(lines_part)
            array_gz.write(_member(memo, kind, digests, array_part))
            lines_gz.write(_member(memo, b"ndjson", digests, lines_part))
        if total == 0:
            array.write(b"[]\n")
            array_gz.write(_member(memo, b"json-empty", [], b"[]\n"))
            lines_gz.write(_member(memo, b"ndjson-empty", [], b""))
    too_big = [d for d in dumps if max_file_bytes is not None and out.size(d.relpath) > max_file_bytes]
    for dump in too_big:
        out.discard(dump.relpath)
    return [d for d in dumps if d not in too_big]


def iter_flat(
    vindex: VersionIndex, memo: Memo | None = None, spans: Iterable[Span] | None = None
) -> Iterator[FlatEvent]:
    """The events of a version (or those of `spans`) as flat rows, in id order: remembered,
    or parsed one at a time."""
    memo = memo or Memo(None)
    findex = vindex.files[table_mode(vindex)]
    with findex.file.path.open("rb") as handle:

        def parse(span: Span) -> dict[str, Any]:
            handle.seek(span.offset)
            return flatten(orjson.loads(handle.read(span.length))).to_json()

        for span in findex.spans.values() if spans is None else spans:
            yield FlatEvent.from_json(memo.value("flat", span.digest, partial(parse, span)))


def _csv_chunk(vindex: VersionIndex, memo: Memo, spans: list[Span]) -> bytes:
    return csv_rows(f.csv_row() for f in iter_flat(vindex, memo, spans))


def csv_rows(rows: Iterable[list[Any]]) -> bytes:
    """Rows as CSV (RFC 4180: comma, double quotes, CRLF), UTF-8."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerows(rows)
    return text.getvalue().encode()


def write_csv(vindex: VersionIndex, out: StagedOutput, memo: Memo | None = None) -> Dump:
    """The events of one version as CSV, with a header. Written CHUNK rows at a time, each
    chunk remembered in the memo by its records' digests (a row depends on its record only),
    so a rebuild formats only the rows of records that changed."""
    memo = memo or Memo(None)
    version = vindex.spec.version
    dump = Dump(f"{DUMPS_DIR}/{version}/{table_stem(vindex)}.csv", version, table_mode(vindex), "csv")
    spans = list(vindex.files[table_mode(vindex)].spans.values())
    with out.stream(dump.relpath) as raw:
        raw.write(csv_rows([[c.name for c in CSV_COLUMNS]]))
        for start in range(0, len(spans), CHUNK):
            chunk = spans[start : start + CHUNK]
            key = digest(b"csv", *(span.digest for span in chunk))
            raw.write(memo.blob("csv", key, partial(_csv_chunk, vindex, memo, chunk)))
    return dump
