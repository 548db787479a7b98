"""Property: whatever is done to a valid snapshot and to the command line, the build answers
with exit code 0, 1 or 2 and never a traceback; and when it fails, dist/ and content/ are
byte-identical to what they were (issue 18).

In-process (generator.cli.main) and bounded: a few dozen examples on the 2-event seed
snapshot, each on fresh copies of one content/ and one built dist/.
"""

import json
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import copy_seed_content, tree_digest

FILES = (
    "2.2.0/event.ndjson",
    "2.3.0/events.list.ndjson",
    "2.3.0/events.normal.ndjson",
    "2.3.0/events.detailed.ndjson",
)
FIELDS = (
    "id",
    "url",
    "name",
    "date",
    "last_updated",
    "slug",
    "type",
    "vid_urls",
    "response_mode",
    "duration",
    "location",
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2030-01-01T00:00:00Z", "=1+1", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def record_edits(draw: st.DrawFn) -> tuple[str, str, Any]:
    """(file, how, what): one change to one snapshot file."""
    file = draw(st.sampled_from(FILES + ("snapshot.json",)))
    how = draw(st.sampled_from(["set", "delete", "raw", "truncate", "duplicate", "empty"]))
    if how == "set":
        return file, how, (draw(st.sampled_from(FIELDS + ("as_of", "unknown_field"))), draw(json_values))
    if how == "delete":
        return file, how, draw(st.sampled_from(FIELDS + ("as_of",)))
    if how == "raw":
        return file, how, draw(st.binary(max_size=30))
    return file, how, None


def apply_edit(content: Path, edit: tuple[str, str, Any]) -> None:
    file, how, what = edit
    path = content / "snapshot" / file
    data = path.read_bytes()
    if how == "raw":
        path.write_bytes(what)
    elif how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "duplicate":
        path.write_bytes(data + data)
    elif how == "empty":
        path.write_bytes(b"")
    else:
        lines = data.splitlines() if file != "snapshot.json" else [data]
        try:
            record = orjson.loads(lines[0])
        except (IndexError, orjson.JSONDecodeError):
            return  # an earlier edit already broke this file
        if not isinstance(record, dict):
            return
        if how == "set":
            record[what[0]] = what[1]
        else:
            record.pop(what, None)
        try:
            lines[0] = orjson.dumps(record)
        except TypeError:  # an integer past 64 bits, which orjson does not write
            lines[0] = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        path.write_bytes(b"\n".join(lines) + b"\n")


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
options = st.fixed_dictionaries(
    {},
    optional={
        "--now": st.sampled_from(
            ["2030-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-13-01T00:00:00Z"]
        )
        | texts,
        "--max-bytes": st.sampled_from(["1K", "900M", "inf", "1e400", "-5", "0", "9" * 400]) | texts,
        "--max-files": st.sampled_from(["10", "20000", "nan", "1e3"]) | texts,
        "--precompute": st.sampled_from(
            [
                "/2.3.0/events/?type__ids=2,8&mode=list",
                "/2.3.0/events/?search=" + "a" * 300,
                "/2.3.0/events/?limit=" + "9" * 5000,
                "/2.2.0/events/",
            ]
        )
        | texts,
        "--base-url": st.sampled_from(["https://mirror.test/x", "javascript:alert(1)"]) | texts,
        "--cname": st.sampled_from(["events.example.org", "bad host"]) | texts,
        "--strict": st.just(None),
        "--clean": st.just(None),
    },
)
resolve_urls = (
    st.sampled_from(
        [
            "/2.3.0/events/-5/",
            "/2.3.0/events/1304/",
            "/2.3.0/events/?search=" + "b" * 300,
            "/2.3.0/events/" + "9" * 5000 + "/",
            "/2.2.0/event/?limit=abc",
        ]
    )
    | texts
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed content/ and its built dist/, copied by each example."""
    root = tmp_path_factory.mktemp("property-base")
    copy_seed_content(root / "content")
    assert main(["--content", str(root / "content"), "--dist", str(root / "dist"), "--jobs", "1"]) == 0
    return root


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(record_edits(), max_size=2), opts=options, resolve=st.none() | resolve_urls)
def test_no_input_gives_a_traceback_and_a_failure_changes_nothing(
    base: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    edits,
    opts,
    resolve,
) -> None:
    run_unchanged(base, tmp_path_factory, capsys, edits, opts, resolve)


@pytest.mark.parametrize(
    ("opts", "resolve"),
    [
        ({"--max-bytes": "1K"}, None),
        ({}, "/2.3.0/events/" + "9" * 5000 + "/"),
        ({"--now": "9999-99-99"}, None),
    ],
    ids=["budget-too-small", "id-of-5000-digits", "bad-now"],
)
def test_a_few_fixed_inputs_give_no_traceback_and_a_failure_changes_nothing(
    base: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], opts, resolve
) -> None:
    """The property's check on fixed inputs: the fast loop's test of this module."""
    run_unchanged(base, tmp_path_factory, capsys, [], opts, resolve)


def run_unchanged(base: Path, tmp_path_factory, capsys, edits, opts, resolve) -> None:
    """Build (or resolve) a copy of the base with `edits` and `opts`: exit 0, 1 or 2, never a
    traceback, and on failure content/ and dist/ as they were."""
    work = tmp_path_factory.mktemp("example")
    content, dist = work / "content", work / "dist"
    shutil.copytree(base / "content", content)
    shutil.copytree(base / "dist", dist)
    for edit in edits:
        apply_edit(content, edit)
    if resolve is not None:
        argv = ["resolve", resolve, "--dist", str(dist)]
    else:
        argv = ["--content", str(content), "--dist", str(dist), "--jobs", "1"]
        for name, value in opts.items():
            argv += [name] if value is None else [f"{name}={value}"]
    content_before, dist_before = tree_digest(content), tree_digest(dist)
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusing an option: exit 2 with its usage line
        code = exc.code
    _, err = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, err
    if code != 0:
        assert err.strip(), argv
        assert tree_digest(content) == content_before, argv
        assert tree_digest(dist) == dist_before, argv
    shutil.rmtree(work)
