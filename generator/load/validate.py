"""Validate every record of the snapshot before anything is written.

Reads each file once, line by line, validating the raw bytes with the model of its
version/mode (`model_validate_json`, pydantic's fast path). Keeps only what the writers need:
where each record's bytes are (offset, length) and, for one mode per version, its facets.
Every problem is collected (not only the first) and raised together as ValidationFailed.
Unknown fields are schema drift: a warning per field with its record count (an error with
`strict`), the record still published exactly as sent.
"""

import functools
import os
import pickle
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from mmap import mmap
from typing import TYPE_CHECKING, Any

import orjson

from generator.api.facets import Facets, facets_from_row, facets_of, facets_to_row
from generator.api.versions import VERSIONS, VersionSpec
from generator.common import DIGEST_SIZE, digest_of
from generator.errors import Problem, ValidationFailed
from generator.load.modecheck import check_modes
from generator.load.snapshot import Line, Snapshot, SnapshotFile, line_spans, mapped
from generator.output.parallel import Shares, both, can_fork, forked

if TYPE_CHECKING:  # pydantic and the models load with the first record validated
    from pydantic import BaseModel


@dataclass(frozen=True)
class Span:
    """Where one record's bytes are in its snapshot file."""

    line: int
    offset: int
    length: int
    digest: bytes  # of the line's bytes: what outputs built from it depend on


@dataclass
class FileIndex:
    """The validated records of one snapshot file: id -> span, in id order."""

    file: SnapshotFile
    spans: dict[int, Span] = field(default_factory=dict)

    @functools.cached_property
    def lengths(self) -> dict[int, int]:
        """id -> length of its record's bytes (read once every record has validated)."""
        return {event_id: span.length for event_id, span in self.spans.items()}


@dataclass
class VersionIndex:
    """One API version: its files by mode and the facets of each event."""

    spec: VersionSpec
    files: dict[str | None, FileIndex]
    facets: dict[int, Facets]


@dataclass(frozen=True)
class Drift:
    """An unknown field seen in `records` records of one file."""

    file: str
    field: str
    records: int

    def __str__(self) -> str:
        return (
            f"warning: schema drift in {self.file}: unknown field '{self.field}' "
            f"in {self.records} record(s) (published as sent)"
        )


@dataclass
class SnapshotIndex:
    """Everything the writers need from a validated snapshot."""

    snapshot: Snapshot
    versions: dict[str, VersionIndex]
    drift: list[Drift]
    #: Cache entries of every valid record: digest(model, line) hex -> [id, drift, facets row].
    validated: dict[str, Any] = field(default_factory=dict)


def field_path(loc: Sequence[int | str], *, indices: bool = True) -> str:
    """('vid_urls', 0, 'live') -> 'vid_urls[0].live' (or 'vid_urls[].live')."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]" if indices else "[]"
        else:
            out += f".{part}" if out else part
    return out or "(record)"


def _record_id(data: bytes) -> int | None:
    """The record's id if the line is a JSON object with an integer id, else None."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    record_id = value.get("id") if isinstance(value, dict) else None
    return record_id if type(record_id) is int else None


def _not_strict_json(data: bytes) -> str | None:
    """Why a line that pydantic's parser reads is not JSON (it accepts NaN, Infinity and
    -Infinity, which no JSON reader of the mirror's files does), else None. Only a line
    holding one of those words is parsed again."""
    if b"NaN" not in data and b"Infinity" not in data:
        return None
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return f"malformed JSON: {exc} (NaN and Infinity are not JSON values)"
    return None


def _record_id_lenient(data: bytes) -> int | None:
    """The id of a line that is not strict JSON, where pydantic's parser reads one."""
    import pydantic_core

    try:
        value = pydantic_core.from_json(data)
    except ValueError:
        return None
    record_id = value.get("id") if isinstance(value, dict) else None
    return record_id if type(record_id) is int else None


def _prune(value: Any, loc: Sequence[int | str]) -> None:
    """Delete the unknown field at `loc` from parsed JSON (to validate the rest of it)."""
    for part in loc[:-1]:
        value = value[part]
    del value[loc[-1]]


@dataclass
class _Checked:
    record_id: int | None
    model: "BaseModel | None"
    problems: list[Problem]
    drift: list[str]


def check_line(model: "type[BaseModel]", file: SnapshotFile, line: Line) -> _Checked:
    """Validate one line: its model (None on error), problems and drifted field paths."""
    from pydantic import ValidationError

    label = file.label
    not_json = _not_strict_json(line.data)
    if not_json:
        return _Checked(
            None, None, [Problem(label, line.number, _record_id_lenient(line.data), "(record)", not_json)], []
        )
    try:
        instance = model.model_validate_json(line.data)
        return _Checked(instance.id, instance, [], [])  # type: ignore[attr-defined]
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    record_id = _record_id(line.data)
    if errors and errors[0]["type"] == "json_invalid":
        message = f"malformed JSON: {errors[0]['ctx'].get('error', errors[0]['msg'])}"
        return _Checked(None, None, [Problem(label, line.number, None, "(record)", message)], [])
    problems: list[Problem] = []
    drift_locs: list[tuple[int | str, ...]] = []
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            drift_locs.append(loc)
        elif loc == ("response_mode",) and err["type"] == "literal_error":
            problems.append(
                Problem(
                    label,
                    line.number,
                    record_id,
                    "response_mode",
                    f"is {err['input']!r} but this file holds {file.mode!r} records",
                )
            )
        else:
            problems.append(Problem(label, line.number, record_id, field_path(loc), err["msg"]))
    drift = sorted({field_path(loc, indices=False) for loc in drift_locs})
    if problems:
        return _Checked(record_id, None, problems, drift)
    # Only drift: validate what is left, so the known fields still yield facets.
    value = orjson.loads(line.data)
    for loc in sorted(drift_locs, reverse=True):
        _prune(value, loc)
    return _Checked(record_id, model.model_validate_json(orjson.dumps(value)), [], drift)


#: The model of each version and mode by module and class name: what a validated record's cache
#: key names, known without importing pydantic (tests/test_validate.py holds it to EVENT_MODELS).
MODEL_NAMES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("2.2.0", None): ("generator.api.models.v2_2_0", "Event"),
    ("2.3.0", "list"): ("generator.api.models.v2_3_0", "EventList"),
    ("2.3.0", "normal"): ("generator.api.models.v2_3_0", "EventNormal"),
    ("2.3.0", "detailed"): ("generator.api.models.v2_3_0", "EventDetailed"),
}


@functools.cache
def _key_prefix(version: str, mode: str | None) -> str:
    module, name = MODEL_NAMES[(version, mode)]
    return f"{module}.{name}:"


def _cache_key(file: SnapshotFile, line_digest: bytes) -> str:
    """A record's key in the build cache: its model's name and the digest of its bytes (no
    hashing again: a rebuild looks up 6,000 of them while it reads)."""
    return _key_prefix(file.version, file.mode) + line_digest.hex()


@dataclass
class _Scanned:
    """One line of a snapshot file, read: where it is, and what validating it found (None
    until it is validated: a changed line a rebuild leaves to its other process)."""

    number: int
    offset: int
    length: int
    digest: bytes
    checked: _Checked | None = None
    facets: Facets | None = None

    def read(self, data: "mmap | bytes") -> bytes:
        """The line's bytes, out of its file's (mapped) bytes."""
        return data[self.offset : self.offset + self.length]


def _check(
    file: SnapshotFile, line: _Scanned, data: bytes, keep_facets: bool, validated: dict[str, Any]
) -> None:
    """Validate one line with its model (pydantic loads with the first); fill in `line`, and
    remember a valid record in `validated`."""
    from generator.api.models import EVENT_MODELS

    checked = check_line(EVENT_MODELS[(file.version, file.mode)], file, Line(line.number, line.offset, data))
    if not checked.problems and checked.model is not None:
        line.facets = facets_of(checked.model) if keep_facets else None
        row = None if line.facets is None else facets_to_row(line.facets)
        validated[_cache_key(file, line.digest)] = [checked.record_id, checked.drift, row]
    line.checked = _Checked(checked.record_id, None, checked.problems, checked.drift)  # no model kept


def _cached(
    file: SnapshotFile, line_digest: bytes, keep_facets: bool, validated_before: dict[str, Any]
) -> tuple[str, list[Any]] | None:
    """The cache key and entry of a line whose bytes validated with the same model before (its
    facets kept, where they are needed); None when there is none."""
    key = _cache_key(file, line_digest)
    entry = validated_before.get(key)
    return None if entry is None or (entry[2] is None and keep_facets) else (key, entry)


def _from_cache(
    file: SnapshotFile,
    line: _Scanned,
    keep_facets: bool,
    validated_before: dict[str, Any],
    validated: dict[str, Any],
) -> bool:
    """Fill in `line` from `validated_before` when the same bytes validated with the same model
    before (and its facets were kept, where they are needed); False when they did not."""
    found = _cached(file, line.digest, keep_facets, validated_before)
    if found is None:
        return False
    key, entry = found
    validated[key] = entry
    line.checked = _Checked(entry[0], None, [], entry[1])
    line.facets = facets_from_row(entry[2]) if keep_facets else None
    return True


def scan_file(
    file: SnapshotFile,
    keep_facets: bool,
    validated_before: dict[str, Any],
    validated: dict[str, Any],
    leave_changed: bool = False,
) -> list[_Scanned]:
    """Every line of one file, validated, or taken from `validated_before` when the same
    bytes validated with the same model before; with `leave_changed`, a changed line is left
    unvalidated (for `resolve` or another process)."""
    lines = []
    for scanned, data in _scan_lines(file):
        cached = _from_cache(file, scanned, keep_facets, validated_before, validated)
        if not cached and not leave_changed:
            _check(file, scanned, scanned.read(data), keep_facets, validated)
        lines.append(scanned)
    return lines


def _scan_lines(file: SnapshotFile) -> Iterator[tuple[_Scanned, "mmap | bytes"]]:
    """Each line of a snapshot file, located and hashed where it lies in the mapped file
    (nothing copied), with the mapped file (`_Scanned.read` copies a line out of it)."""
    with mapped(file.path) as data, memoryview(data) as whole:
        for number, start, end in line_spans(data):
            with whole[start:end] as line:
                line_digest = digest_of(line)
            yield _Scanned(number, start, end - start, line_digest), data


@dataclass
class _Packed:
    """One file's lines as a second process sends them back: columns, and only what the cache
    does not say (pickling 6,000 lines as objects cost more than reading the files)."""

    numbers: "array[int]"
    offsets: "array[int]"
    lengths: "array[int]"
    digests: bytes  # DIGEST_SIZE bytes a line
    #: position -> what validating found and the facets' row, for the lines validated there
    checked: dict[int, tuple[_Checked, list[Any] | None]]


def pack_file(
    file: SnapshotFile,
    keep_facets: bool,
    validated_before: dict[str, Any],
    validated: dict[str, Any],
) -> _Packed:
    """`scan_file` for a second process: the lines the cache knows are only located (the first
    process reads them from the same cache), a changed line is validated there."""
    packed = _Packed(array("q"), array("q"), array("q"), b"", {})
    digests = []
    for position, (scanned, data) in enumerate(_scan_lines(file)):
        packed.numbers.append(scanned.number)
        packed.offsets.append(scanned.offset)
        packed.lengths.append(scanned.length)
        digests.append(scanned.digest)
        if _cached(file, scanned.digest, keep_facets, validated_before) is not None:
            continue
        _check(file, scanned, scanned.read(data), keep_facets, validated)
        assert scanned.checked is not None
        packed.checked[position] = (
            scanned.checked,
            None if scanned.facets is None else facets_to_row(scanned.facets),
        )
    packed.digests = b"".join(digests)
    return packed


def unpack_file(
    file: SnapshotFile,
    packed: _Packed,
    keep_facets: bool,
    validated_before: dict[str, Any],
    validated: dict[str, Any],
) -> list[_Scanned]:
    """The lines of `pack_file`'s columns, filled in from what was validated there and from the
    cache (the same test decided there which lines the cache knows)."""
    lines = []
    size = DIGEST_SIZE
    columns = zip(packed.numbers, packed.offsets, packed.lengths, strict=True)
    for position, (number, offset, length) in enumerate(columns):
        line = _Scanned(number, offset, length, packed.digests[position * size : (position + 1) * size])
        found = packed.checked.get(position)
        if found is not None:
            line.checked, row = found
            line.facets = None if row is None else facets_from_row(row)
        else:
            _from_cache(file, line, keep_facets, validated_before, validated)
        lines.append(line)
    return lines


def resolve(file: SnapshotFile, lines: list[_Scanned], keep_facets: bool, validated: dict[str, Any]) -> None:
    """Validate the lines a scan left unvalidated (`leave_changed`), read again by their offsets."""
    pending = [line for line in lines if line.checked is None]
    if not pending:
        return
    with file.path.open("rb") as handle:
        for line in pending:
            _check(file, line, os.pread(handle.fileno(), line.length, line.offset), keep_facets, validated)


def index_file(
    file: SnapshotFile, lines: list[_Scanned], problems: list[Problem], drift: Counter[tuple[str, str]]
) -> tuple[FileIndex, dict[int, Facets]]:
    """The index of one file from its validated lines, in order: their problems and drift
    collected, duplicate and out-of-order ids reported."""
    index = FileIndex(file)
    facets: dict[int, Facets] = {}
    previous_id: int | None = None
    for line in lines:
        checked = line.checked
        assert checked is not None  # every line is validated before it is indexed
        problems.extend(checked.problems)
        for path in checked.drift:
            drift[(file.label, path)] += 1
        record_id = checked.record_id
        if record_id is None:
            continue
        if record_id in index.spans:
            first = index.spans[record_id].line
            problems.append(
                Problem(file.label, line.number, record_id, "id", f"duplicate id (first on line {first})")
            )
            continue
        if previous_id is not None and record_id < previous_id:
            problems.append(
                Problem(
                    file.label,
                    line.number,
                    record_id,
                    "id",
                    f"out of order after id {previous_id} (snapshot files are sorted by id)",
                )
            )
        previous_id = record_id if previous_id is None else max(previous_id, record_id)
        index.spans[record_id] = Span(line.number, line.offset, line.length, line.digest)
        if line.facets is not None:
            facets[record_id] = line.facets
    return index, facets


def _cross_check(files: Iterable[FileIndex], reference: FileIndex, problems: list[Problem]) -> None:
    """Every mode of a version must hold the same events as its reference mode."""
    for other in files:
        if other is reference:
            continue
        for missing_from, present_in in ((other, reference), (reference, other)):
            for record_id in sorted(present_in.spans.keys() - missing_from.spans.keys()):
                problems.append(
                    Problem(
                        present_in.file.label,
                        present_in.spans[record_id].line,
                        record_id,
                        "id",
                        f"missing from {missing_from.file.label}",
                    )
                )


@dataclass
class _Checks:
    """What reading some of the snapshot's files found (a second process sends `_Packed`)."""

    files: dict[SnapshotFile, list[_Scanned] | _Packed] = field(default_factory=dict)
    validated: dict[str, Any] = field(default_factory=dict)


def _keeps_facets(file: SnapshotFile) -> bool:
    """Whether a file's records give their version's facets (the version's facet mode)."""
    return file.mode == VERSIONS[file.version].facet_mode


#: Changed lines a rebuild's reading process sends the other one all of; past it (more like a
#: full build) each process validates half.
SENT_AT_MOST = 200


def _scan_files(
    files: Iterable[SnapshotFile],
    validated_before: dict[str, Any] | None,
    *,
    leave_changed: bool = False,
    packed: bool = False,
) -> _Checks:
    checks = _Checks()
    before = validated_before or {}
    for file in files:
        keep = _keeps_facets(file)
        if packed:
            checks.files[file] = pack_file(file, keep, before, checks.validated)
        else:
            checks.files[file] = scan_file(file, keep, before, checks.validated, leave_changed)
    return checks


#: A line left unvalidated, as sent to the process that validates it.
_Pending = tuple[SnapshotFile, _Scanned]


def _validate_pending(pending: list[_Pending], validated: dict[str, Any]) -> None:
    """Validate lines left unvalidated (read again by their offsets), file by file."""
    by_file: dict[SnapshotFile, list[_Scanned]] = {}
    for file, line in pending:
        by_file.setdefault(file, []).append(line)
    for file, lines in by_file.items():
        resolve(file, lines, _keeps_facets(file), validated)


#: What validating a sent line found: its `_Scanned.checked` and `.facets`.
_Found = tuple[_Checked | None, Facets | None]


def _validate_sent(ask: int, asking: int) -> tuple[list[_Found], dict[str, Any]]:
    """The forked side of `_read_for_rebuild`: load pydantic and the models while the first
    process reads, then validate the lines it sends (to the end of the pipe `ask`)."""
    os.close(asking)  # the pipe ends when the first process has sent
    import generator.api.models  # noqa: F401

    with os.fdopen(ask, "rb") as handle:
        sent = handle.read()
    pending: list[_Pending] = pickle.loads(sent) if sent else []
    validated: dict[str, Any] = {}
    _validate_pending(pending, validated)
    return [(line.checked, line.facets) for _, line in pending], validated


def _read_for_rebuild(
    files: list[SnapshotFile], validated_before: dict[str, Any], meanwhile: Callable[[], None] | None
) -> _Checks:
    """A rebuild's reading: this process reads every file, each line that validated before
    taken from the cache, while a forked one loads pydantic and the models (0.1 s); the
    changed lines go to that one to validate (past SENT_AT_MOST, half of them), so that this
    process, which writes the build, never loads them for a few dozen lines."""
    ask, asking = os.pipe()
    with forked(lambda: _validate_sent(ask, asking)) as join:
        os.close(ask)
        with os.fdopen(asking, "wb") as handle:
            checks = _scan_files(files, validated_before, leave_changed=True)
            pending = [
                (file, line)
                for file, lines in checks.files.items()
                for line in lines  # type: ignore[union-attr]  # scan_file's: not packed
                if line.checked is None
            ]
            sent = pending if len(pending) <= SENT_AT_MOST else pending[len(pending) // 2 :]
            handle.write(pickle.dumps(sent))
        if meanwhile is not None:  # while the lines sent are validated
            meanwhile()
        _validate_pending(pending[: len(pending) - len(sent)], checks.validated)
        found, validated = join()
    for (_, line), (checked, facets) in zip(sent, found, strict=True):
        line.checked, line.facets = checked, facets
    checks.validated.update(validated)
    return checks


def validate_snapshot(
    snapshot: Snapshot,
    *,
    strict: bool = False,
    validated_before: dict[str, Any] | None = None,
    parallel: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> SnapshotIndex:
    """Validate every file; raise ValidationFailed listing every problem, else index it all.

    `validated_before` holds the cache entries of records validated by an earlier build (see
    incremental/cache.py).
    With `parallel`, a forked process works too, and `meanwhile` runs here (work the build
    needs next, such as loading the stages). In a full build that process reads files, each
    file read by whichever process is free (largest first; this one once `meanwhile` has run);
    in a rebuild it validates the changed lines this one finds and sends it, while this one
    runs `meanwhile` (`_read_for_rebuild`).
    """
    largest_first = sorted(
        (f for f in snapshot.files if f.version in VERSIONS),
        key=lambda f: f.path.stat().st_size,
        reverse=True,
    )
    if validated_before and parallel and can_fork():
        here, there = _read_for_rebuild(largest_first, validated_before, meanwhile), _Checks()
    else:
        here, there = _read_in_shares(largest_first, validated_before, parallel, meanwhile)
    validated = {**here.validated, **there.validated}
    problems: list[Problem] = []
    drift_counts: Counter[tuple[str, str]] = Counter()
    checked: dict[SnapshotFile, tuple[FileIndex, dict[int, Facets]]] = {}
    for file, read in {**here.files, **there.files}.items():
        keep = _keeps_facets(file)
        if isinstance(read, _Packed):
            lines = unpack_file(file, read, keep, validated_before or {}, validated)
        else:
            lines = read  # every line validated: a rebuild's changed ones by `_read_for_rebuild`
        checked[file] = index_file(file, lines, problems, drift_counts)
    versions: dict[str, VersionIndex] = {}
    for version, spec in VERSIONS.items():
        files: dict[str | None, FileIndex] = {}
        facets: dict[int, Facets] = {}
        for file in (f for f in snapshot.files if f.version == version):
            files[file.mode], found = checked[file]
            if file.mode == spec.facet_mode:
                facets = found
        _cross_check(files.values(), files[spec.facet_mode], problems)
        failed = {(p.file, p.line) for p in problems}  # records already reported are not compared
        problems.extend(check_modes(files, validated_before or {}, validated, failed))
        versions[version] = VersionIndex(spec, files, facets)
    drift = [Drift(file, path, count) for (file, path), count in sorted(drift_counts.items())]
    if strict:
        problems.extend(
            Problem(d.file, 0, None, d.field, f"unknown field in {d.records} record(s) (--strict)")
            for d in drift
        )
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.file, p.line)))
    return SnapshotIndex(snapshot, versions, drift, validated)


def _read_in_shares(
    files: list[SnapshotFile],
    validated_before: dict[str, Any] | None,
    parallel: bool,
    meanwhile: Callable[[], None] | None,
) -> tuple[_Checks, _Checks]:
    """Every file read and validated by whichever process is free (this one once `meanwhile`
    has run; a forked one sends its lines packed), or all here."""
    shares = Shares(len(files))

    def taken() -> Iterator[SnapshotFile]:
        return (files[unit] for unit in shares.take())

    def here_part() -> _Checks:
        if meanwhile is not None:
            meanwhile()
        return _scan_files(taken(), validated_before)

    def their_part(in_child: bool) -> _Checks:
        return _scan_files(taken(), validated_before, packed=in_child)

    with shares:
        return both(here_part, their_part, parallel)
