"""The breaks a hostile-input and fault probe found (issue 18), each tried from the user's
side: the command, its exit code and message, and dist/ and content/ hashed before and after."""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

import generator.load.modecheck as modecheck
from tests.conftest import ROOT, copy_seed_content, edit_event, edit_line, tree_digest

PYTHON = sys.executable


def build_cmd(content: Path, dist: Path, *options: str) -> list[str]:
    return [PYTHON, str(ROOT / "build.py"), "--content", str(content), "--dist", str(dist), *options]


def manifest_complete(dist: Path) -> int:
    """Assert every file dist/manifest.json lists is there with its sha256; return how many."""
    import hashlib

    manifest = orjson.loads((dist / "manifest.json").read_bytes())
    for entry in manifest["entries"]:
        data = (dist / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["bytes"], entry["path"]
    return len(manifest["entries"])


# -- 1. two builds at once into one dist/ ---------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys, time
from pathlib import Path
path = Path(sys.argv[1]); path.parent.mkdir(parents=True, exist_ok=True)
fd = os.open(path, os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0); os.write(fd, f"{os.getpid()}\\n".encode())
staging = Path(sys.argv[2]); (staging / "2.3.0").mkdir(parents=True)
(staging / "2.3.0" / "half.json").write_bytes(b"{}")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_build_stops_while_another_holds_dist(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    before, content_before = tree_digest(dist), tree_digest(seed_content)
    holder = subprocess.Popen(
        [
            PYTHON,
            "-c",
            HOLD_LOCK,
            str(tmp_path / ".dist.cache" / "build.lock"),
            str(tmp_path / ".dist.staging-1"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        code, out, err = build_runner(
            "--content", str(seed_content), "--dist", str(dist), "--now", "2030-01-01T00:00:00Z"
        )
        assert code == 1 and out == ""
        assert (
            err == f"Error: another build (pid {holder.pid}) is writing {dist}/; wait for it to finish, then "
            "run again\n"
        )
        assert (
            tmp_path / ".dist.staging-1" / "2.3.0" / "half.json"
        ).read_bytes() == b"{}"  # its staging untouched
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    assert tree_digest(dist) == before and tree_digest(seed_content) == content_before
    # The lock dies with its holder: the next build runs, and clears the dead build's staging.
    assert (
        build_runner("--content", str(seed_content), "--dist", str(dist), "--now", "2030-01-01T00:00:00Z")[0]
        == 0
    )
    assert not (tmp_path / ".dist.staging-1").exists()


def test_two_builds_started_together_leave_one_complete_build(corpus_content: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(build_cmd(corpus_content, dist), check=True, capture_output=True)
    good = subprocess.Popen(
        build_cmd(corpus_content, dist, "--now", "2030-01-01T00:00:00Z", "--clean"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    bad = subprocess.Popen(
        build_cmd(corpus_content, dist, "--max-bytes", "200K", "--clean"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    good_out, good_err = good.communicate(timeout=300)
    bad_out, bad_err = bad.communicate(timeout=300)
    assert bad.returncode == 1, bad_err
    assert bad_err.startswith(("Error: the core site", "Error: another build (pid ")), bad_err
    assert good.returncode in (0, 1), good_err
    if good.returncode == 1:
        assert good_err.startswith("Error: another build (pid "), good_err
    else:
        files = sum(1 for p in dist.rglob("*") if p.is_file())
        reported = int(re.search(r": (\d+) files \(", good_out).group(1))  # type: ignore[union-attr]
        assert files >= reported, (files, good_out)  # the tally counts the site's files, not the host rules
        assert orjson.loads((dist / "manifest.json").read_bytes())["now"] == "2030-01-01T00:00:00Z"
    assert manifest_complete(dist) > 100
    assert (dist / "index.html").is_file() and (dist / "2.3.0" / "events" / "index.json").is_file()
    assert [
        p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.") and p.name != ".dist.cache"
    ] == []


# -- 2. --dist is checked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "why"),
    [
        ("content", "refusing to replace a folder that is or holds the content folder"),
        ("root", "refusing to replace a folder that is or holds the content folder"),
        ("snapshot", "refusing to replace a non-empty folder that no build wrote"),  # inside content/
        ("templates", "refusing to replace a folder that is or holds the templates folder"),
        ("project", "refusing to replace a folder that is or holds the templates folder"),
        ("above", "refusing to replace a folder that is or holds the templates folder"),
        ("cwd", "refusing to replace the working folder or a folder above it"),
        ("foreign", "refusing to replace a non-empty folder that no build wrote (it has no manifest.json)"),
        ("file", "is a file, not a folder"),
    ],
)
def test_a_dist_that_must_not_be_replaced_is_refused(
    where: str, why: str, seed_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "thesis.tex").write_text("years of work")
    (tmp_path / "a-file").write_text("x")
    monkeypatch.chdir(work)
    dist = {
        "content": seed_content,
        "root": tmp_path,
        "snapshot": seed_content / "snapshot",
        "templates": ROOT / "templates",
        "project": ROOT,
        "above": ROOT.parent,
        "cwd": work,
        "foreign": tmp_path / "foreign",
        "file": tmp_path / "a-file",
    }[where]
    if where in ("project", "above") and seed_content.is_relative_to(dist):
        # the project lies in the temp folder (a clone in /tmp): its parent holds the content too
        why = "refusing to replace a folder that is or holds the content folder"
    watched = {"content": seed_content, "foreign": tmp_path / "foreign", "work": work}
    before = {name: tree_digest(folder) for name, folder in watched.items()}
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    assert code == 2 and out == "", err
    assert err.startswith(f"Error: --dist {dist}: ") and why in err and err.count("\n") == 1, err
    assert {name: tree_digest(folder) for name, folder in watched.items()} == before
    assert (tmp_path / "a-file").read_text() == "x"
    assert not list(tmp_path.glob(".*.staging-*")) and not list(ROOT.parent.glob(".*.staging-*"))


def test_a_dist_written_by_a_build_is_replaced_and_an_empty_one_filled(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0  # empty: fine
    assert (
        build_runner(
            "--content", str(seed_content), "--dist", str(dist), "--clean", "--now", "2030-01-01T00:00:00Z"
        )[0]
        == 0
    )
    assert orjson.loads((dist / "manifest.json").read_bytes())["now"] == "2030-01-01T00:00:00Z"


def test_a_file_no_build_wrote_stops_a_build_that_would_replace_dist_whole(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    (dist / "notes").mkdir()
    (dist / "notes" / "mine.txt").write_text("not the build's")
    # An incremental build patches dist/ and leaves the file alone...
    assert (
        build_runner("--content", str(seed_content), "--dist", str(dist), "--now", "2030-01-01T00:00:00Z")[0]
        == 0
    )
    assert (dist / "notes" / "mine.txt").read_text() == "not the build's"
    # ...a clean build would replace dist/ whole: it stops first.
    before = tree_digest(dist)
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist), "--clean")
    assert (code, out) == (2, "")
    assert err == (
        f"Error: --dist {dist}: notes/mine.txt was not written by a build, and this build would "
        "replace the folder whole; move it out of the folder first\n"
    )
    assert tree_digest(dist) == before


# -- 3. killed between the swap's two renames --------------------------------------------------

KILL_IN_SWAP = """
import os, sys
sys.path.insert(0, sys.argv[1])
import generator.output.staging as output
real = os.rename
def rename(src, dst):
    real(src, dst)
    if ".dist.old-" in str(dst):
        os._exit(137)  # killed right after dist/ was moved aside
output.os.rename = rename
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_build_killed_between_the_swap_renames_loses_nothing(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    before = tree_digest(dist)
    killed = subprocess.run(
        [
            PYTHON,
            "-c",
            KILL_IN_SWAP,
            str(ROOT),
            "--content",
            str(seed_content),
            "--dist",
            str(dist),
            "--clean",
            "--now",
            "2030-01-01T00:00:00Z",
        ],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 137 and not dist.exists()
    assert [p.name for p in tmp_path.glob(".dist.old-*")] == [f".dist.old-{killed_pid(tmp_path)}"]
    # The next run, even one that fails, puts the last complete build back first.
    (seed_content / "snapshot" / "2.2.0" / "event.ndjson").write_bytes(b"{not json\n")
    code, _, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    assert code == 1 and "malformed JSON" in err
    assert tree_digest(dist) == before and not list(tmp_path.glob(".dist.old-*"))


def killed_pid(folder: Path) -> str:
    return next(folder.glob(".dist.old-*")).name.rsplit("-", 1)[1]


# -- 4. modes that disagree ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "edit", "field", "message"),
    [
        (
            "list",
            lambda r: r.update(name="Another Event", date="2030-01-01T00:00:00Z"),
            "name",
            'is "Another Event" but "Soyuz MS-27 Farewell Ceremony & Hatch Closing" in the detailed record',
        ),
        (
            "normal",
            lambda r: r["type"].update(id=99),
            "type.id",
            "is 99 but 17 in the detailed record",
        ),  # the seed's type
        (
            "normal",
            lambda r: r.update(updates=r.pop("updates")),  # order swapped
            "last_updated",
            "field 16 is 'last_updated', the detailed record's is 'updates'",
        ),
        (
            "list",
            lambda r: r.update(duration=None if r["duration"] else "PT1H"),
            "duration",
            "in the detailed record",
        ),
    ],
)
def test_a_list_or_normal_record_that_disagrees_with_its_detailed_record_is_refused(
    mode: str, edit, field: str, message: str, seed_content: Path, tmp_path: Path, build_runner, monkeypatch
) -> None:
    monkeypatch.chdir(seed_content.parent)
    dist = tmp_path / "dist"
    assert build_runner("--content", "content", "--dist", str(dist))[0] == 0
    edit_line(seed_content / "snapshot" / "2.3.0" / f"events.{mode}.ndjson", 1304, edit)
    before, content_before = tree_digest(dist), tree_digest(seed_content)
    code, out, err = build_runner("--content", "content", "--dist", str(dist))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "Error: 1 problem(s) in the snapshot; nothing was written:"
    assert lines[1].startswith(f"content/snapshot/2.3.0/events.{mode}.ndjson:1: event 1304: {field}: "), lines
    assert message in lines[1] and "(content/snapshot/2.3.0/events.detailed.ndjson line 1)" in lines[1], lines
    assert len(lines) == 2
    assert tree_digest(dist) == before and tree_digest(seed_content) == content_before


def test_records_that_agree_are_compared_once(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(corpus_content, content)
    compared: list[bytes] = []
    real = modecheck.disagreement
    monkeypatch.setattr(
        modecheck, "disagreement", lambda record, full: compared.append(record) or real(record, full)
    )
    assert build_runner("--content", str(content), "--dist", str(tmp_path / "dist"))[0] == 0
    assert len(compared) == 2 * 57  # list and normal of every event
    compared.clear()
    sixth = orjson.loads((content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()[5])[
        "id"
    ]
    edit_event(content, sixth, lambda r: r.update(name="Renamed"))  # in every mode, by the spec
    assert build_runner("--content", str(content), "--dist", str(tmp_path / "dist"))[0] == 0
    assert [orjson.loads(r)["name"] for r in compared] == ["Renamed", "Renamed"]  # the changed event only


# -- 5. CSV formula injection ----------------------------------------------------------------

FORMULAS = {
    "name": '=HYPERLINK("https://evil.test","x")',
    "description": "+cmd|' /C calc'!A0",
    "location": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_csv_cells_that_start_a_formula_are_guarded_in_the_csv_only(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    import csv
    import sqlite3

    def hostile(record: dict) -> None:
        record.update(FORMULAS)
        record["slug"] = "-1+1"
        record["vid_urls"][0]["url"] = "\tjavascript" if record.get("response_mode") else "\rhttps://x.test"

    edit_event(seed_content, 1304, hostile)
    edit_event(seed_content, 1185, hostile)
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    for version, stem, mode in (("2.3.0", "events", "detailed"), ("2.2.0", "event", None)):
        with (dist / "dumps" / version / f"{stem}.csv").open(encoding="utf-8", newline="") as handle:
            row = next(csv.DictReader(handle))
        for column, value in FORMULAS.items():
            assert row[column] == "'" + value, (version, column, row[column])
        assert row["slug"] == "'-1+1"
        assert row["video_urls"][:2] in ("'\t", "'\r")
        assert row["id"] == ("1304" if version == "2.3.0" else "1185")
        ndjson = (
            dist / "dumps" / version / (f"{stem}.{mode}.ndjson" if mode else f"{stem}.ndjson")
        ).read_bytes()
        record = orjson.loads(ndjson.splitlines()[0])
        assert {k: record[k] for k in FORMULAS} == FORMULAS and record["slug"] == "-1+1"
        with sqlite3.connect(dist / "dumps" / version / f"{stem}.sqlite") as db:
            assert db.execute("SELECT name, slug FROM events").fetchall() == [(FORMULAS["name"], "-1+1")]
        db.close()
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    csv_resource = next(r for r in package["resources"] if r["format"] == "csv")
    assert "has a ' put before it, so that no spreadsheet runs it as a formula" in csv_resource["description"]
    pages = [
        p
        for p in dist.glob("*/index.html")
        if "OWASP advises against CSV injection" in p.read_text(encoding="utf-8")
    ]
    assert [p.parent.name for p in pages] == ["using-the-mirror"]


# -- 6. ids outside 1..2^63-1 ------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", [0, -5, 2**63])
def test_an_event_id_outside_1_to_2_63_is_a_validation_error(
    bad_id: int, seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    path = seed_content / "snapshot" / "2.2.0" / "event.ndjson"
    path.write_bytes(path.read_bytes().replace(b'{"id":1185,', b'{"id":%d,' % bad_id, 1))
    before, content_before = tree_digest(dist), tree_digest(seed_content)
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    bound = "greater than or equal to 1" if bad_id < 1 else "less than or equal to 9223372036854775807"
    assert code == 1 and out == ""
    assert err.splitlines()[1:] == [f"{path}:1: event {bad_id}: id: Input should be {bound}"], err
    assert tree_digest(dist) == before and tree_digest(seed_content) == content_before


def test_an_id_too_large_for_sqlite_anywhere_in_a_record_is_a_validation_error(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    edit_event(seed_content, 1304, lambda r: r["type"].update(id=2**63))
    code, _, err = build_runner("--content", str(seed_content), "--dist", str(tmp_path / "dist"))
    assert (
        code == 1 and "event 1304: type.id: Input should be less than or equal to 9223372036854775807" in err
    )
    assert not (tmp_path / "dist").exists()


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, dist) of the seed snapshot built once: the tests below refuse an input and
    check, each for itself, that neither folder changed."""
    from generator.cli import main

    root = tmp_path_factory.mktemp("seed-build")
    content, dist = copy_seed_content(root / "content"), root / "dist"
    assert main(["--content", str(content), "--dist", str(dist)]) == 0
    return content, dist


@pytest.mark.parametrize(
    "path",
    ["/2.3.0/events/-5/", "/2.3.0/events/0/", "/2.3.0/events/9223372036854775808/", "/2.2.0/event/-1185/"],
)
def test_resolve_refuses_an_event_id_outside_1_to_2_63(
    path: str, seed_build: tuple[Path, Path], build_runner
) -> None:
    _, dist = seed_build
    code, out, err = build_runner("resolve", path, "--dist", str(dist))
    assert (code, out) == (2, "")
    assert err == f"Error: {path!r}: an event id is a whole number from 1 to 9223372036854775807\n"


# -- 7. one Error: line, never a traceback -------------------------------------------------------

BIG = "9" * 5000  # over Python's 4,300-digit limit for int()
LONG = "a" * 300  # a folder name over the 255 bytes file systems allow


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--now", "0001-01-01T00:00:00Z"],
            2,
            "argument --now: '0001-01-01T00:00:00Z' is outside the years 1000 to 9998",
        ),
        (
            ["--now", "9999-12-31T23:59:59Z"],
            2,
            "argument --now: '9999-12-31T23:59:59Z' is outside the years 1000 to 9998",
        ),
        (
            ["--max-bytes", "inf"],
            2,
            "argument --max-bytes: 'inf' is not a size such as 900000000, 900M or 1G",
        ),
        (["--max-bytes", "1e400"], 2, "argument --max-bytes: '1e400' is not a size"),
        (["--max-files", BIG], 2, "argument --max-files: '99999999999999999999"),
        (
            ["--precompute", f"/2.3.0/events/?search={LONG}"],
            2,
            "Error: search=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: the mirror's folder for this value "
            "would be named by 307 bytes",
        ),
        (
            ["--precompute", f"/2.3.0/events/?type__ids={BIG}"],
            2,
            "Error: LL2 answers 400 Bad Request: type__ids: '999",
        ),
        (
            ["resolve", f"/2.3.0/events/?search={LONG}"],
            2,
            "over the 255 file systems allow; no file can answer it",
        ),
        (["resolve", f"/2.3.0/events/{BIG}/"], 2, "an event id is a whole number from 1 to"),
        (["resolve", f"/2.3.0/events/?id={BIG}"], 2, "Error: LL2 answers 400 Bad Request: id: '999"),
    ],
)
def test_hostile_options_get_one_error_line(
    args: list[str], code: int, message: str, seed_build: tuple[Path, Path], capsys
) -> None:
    from generator.cli import main

    seed_content, dist = seed_build
    before, content_before = tree_digest(dist), tree_digest(seed_content)
    if args[0] == "resolve":
        args = [*args, "--dist", str(dist)]
    else:
        args = ["--content", str(seed_content), "--dist", str(dist), *args]
    try:
        got = main(args)
    except SystemExit as exc:  # argparse: usage line and one error line
        got = exc.code
    out, err = capsys.readouterr()
    assert got == code and out == ""
    lines = err.splitlines()
    assert "Traceback" not in err and message in lines[-1], err
    assert len(lines[-1]) < 400, lines[-1]  # a 5,000-digit value is cut short in the message
    assert lines[-1].startswith(("Error: ", "build.py: error: ")) and all(
        line.startswith(("usage:", " ")) for line in lines[:-1]
    ), err
    assert tree_digest(dist) == before and tree_digest(seed_content) == content_before


def _edit_metadata(content: Path, **changes: object) -> None:
    path = content / "snapshot" / "snapshot.json"
    path.write_bytes(orjson.dumps(orjson.loads(path.read_bytes()) | changes))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: _edit_metadata(c, as_of=1733000000),
            "'as_of' is not an ISO 8601 UTC time: 1733000000 is not a JSON string",
        ),
        (lambda c: _edit_metadata(c, as_of="0001-01-01T00:00:00Z"), "is outside the years 1000 to 9998"),
        (
            lambda c: edit_event(c, 1304, lambda r: r.update(date="0001-01-01T00:00:00Z")),
            "event 1304: date: Input should be greater than or equal to 1000-01-01T00:00:00Z",
        ),
        (
            lambda c: edit_event(c, 1185, lambda r: r.update(date="9999-12-31T23:59:59Z")),
            "event 1185: date: Input should be less than or equal to 9998-12-31T23:59:59Z",
        ),
        (
            lambda c: (c / "snapshot" / "2.2.0" / "event.ndjson").write_bytes(
                (c / "snapshot" / "2.2.0" / "event.ndjson")
                .read_bytes()
                .replace(b'{"id":1185,', b'{"id":' + BIG.encode() + b",")
            ),
            "event ?: (record): malformed JSON: number out of range",
        ),
    ],
)
def test_hostile_snapshot_values_get_one_error(
    edit, message: str, seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    edit(seed_content)
    before, content_before = tree_digest(dist), tree_digest(seed_content)
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    assert code == 1 and out == "" and err.startswith("Error: ") and message in err, err
    assert "Traceback" not in err
    assert tree_digest(dist) == before and tree_digest(seed_content) == content_before


# -- 8. a server that trickles its answer ----------------------------------------------------


def test_a_trickling_answer_trips_the_whole_response_deadline_and_is_retried(
    seed_content: Path, fake_ll2, fake_clock
) -> None:
    from tests.test_fetch import data, fetch

    fake_ll2.script = {3: "trickle"}  # one byte every 0.2 s: no read ever waits 5 s
    started = time.monotonic()
    report = fetch(seed_content, fake_ll2, fake_clock, timeout=5.0, deadline=1.0)
    assert time.monotonic() - started < 30
    assert report.complete and len(fake_clock.sleeps) == 1  # one backoff, then the page again
    assert fake_ll2.requests[2] == fake_ll2.requests[3]
    assert data(seed_content) == fake_ll2.expected()


def test_a_server_that_always_trickles_is_given_up_on_and_the_snapshot_kept(
    seed_content: Path, fake_ll2, fake_clock
) -> None:
    from generator.errors import UpstreamError
    from tests.test_fetch import fetch

    fake_ll2.always = "trickle"
    before = tree_digest(seed_content)
    started = time.monotonic()
    with pytest.raises(
        UpstreamError,
        match=r"no whole response within 0.5s \(the server sends too slowly\); gave up after 2 attempts",
    ):
        fetch(seed_content, fake_ll2, fake_clock, timeout=5.0, deadline=0.5, max_retries=1)
    assert time.monotonic() - started < 20
    assert tree_digest(seed_content) == before


def test_fetch_from_the_command_line_gives_up_on_a_trickling_server_with_one_error_line(
    seed_content: Path, fake_ll2, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.fetch.cli as fetch_cli
    from generator.fetch.options import FetchSettings

    real = fetch_cli.settings_from
    monkeypatch.setattr(
        fetch_cli,
        "settings_from",
        lambda args, env: FetchSettings(**{**real(args, env).__dict__, "deadline": 0.5, "max_retries": 0}),
    )
    fake_ll2.always = "trickle"
    before = tree_digest(seed_content)
    code, out, err = build_runner("fetch", "--api-url", fake_ll2.url, "--content", str(seed_content))
    assert (code, out) == (1, "")
    assert err.startswith("Error: GET ") and err.endswith(
        "no whole response within 0.5s (the server sends too slowly); gave up after 1 attempts\n"
    )
    assert tree_digest(seed_content) == before


# -- 9. resume after a 429 stop -----------------------------------------------------------------


def test_a_run_stopped_by_a_429_resumes_where_it_stopped_and_not_before_retry_after(
    seed_content: Path, fake_ll2, fake_clock
) -> None:
    from tests.test_fetch import CATCH_UP, PAGES_FULL, data, fetch, metadata

    seed = data(seed_content)
    fake_ll2.script = {4: "429"}  # 2.3.0 list, page 2
    fake_ll2.retry_after = "3600"
    stopped = fetch(seed_content, fake_ll2, fake_clock)
    assert not stopped.complete and stopped.requests == 4 and data(seed_content) == seed
    assert metadata(seed_content)["fetch"]["throttled_until"] == "2028-01-01T01:00:00Z"
    # Too soon: no request is sent (it would be throttled again), the progress is kept.
    fake_clock.advance(600)
    early = fetch(seed_content, fake_ll2, fake_clock)
    assert (early.complete, early.requests, len(fake_ll2.requests)) == (False, 0, 4)
    assert "LL2 asked (429 Retry-After) for no request before 2028-01-01T01:00:00Z" in early.line()
    fake_clock.advance(3000)
    done = fetch(seed_content, fake_ll2, fake_clock)
    assert done.complete and done.resumed
    assert fake_ll2.requests[4] == fake_ll2.requests[3]  # the throttled page, not page 1
    assert (
        len(fake_ll2.requests) == PAGES_FULL + CATCH_UP + 1
        and len(set(fake_ll2.served)) == PAGES_FULL + CATCH_UP
    )
    assert data(seed_content) == fake_ll2.expected()
    assert "throttled_until" not in metadata(seed_content)["fetch"]


def test_an_absurd_retry_after_stops_the_run_and_is_believed_for_a_day_at_most(
    seed_content: Path, fake_ll2, fake_clock
) -> None:
    from tests.test_fetch import fetch, metadata

    fake_ll2.script = {2: "429"}  # after a good page (a run with none fails: test_fetch_hostile)
    fake_ll2.retry_after = "9" * 400  # float() makes it infinite
    stopped = fetch(seed_content, fake_ll2, fake_clock)
    assert not stopped.complete and "Retry-After inf" in stopped.line()
    assert metadata(seed_content)["fetch"]["throttled_until"] == "2028-01-02T00:00:00Z"
