"""Validate every record of the snapshot before anything is written.

Reads each file once, line by line, validating the raw bytes with the model of its
version/mode (`model_validate_json`, pydantic's fast path). Keeps only what the writers need:
where each record's bytes are (offset, length) and, for one mode per version, its facets.
Every problem is collected (not only the first) and raised together as ValidationFailed.
Unknown fields are schema drift: a warning per field with its record count (an error with
`strict`), the record still published exactly as sent.
"""

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from generator.api.facets import Facets, facets_from_row, facets_of, facets_to_row
from generator.api.versions import VERSIONS, VersionSpec
from generator.common import digest
from generator.errors import Problem, ValidationFailed
from generator.load.modecheck import check_modes
from generator.load.snapshot import Line, Snapshot, SnapshotFile, iter_lines
from generator.output.parallel import both, halves

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


def _check_cached(
    model: "type[BaseModel]",
    file: SnapshotFile,
    line: Line,
    line_digest: bytes,
    keep_facets: bool,
    validated_before: dict[str, Any],
    validated: dict[str, Any],
) -> tuple[_Checked, Facets | None]:
    """check_line, skipped for a line that validated before (same model, same bytes)."""
    key = digest(model.__module__.encode(), model.__qualname__.encode(), line_digest).hex()
    entry = validated_before.get(key)
    if entry is not None and (entry[2] is not None or not keep_facets):
        validated[key] = entry
        facets = facets_from_row(entry[2]) if keep_facets else None
        return _Checked(entry[0], None, [], entry[1]), facets
    checked = check_line(model, file, line)
    facets = None
    if not checked.problems and checked.model is not None:
        facets = facets_of(checked.model) if keep_facets else None
        validated[key] = [checked.record_id, checked.drift, None if facets is None else facets_to_row(facets)]
    return checked, facets


def validate_file(
    file: SnapshotFile,
    problems: list[Problem],
    drift: Counter[tuple[str, str]],
    keep_facets: bool,
    validated_before: dict[str, Any] | None = None,
    validated: dict[str, Any] | None = None,
) -> tuple[FileIndex, dict[int, Facets]]:
    """Validate one snapshot file; append its problems, count its drift, return its index."""
    from generator.api.models import EVENT_MODELS

    model = EVENT_MODELS[(file.version, file.mode)]
    index = FileIndex(file)
    facets: dict[int, Facets] = {}
    previous_id: int | None = None
    validated_before = {} if validated_before is None else validated_before
    validated = {} if validated is None else validated
    for line in iter_lines(file.path):
        line_digest = digest(line.data)
        checked, line_facets = _check_cached(
            model, file, line, line_digest, keep_facets, validated_before, validated
        )
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
        index.spans[record_id] = Span(line.number, line.offset, len(line.data), line_digest)
        if line_facets is not None:
            facets[record_id] = line_facets
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
    """What validating some of the snapshot's files found (sent back by a second process)."""

    files: dict[SnapshotFile, tuple[FileIndex, dict[int, Facets]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    drift: Counter[tuple[str, str]] = field(default_factory=Counter)
    validated: dict[str, Any] = field(default_factory=dict)


def _validate_files(files: list[SnapshotFile], validated_before: dict[str, Any] | None) -> _Checks:
    checks = _Checks()
    for file in files:
        keep = file.mode == VERSIONS[file.version].facet_mode
        checks.files[file] = validate_file(
            file, checks.problems, checks.drift, keep, validated_before, checks.validated
        )
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
    With `parallel`, half of the files (by bytes) are validated by a forked process, and
    `meanwhile` runs here before this process's half (work the build needs next).
    """
    # Two groups of files of about equal bytes, largest first.
    sizes = {f: f.path.stat().st_size for f in snapshot.files if f.version in VERSIONS}
    mine, theirs = halves(sorted(sizes, key=sizes.__getitem__, reverse=True), sizes.__getitem__)

    def here_part() -> _Checks:
        if meanwhile is not None:
            meanwhile()
        return _validate_files(mine, validated_before)

    here, there = both(here_part, lambda _: _validate_files(theirs, validated_before), parallel)
    checked = {**here.files, **there.files}
    problems = here.problems + there.problems
    drift_counts = here.drift + there.drift
    validated = {**here.validated, **there.validated}
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
