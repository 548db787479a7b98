"""Fetching from LL2: a fake server on loopback that misbehaves on purpose, time injected.

After every scenario the snapshot equals the server's data exactly, or equals the previous
snapshot exactly when the run gave up or stopped on its budget.
"""

import io
import random
from pathlib import Path

import httpx
import orjson
import pytest

from generator.errors import FetchError, UpstreamError
from generator.fetch import FetchReport, FetchSettings, run_fetch
from generator.fetch.clock import stamp
from generator.fetch.progress import Progress
from tests.conftest import FakeClock, tree_digest
from tests.fake_ll2 import FILES, FakeLL2

DATA_FILES = list(FILES.values())
PAGES_FULL = 8  # 150 events: 2 pages of 100 for 2.2.0 and each 2.3.0 mode
CATCH_UP = 4  # one catch-up page per version/mode at the end of a full fetch


def fetch(
    content: Path, fake: FakeLL2, clock: FakeClock, progress: Progress | None = None, **options
) -> FetchReport:
    """One fetch run against the fake server (generous budgets unless a test sets them)."""
    options = {"max_requests": 1000, "per_hour": 1000, "timeout": 5.0, **options}
    settings = FetchSettings(content_dir=content, api_url=fake.url, **options)
    with httpx.Client() as http:
        return run_fetch(settings, http, clock, random.Random(5), progress)


def data(content: Path) -> dict[str, bytes]:
    return {name: (content / "snapshot" / name).read_bytes() for name in DATA_FILES}


def metadata(content: Path) -> dict:
    return orjson.loads((content / "snapshot" / "snapshot.json").read_bytes())


def ids_of(fake: FakeLL2) -> list[int]:
    return sorted(fake.records["2.2.0/event.ndjson"])


def test_a_full_fetch_writes_every_version_and_mode_exactly_as_sent(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock, tmp_path: Path, build_runner
) -> None:
    # LL2 (Django REST framework) escapes U+2028 and sends UTF-8 as is: keep those bytes.
    first = ids_of(fake_ll2)[0]
    for records in fake_ll2.records.values():
        records[first] = records[first].replace(b'"description":"', b'"description":"Caf\xc3\xa9 \\u2028 ', 1)
    report = fetch(seed_content, fake_ll2, fake_clock, token="t0ken")

    assert (report.complete, report.requests, report.added, report.removed) == (
        True,
        PAGES_FULL + CATCH_UP,
        300,
        2,
    )
    assert data(seed_content) == fake_ll2.expected()
    assert b"Caf\xc3\xa9 \\u2028 " in (seed_content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes()
    meta = metadata(seed_content)
    assert meta["as_of"] == "2028-01-01T00:00:00Z"
    assert meta["fetch"]["high_water"] == {
        "2.2.0": "2027-12-31T23:50:00Z",
        "2.3.0": "2027-12-31T23:50:00Z",
    }
    assert meta["fetch"]["resume"] is None
    assert {f["base_url"] for f in meta["files"].values()} == {fake_ll2.url}
    assert meta["derived"] == {"2.3.0/events.list.ndjson": [], "2.3.0/events.normal.ndjson": []}
    assert set(fake_ll2.auth) == {"Token t0ken"}
    assert "t0ken" not in (seed_content / "snapshot/snapshot.json").read_text()
    assert fake_ll2.requests[0] == "/2.2.0/event/?limit=100&ordering=-last_updated"
    assert build_runner("--content", str(seed_content), "--dist", str(tmp_path / "dist"))[0] == 0


def test_an_incremental_run_after_three_changes_asks_once_per_version_mode_and_changes_three_lines(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fetch(seed_content, fake_ll2, fake_clock)
    before_tree = tree_digest(seed_content)
    before = data(seed_content)
    fake_clock.advance(3600)
    changed = ids_of(fake_ll2)[10:13]
    for event_id in changed:
        fake_ll2.edit(event_id, stamp(fake_clock.now()), name=f"Renamed {event_id}")
    asked = len(fake_ll2.requests)

    report = fetch(seed_content, fake_ll2, fake_clock)

    assert report.kind == "incremental" and report.complete
    assert len(fake_ll2.requests) - asked == report.requests == 4  # one per version/mode
    assert all("last_updated__gte=2027-12-31T23%3A50%3A00Z" in r for r in fake_ll2.requests[asked:])
    assert (report.added, report.changed, report.removed) == (0, 6, 0)  # 3 events in 2 versions
    after = data(seed_content)
    assert after == fake_ll2.expected()
    for name in DATA_FILES:
        old, new = before[name].splitlines(), after[name].splitlines()
        differing = [orjson.loads(b)["id"] for a, b in zip(old, new, strict=True) if a != b]
        assert differing == changed, name
    after_tree = tree_digest(seed_content)
    assert {p for p in after_tree if after_tree[p] != before_tree.get(p)} == set(
        [f"snapshot/{n}" for n in DATA_FILES]
        + [
            "snapshot/snapshot.json",
            "snapshot/PROVENANCE.md",
            "snapshot/history.ndjson",
        ]  # names: new SEQUENCEs
    )
    assert metadata(seed_content)["fetch"]["high_water"]["2.3.0"] == "2028-01-01T00:50:00Z"


def test_a_full_fetch_stopped_by_the_budget_resumes_without_asking_for_a_page_twice(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    seed = data(seed_content)
    reports = []
    while not (reports and reports[-1].complete):
        reports.append(fetch(seed_content, fake_ll2, fake_clock, max_requests=5))
        if not reports[-1].complete:
            assert data(seed_content) == seed  # the published snapshot waits for the whole fetch
            assert metadata(seed_content)["fetch"]["resume"]["kind"] == "full"
            assert list((seed_content / "snapshot/progress").glob("*.ndjson.part"))
            assert sorted(p.name for p in (seed_content / "snapshot").glob("*/*.ndjson")) == sorted(
                Path(n).name for n in DATA_FILES
            )
        fake_clock.advance(600)
        assert len(reports) < 10

    assert [r.requests for r in reports] == [5, 5, 2]
    assert [r.resumed for r in reports] == [False, True, True]
    assert "request budget of this run spent (5)" in reports[0].line()
    assert len(fake_ll2.requests) == PAGES_FULL + CATCH_UP
    assert len(set(fake_ll2.requests)) == len(fake_ll2.requests)  # no page asked for twice
    assert data(seed_content) == fake_ll2.expected()
    assert not (seed_content / "snapshot/progress").exists()


def test_a_429_with_retry_after_is_waited_out_on_the_injected_clock(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fake_ll2.script = {3: "429"}
    screen = io.StringIO()
    report = fetch(seed_content, fake_ll2, fake_clock, progress=Progress(screen, force=True))

    assert report.complete and fake_clock.sleeps == [30.0]
    assert report.requests == PAGES_FULL + CATCH_UP + 1  # the throttled request counts too
    assert data(seed_content) == fake_ll2.expected()
    assert "waiting 30s: rate limited (429)" in screen.getvalue()
    assert "budget left" in screen.getvalue()


@pytest.mark.parametrize("fault", ["500", "timeout", "truncated", "cut", "html"])
def test_transient_faults_are_retried_with_backoff_and_jitter(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock, fault: str
) -> None:
    fake_ll2.script = {2: fault, 7: fault, 8: fault}
    report = fetch(seed_content, fake_ll2, fake_clock, timeout=0.5 if fault == "timeout" else 5.0)

    assert report.complete
    assert data(seed_content) == fake_ll2.expected()
    # Backoff before retry n: between half and all of 2 * 2**(n-1) seconds (jitter).
    first, second, third = fake_clock.sleeps
    assert 1 <= first <= 2 and 1 <= second <= 2 and 2 <= third <= 4
    assert len(set(fake_clock.sleeps)) == 3


def test_a_record_inserted_between_page_one_and_two_is_fetched_and_the_repeated_one_kept_once(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    new_id = ids_of(fake_ll2)[-1] + 1
    fake_ll2.before[2] = lambda: fake_ll2.insert(ids_of(fake_ll2)[0], new_id, "2028-01-01T00:00:01Z")
    report = fetch(seed_content, fake_ll2, fake_clock)

    page1, page2 = ([r["id"] for r in orjson.loads(b)["results"]] for b in fake_ll2.bodies[:2])
    assert page1[-1] == page2[0]  # the insert pushed page 1's last record onto page 2
    assert report.complete
    assert data(seed_content) == fake_ll2.expected()
    assert new_id in {
        orjson.loads(line)["id"] for line in data(seed_content)["2.2.0/event.ndjson"].splitlines()
    }


@pytest.mark.parametrize("previous", ["seed", "fetched"])
def test_a_run_that_gives_up_leaves_the_snapshot_byte_identical(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock, previous: str
) -> None:
    if previous == "fetched":
        fetch(seed_content, fake_ll2, fake_clock)
        fake_clock.advance(3600)
    before = tree_digest(seed_content)
    asked = len(fake_ll2.requests)
    fake_ll2.before[asked + 2] = lambda: setattr(fake_ll2, "always", "500")  # fails from request 2 on

    with pytest.raises(UpstreamError) as caught:
        fetch(seed_content, fake_ll2, fake_clock)

    assert str(caught.value).startswith(f"GET {fake_ll2.url}/")
    assert str(caught.value).endswith(": HTTP 500; gave up after 5 attempts")
    assert len(fake_clock.sleeps) == 4
    assert tree_digest(seed_content) == before


def test_records_that_fail_validation_are_refused_and_the_snapshot_kept(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    bad = ids_of(fake_ll2)[20]
    record = fake_ll2.records["2.3.0/events.detailed.ndjson"]
    record[bad] = record[bad].replace(b'"webcast_live":false', b'"webcast_live":"no"', 1)
    before = tree_digest(seed_content)

    with pytest.raises(FetchError) as caught:
        fetch(seed_content, fake_ll2, fake_clock)

    assert f": event {bad}: webcast_live: Input should be a valid boolean" in str(caught.value)
    assert "/2.3.0/events/?limit=100&mode=detailed&ordering=-last_updated" in str(caught.value)
    assert tree_digest(seed_content) == before


def test_a_host_that_ignores_last_updated_gte_is_caught_before_it_spends_the_budget(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fetch(seed_content, fake_ll2, fake_clock)
    before = tree_digest(seed_content)
    real_page = fake_ll2.page
    fake_ll2.page = lambda path, query: real_page(path, query.replace("last_updated__gte", "ignored"))  # type: ignore[method-assign]
    fake_clock.advance(3600)

    with pytest.raises(FetchError) as caught:
        fetch(seed_content, fake_ll2, fake_clock)

    assert "is before last_updated__gte=2027-12-31T23:50:00Z (the filter was ignored; try --full)" in str(
        caught.value
    )
    assert tree_digest(seed_content) == before


def test_events_deleted_upstream_are_removed_by_the_periodic_id_listing(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fetch(seed_content, fake_ll2, fake_clock)
    gone = ids_of(fake_ll2)[5:7]
    for event_id in gone:
        fake_ll2.delete(event_id)
    fake_clock.advance(3600)
    early = fetch(seed_content, fake_ll2, fake_clock)  # listing not due yet: nothing removed
    assert (early.requests, early.removed) == (4, 0)

    fake_clock.advance(24 * 3600)
    report = fetch(seed_content, fake_ll2, fake_clock)

    assert report.requests == 4 + 2  # one page per version/mode, two pages of ids
    assert report.removed == 4  # 2 events from both versions
    assert "2 changed" not in report.line() and "4 removed" in report.line()
    assert data(seed_content) == fake_ll2.expected()
    assert metadata(seed_content)["fetch"]["reconciled_at"] == stamp(fake_clock.now())


def test_a_listing_that_changes_while_paging_is_read_again_before_it_deletes(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fetch(seed_content, fake_ll2, fake_clock)
    fake_clock.advance(25 * 3600)
    asked = len(fake_ll2.requests)
    first, moved = ids_of(fake_ll2)[0], ids_of(fake_ll2)[1]
    fake_ll2.delete(first)
    # Between the two pages of ids another event goes: the listing may have skipped one,
    # so it is read again (2 pages more) before it deletes anything (issue 24, item 2).
    fake_ll2.before[asked + 6] = lambda: fake_ll2.delete(moved)
    report = fetch(seed_content, fake_ll2, fake_clock)
    assert (report.requests, report.removed) == (4 + 2 + 2, 4)
    assert metadata(seed_content)["fetch"]["reconciled_at"] == stamp(fake_clock.now())
    assert data(seed_content) == fake_ll2.expected()


def test_a_retry_after_longer_than_the_run_waits_stops_cleanly_and_resumes(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    seed = data(seed_content)
    fake_ll2.script = {3: "429"}
    fake_ll2.retry_after = "3600"
    stopped = fetch(seed_content, fake_ll2, fake_clock)

    assert not stopped.complete and fake_clock.sleeps == []
    assert "Retry-After 3600s is longer than this run waits (120s)" in stopped.line()
    assert data(seed_content) == seed
    fake_clock.advance(3600)
    done = fetch(seed_content, fake_ll2, fake_clock)
    assert done.complete and done.resumed
    assert len(set(fake_ll2.served)) == len(fake_ll2.served) == PAGES_FULL + CATCH_UP
    assert data(seed_content) == fake_ll2.expected()


def test_a_retry_after_given_as_an_http_date_is_honoured(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock
) -> None:
    fake_ll2.script = {1: "429"}
    fake_ll2.retry_after = "Sat, 01 Jan 2028 00:00:45 GMT"  # 45 s after the fake clock's start
    report = fetch(seed_content, fake_ll2, fake_clock)
    assert report.complete and fake_clock.sleeps == [45.0]
    assert data(seed_content) == fake_ll2.expected()


def test_the_hourly_budget_spans_runs(seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock) -> None:
    first = fetch(seed_content, fake_ll2, fake_clock, per_hour=7)
    fake_clock.advance(60)
    second = fetch(seed_content, fake_ll2, fake_clock, per_hour=7)
    assert (first.requests, second.requests) == (7, 0)
    assert (
        "hourly budget spent (7 requests in the last hour; "
        "the next is free at 2028-01-01T01:00:00Z)" in second.line()
    )
    fake_clock.advance(3600)
    third = fetch(seed_content, fake_ll2, fake_clock, per_hour=7)
    assert third.complete and third.requests == PAGES_FULL + CATCH_UP - 7
    assert data(seed_content) == fake_ll2.expected()
