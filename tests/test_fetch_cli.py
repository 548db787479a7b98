"""`python build.py fetch`: one summary line, --summary-json, exit codes, the token kept secret."""

from pathlib import Path

import orjson
import pytest

from tests.conftest import tree_digest
from tests.fake_ll2 import FakeLL2

TOKEN = "s3cret-token-value"


def test_fetch_prints_one_summary_line_and_writes_the_summary_json(
    seed_content: Path,
    fake_ll2: FakeLL2,
    tmp_path: Path,
    build_runner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LL2_API_TOKEN", TOKEN)
    summary = tmp_path / "summary.json"
    code, out, err = build_runner(
        "fetch",
        "--api-url",
        fake_ll2.url,
        "--content",
        str(seed_content),
        "--max-requests",
        "50",
        "--per-hour",
        "50",
        "--summary-json",
        str(summary),
    )

    assert (code, err) == (0, "")  # no progress line: stderr is not a terminal
    assert out == (
        f"fetch complete (full) from {fake_ll2.url}: 300 added, 0 changed, 2 removed; "
        "12 requests, budget left 38\n"
    )
    assert orjson.loads(summary.read_bytes()) == {
        "added": 300,
        "changed": 0,
        "removed": 2,
        "rescheduled": 0,
        "requests": 12,
        "complete": True,
    }
    assert set(fake_ll2.auth) == {f"Token {TOKEN}"}
    assert all(TOKEN.encode() not in p.read_bytes() for p in seed_content.rglob("*") if p.is_file())
    # PROVENANCE.md now describes the fetched files (the seed's text named the seed pages).
    provenance = (seed_content / "snapshot/PROVENANCE.md").read_text()
    assert "shared/seeds" not in provenance
    rows = [line for line in provenance.splitlines() if line.startswith("| `")]
    for path in sorted((seed_content / "snapshot").glob("*/*.ndjson")):
        name = path.relative_to(seed_content / "snapshot").as_posix()
        (row,) = [r for r in rows if r.startswith(f"| `{name}` |")]
        records = len(path.read_bytes().splitlines())
        assert f"| {records:,} | 0 | LL2 API, full fetch started " in row and f"| {fake_ll2.url} |" in row
    assert len(rows) == 4


def test_fetch_stopped_by_its_budget_exits_0_and_says_it_resumes(
    seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    summary = tmp_path / "summary.json"
    code, out, err = build_runner(
        "fetch",
        "--api-url",
        fake_ll2.url,
        "--content",
        str(seed_content),
        "--max-requests",
        "3",
        "--summary-json",
        str(summary),
    )

    assert code == 0
    assert out == (
        f"fetch stopped (full) from {fake_ll2.url}: request budget of this run spent (3); "
        "progress saved (1/8 walks done), resumes next run; 3 requests, budget left 0\n"
    )
    assert orjson.loads(summary.read_bytes()) == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "rescheduled": 0,
        "requests": 3,
        "complete": False,
    }


def test_fetch_that_fails_says_error_exits_1_and_changes_nothing(
    seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    fake_ll2.always = "401"
    before = tree_digest(seed_content)
    summary = tmp_path / "summary.json"
    code, out, err = build_runner(
        "fetch",
        "--api-url",
        fake_ll2.url,
        "--content",
        str(seed_content),
        "--summary-json",
        str(summary),
    )

    assert (code, out) == (1, "")
    assert err == (
        f"Error: GET {fake_ll2.url}/2.2.0/event/?limit=100&ordering=-last_updated: HTTP 401 "
        '(is LL2_API_TOKEN right?): {"detail":"Invalid token."}\n'
    )
    assert tree_digest(seed_content) == before
    assert orjson.loads(summary.read_bytes())["complete"] is False


def test_fetch_options_are_checked(build_runner, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_runner("fetch", "--max-requests", "0")
    assert "'0' is not a whole number of at least 1" in capsys.readouterr().err
