"""Values a build cannot use end in one `Error:` line, never a traceback (issue 24, item 17):
NaN and Infinity in a record, a history file's impossible dates and SEQUENCEs, and URLs whose
escapes are not UTF-8 or whose dates fall off the calendar. dist/ is never written."""

from pathlib import Path

import orjson
import pytest

from tests.conftest import edit_line, tree_digest


def _run(build_runner, content: Path, dist: Path, *args: str) -> tuple[int, str]:
    before = tree_digest(content)
    code, out, err = build_runner("--content", str(content), "--dist", str(dist), "--max-bytes", "2M", *args)
    assert "Traceback" not in err and out == "", err
    assert tree_digest(content) == before and not dist.exists()
    return code, err


@pytest.mark.parametrize("word", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_or_infinity_in_a_record_is_a_validation_error(
    word: bytes, seed_content: Path, tmp_path: Path, build_runner
) -> None:
    path = seed_content / "snapshot" / "2.2.0" / "event.ndjson"
    path.write_bytes(path.read_bytes().replace(b'{"id":1185,', b'{"id":1185,"new_field":' + word + b",", 1))
    code, err = _run(build_runner, seed_content, tmp_path / "dist")
    assert code == 1 and err.startswith("Error: 1 problem(s) in the snapshot; nothing was written:\n")
    assert "2.2.0/event.ndjson:1: event 1185: (record): malformed JSON: " in err
    assert err.rstrip().endswith("(NaN and Infinity are not JSON values)")


@pytest.mark.parametrize(
    ("sequence", "date", "message"),
    [
        (
            b"1",
            b'"0000-01-01T00:00:00Z"',
            "'0000-01-01T00:00:00Z' is not a time with zone in the years 1000 to 9998",
        ),
        (b"1", b'"99999-01-01T00:00:00Z"', "'99999-01-01T00:00:00Z' is not a time with zone in the years"),
        (b"18446744073709551616", b"null", "sequence 1.8446744073709552e+19 is not a calendar SEQUENCE"),
        (b"-1", b"null", "sequence -1 is not a calendar SEQUENCE (0 to 2,147,483,647)"),
    ],
)
def test_a_history_entry_the_calendar_cannot_hold_is_one_error_line(
    sequence: bytes, date: bytes, message: str, seed_content: Path, tmp_path: Path, build_runner
) -> None:
    history = seed_content / "snapshot" / "history.ndjson"
    history.write_bytes(
        b'{"id":1185,"sequence":'
        + sequence
        + b',"shown":"x","dates":[['
        + date
        + b',"2025-01-01T00:00:00Z"]]}\n'
    )
    code, err = _run(build_runner, seed_content, tmp_path / "dist")
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith(f"Error: {history}:1: not a history entry (id, sequence, shown, dates): {message}")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/2.3.0/events/search-~FF/", "bad escape in path segment '~FF': its bytes are not UTF-8 text"),
        ("/2.3.0/events/search-~ED~A0~80/", "its bytes are not UTF-8 text"),
        ("/2.3.0/events/search-~+F/", "bad escape in path segment '~+F'"),
        (
            "/2.3.0/events/?date__gte=9999-12-31T23:59:59-01:00",
            "date__gte: '9999-12-31T23:59:59-01:00' is not a date and time (ISO 8601)",
        ),
        (
            "/2.3.0/events/?date__lt=0001-01-01T00:00:00%2B00:01",
            "date__lt: '0001-01-01T00:00:00+00:01' is not a date and time (ISO 8601)",
        ),
        ("/2.3.0/events/?search=\udcff", "'/2.3.0/events/?search=\\udcff' is not UTF-8 text"),
    ],
)
def test_a_url_whose_escapes_or_dates_cannot_be_read_is_one_error_line(
    url: str, message: str, tmp_path: Path, build_runner
) -> None:
    code, out, err = build_runner("resolve", url, "--dist", str(tmp_path / "dist"))
    assert (code, out) == (2, "") and err.count("\n") == 1 and message in err, err
    assert err.startswith("Error: ")


def test_precompute_of_such_a_url_is_refused_before_anything_is_written(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    code, err = _run(
        build_runner, seed_content, tmp_path / "dist", "--precompute", "/2.3.0/events/search-~FF/"
    )
    assert code == 2 and err == "Error: bad escape in path segment '~FF': its bytes are not UTF-8 text\n"


def test_a_record_at_the_calendars_edge_builds(seed_content: Path, tmp_path: Path, build_runner) -> None:
    """The years 1000 and 9998 are inside what the site computes with (a day either side)."""
    snapshot = seed_content / "snapshot"
    edit_line(snapshot / "2.2.0" / "event.ndjson", 1185, lambda r: r.update(date="9998-12-31T23:59:59Z"))
    code, _, err = build_runner(
        "--content",
        str(seed_content),
        "--dist",
        str(tmp_path / "dist"),
        "--max-bytes",
        "2M",
        "--precompute",
        "/2.2.0/event/?date__gte=9998-12-31T00:00:00Z",
    )
    assert code == 0 and "Traceback" not in err, err
    url = "/2.2.0/event/?date__gte=9998-12-31T00:00:00Z"
    code, out, err = build_runner("resolve", url, "--dist", str(tmp_path / "dist"))
    assert code == 0 and out.endswith("/index.json\n"), err
    assert b'"count":1,' in Path(out.strip()).read_bytes()


@pytest.mark.parametrize(
    "date", ["0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "0999-12-31T00:00:00Z", "soon"]
)
def test_a_record_date_the_calendar_cannot_hold_is_written_to_history_as_unknown(date: str) -> None:
    """What a fetch writes to the history must stay readable by the next fetch and build."""
    from generator.load.history import Observer, parse_history, render_history

    observer = Observer({})
    observer.observe({7: orjson.dumps({"id": 7, "name": "x", "date": date})}, "2025-06-01T00:00:00Z")
    entries = parse_history(render_history(observer.entries), "history.ndjson")
    assert entries[7].dates == ((None, "2025-06-01T00:00:00Z"),)
