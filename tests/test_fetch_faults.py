"""Fetch under faults (issue 24): each case from the command line's side (exit code, the line
printed, sha256 of content/ before and after), then the snapshot it leaves."""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson
import pytest

from tests.conftest import tree_digest
from tests.fake_ll2 import FakeLL2


def fetch_args(fake: FakeLL2, content: Path, *more: str) -> list[str]:
    return [
        "fetch",
        "--api-url",
        fake.url,
        "--content",
        str(content),
        "--max-requests",
        "50",
        "--per-hour",
        "50",
        *more,
    ]


# -- item 11: --summary-json that cannot be written -------------------------------------------


@pytest.mark.parametrize("where", ["missing-folder/summary.json", "a-folder"])
def test_a_summary_json_that_cannot_be_written_stops_the_run_before_the_snapshot_changes(
    where: str, seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    (tmp_path / "a-folder").mkdir()
    before = tree_digest(seed_content)
    code, out, err = build_runner(
        *fetch_args(fake_ll2, seed_content, "--summary-json", str(tmp_path / where))
    )

    assert (code, out) == (2, "")
    assert err.startswith(f"Error: --summary-json {tmp_path / where}: ") and err.count("\n") == 1
    assert tree_digest(seed_content) == before
    assert fake_ll2.requests == []  # refused before asking LL2 anything
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "content"]


def test_a_summary_json_is_written_whole_beside_no_temporary_file(
    seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    summary = tmp_path / "out" / "summary.json"
    summary.parent.mkdir()
    summary.write_text("old")
    code, out, _ = build_runner(*fetch_args(fake_ll2, seed_content, "--summary-json", str(summary)))
    assert code == 0 and out.startswith("fetch complete (full)")
    assert orjson.loads(summary.read_bytes())["complete"] is True
    assert [p.name for p in summary.parent.iterdir()] == ["summary.json"]


# -- item 8: a `next` link back to a page already read ----------------------------------------


def _self(path: str, query: str) -> str:
    return f"{path}?{query}"  # every page's next link is the page itself


def _back_to_first(path: str, query: str) -> str | None:
    """Page 2's next link names page 1 again, its parameters in another order."""
    params = dict(parse_qsl(query))
    offset = params.pop("offset", "0")
    return f"{path}?{urlencode({'offset': 0 if offset == '100' else 100, **params})}"


@pytest.mark.parametrize("loop", [_self, _back_to_first], ids=["own-page", "earlier-page"])
def test_a_next_link_that_loops_fails_at_once_and_changes_nothing(
    loop, seed_content: Path, fake_ll2: FakeLL2, build_runner
) -> None:
    fake_ll2.next_link = loop
    before = tree_digest(seed_content)
    code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))

    assert (code, out) == (1, "")
    assert err.startswith("Error: GET ") and err.count("\n") == 1
    assert "next link leads back to a page this walk already read" in err
    assert len(fake_ll2.requests) == (1 if loop is _self else 2)  # not the whole budget
    assert tree_digest(seed_content) == before
