"""One fetch run: choose or resume a plan, walk it within budget, merge, write atomically."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

import httpx

from generator.api.times import parse_utc
from generator.api.versions import NEWEST, VERSIONS
from generator.errors import RateLimited, UpstreamError
from generator.fetch.client import LL2Client
from generator.fetch.clock import Clock, stamp
from generator.fetch.merge import VersionChange, merge_version, render, stable_listing
from generator.fetch.options import FetchSettings
from generator.fetch.plan import RECONCILE, Plan, Walk, first_page, full_plan, incremental_plan
from generator.fetch.progress import Progress
from generator.fetch.provenance import PROVENANCE_NAME, provenance_markdown
from generator.fetch.quota import QuotaSpent, RequestQuota
from generator.fetch.servertime import SKEW, advance_mark, reconcile_due, skew_warning
from generator.fetch.state import (
    THROTTLED_UNTIL,
    SnapshotState,
    data_files,
    load_state,
    progress_name,
    write_state,
)
from generator.fetch.walk import run_walk
from generator.load.history import HISTORY_NAME, Observer, load_history, render_history, shown_records
from generator.load.recover import fetch_lock

#: Events held back because their modes disagree keep the high-water mark back (the next run
#: asks for them again) for at most this long; after it, they wait for LL2's next edit.
HOLD_MARK = timedelta(days=1)

#: The longest Retry-After a later run honours: a larger one (or a 400-digit one) is not believed.
MAX_THROTTLE = timedelta(days=1)


@dataclass
class FetchReport:
    """What one run did (also written to snapshot.json as `fetch.last_run`)."""

    api_url: str
    kind: str  # full | incremental
    resumed: bool
    complete: bool
    stopped: str | None  # why an incomplete run stopped
    requests: int
    budget_left: int
    walks_done: int
    walks: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    held_back: int = 0
    rescheduled: int = 0  # events whose date changed (schedule history)
    disagree: dict[int, str] = field(default_factory=dict)  # held back: modes disagree
    clock_skew: float | None = None  # seconds LL2's clock is ahead of this machine's

    def summary(self) -> dict[str, Any]:
        """The `--summary-json` object."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "rescheduled": self.rescheduled,
            "requests": self.requests,
            "complete": self.complete,
        }

    def line(self) -> str:
        """One line for CI logs."""
        how = f"{self.kind}{', resumed' if self.resumed else ''}"
        if self.complete:
            held = f", {self.held_back} held back" if self.held_back else ""
            moved = f", {self.rescheduled} rescheduled" if self.rescheduled else ""
            return (
                f"fetch complete ({how}) from {self.api_url}: {self.added} added, "
                f"{self.changed} changed, {self.removed} removed{moved}{held}; "
                f"{self.requests} requests, budget left {self.budget_left}{self._warnings()}"
            )
        return (
            f"fetch stopped ({how}) from {self.api_url}: {self.stopped}; progress saved "
            f"({self.walks_done}/{self.walks} walks done), resumes next run; "
            f"{self.requests} requests, budget left {self.budget_left}{skew_warning(self.clock_skew)}"
        )

    def _warnings(self) -> str:
        clock = skew_warning(self.clock_skew)
        if not self.disagree:
            return clock
        shown = [f"{i} ({problem})" for i, problem in sorted(self.disagree.items())[:5]]
        more = f" and {len(self.disagree) - 5} more" if len(self.disagree) > 5 else ""
        return (
            f"; warning: {len(self.disagree)} event(s) held back, LL2 sent list/normal records that "
            "are not their detailed record cut (kept as they were until LL2 sends them agreeing): "
            f"{'; '.join(shown)}{more}"
        ) + clock


def choose_plan(settings: FetchSettings, state: SnapshotState, now: datetime) -> tuple[Plan, bool]:
    """The saved plan if it can go on, else a new full or incremental one."""
    saved = state.resume()
    if saved and saved.api_url == settings.api_root and not (settings.full and saved.kind != "full"):
        return saved, True
    marks = state.high_water()
    if settings.full or marks is None or not any(state.files.values()):
        return full_plan(settings, now), False
    due = reconcile_due(state.fetch, now, settings.reconcile_every)  # by LL2's time
    return incremental_plan(settings, now, marks, due), False


def _is_id_listing(walk: Walk) -> bool:
    """A walk over every id of the newest version: the deletion check, or its full walk in
    its lightest mode."""
    return walk.role == RECONCILE or (
        walk.role == "full" and (walk.version, walk.mode) == (NEWEST, VERSIONS[NEWEST].lightest_mode)
    )


def _plan_start(plan: Plan) -> str:
    """When the plan's first walk started, by LL2's clock (the local one if none says)."""
    starts = [w.started_at for w in plan.walks if w.started_at]
    return min(starts, key=parse_utc) if starts else plan.started_at


def _describe_files(meta: dict[str, Any], plan: Plan, walks: list[Walk], now: datetime) -> None:
    """Per-file metadata: where and when its records were fetched."""
    for walk in walks:
        entry = meta.setdefault("files", {}).setdefault(walk.file, {})
        entry.update(
            version=walk.version,
            mode=walk.mode,
            base_url=plan.api_url,
            fetched_at=stamp(now),
            source=f"LL2 API, {plan.kind} fetch started {_plan_start(plan)}; "
            "records exactly as received (generator/fetch)",
        )


def _forget_derived(meta: dict[str, Any], names: list[str], change: VersionChange) -> None:
    """Records of these files fetched from LL2 (or removed) are no longer derived ones."""
    derived = meta.get("derived") or {}
    for name in set(names) & derived.keys():
        fetched = change.fetched.get(name, set())
        # Emptied lists stay: readers index `derived` by file name.
        derived[name] = [i for i in derived[name] if i not in fetched and i not in change.removed]


def _merge(
    settings: FetchSettings,
    state: SnapshotState,
    plan: Plan,
    sinks: list[list[bytes]],
    now: datetime,
) -> tuple[dict[str, bytes], dict[str, VersionChange], dict[str, dict[int, bytes]]]:
    """New data files of a finished plan (bytes, and records by id) and what changed per
    version; updates the metadata."""
    meta, fetch = state.metadata, state.fetch
    listed = [
        (w, ids)
        for i, w in enumerate(plan.walks)
        if _is_id_listing(w) and (ids := stable_listing(w, sinks[i])) is not None
    ]
    data: dict[str, bytes] = {}
    records: dict[str, dict[int, bytes]] = {}
    changes: dict[str, VersionChange] = {}
    last_phase = max(w.phase for w in plan.walks)
    marks = dict(fetch.get("high_water") or {})
    for version in VERSIONS:
        names = [n for n, v in data_files().items() if v == version]
        walks = [
            (w, sinks[i]) for i, w in enumerate(plan.walks) if w.version == version and w.role != RECONCILE
        ]
        listings = [ids for w, recs in walks if (ids := stable_listing(w, recs)) is not None]
        # 2.2.0 and 2.3.0 serve one database: a listing of 2.3.0 ids covers both.
        listings += [ids for _, ids in listed]
        new, changes[version] = merge_version(version, {n: state.files[n] for n in names}, walks, listings)
        data.update({n: render(new[n]) for n in names})
        records.update({n: new[n] for n in names})
        starts = [parse_utc(w.started_at) for w, _ in walks if w.phase == last_phase and w.started_at]
        candidate = min(starts) - settings.overlap if starts else None
        again = changes[version].ask_again_from
        if again and candidate is not None:  # not past events held back, for a day at most
            candidate = min(candidate, max(parse_utc(again) - settings.overlap, candidate - HOLD_MARK))
        mark = advance_mark(marks.get(version), candidate, now)
        if mark is None:
            marks.pop(version, None)  # none, or one not believed: the next run is a full one
        else:
            marks[version] = mark
        _describe_files(meta, plan, [w for w, _ in walks], now)
        _forget_derived(meta, names, changes[version])
    if listed and listed[0][0].started_at:  # LL2's time the listing started
        fetch["reconciled_at"] = listed[0][0].started_at
    fetch["high_water"] = marks
    meta["as_of"] = stamp(now)
    meta.pop("as_of_note", None)  # the seed's note no longer applies: as_of is LL2's time
    return data, changes, records


def _history(state: SnapshotState, records: dict[str, dict[int, bytes]], now: datetime) -> tuple[bytes, int]:
    """The schedule history after this fetch, each event seen at the fetch's time (only
    records whose bytes changed are read), and how many events it found rescheduled."""
    observer = Observer(load_history(state.root / HISTORY_NAME), shown_records(state.files))
    observer.observe(shown_records(records), stamp(now))
    return render_history(observer.entries), observer.changed


def _no_good_page(requests: int, problem: str | None, stopped: str) -> NoReturn:
    """Fail a run that asked LL2 and got no good page (down, throttling, trickling): only a run
    that made progress stops quietly to resume; this one must turn a scheduled pipeline red."""
    why = stopped if problem is None or problem in stopped else f"{problem}; then {stopped}"
    raise UpstreamError(
        f"no good page from LL2 in {requests} request(s): {why}; the snapshot was left as it was"
    )


def _aim_catch_up(settings: FetchSettings, plan: Plan, walk: Walk) -> None:
    """A full plan's catch-up walk asks for what changed since its full walks started, by
    LL2's clock (the plan was made by this machine's)."""
    starts = [parse_utc(w.started_at) for w in plan.walks if w.phase == 0 and w.started_at]
    if walk.role != "catchup" or walk.pages or not starts:
        return
    walk.since = stamp(min(starts) - settings.overlap)
    walk.next = walk.first = first_page(walk.version, walk.mode, settings.page_limit, walk.since)


def _server_now(client: LL2Client, plan: Plan, clock: Clock) -> datetime:
    """LL2's time at the end of the run: its last response's Date; else the latest start a
    walk took from LL2's records; this machine's clock only when LL2 told nothing."""
    if client.server_date is not None:
        return client.server_date
    starts = [parse_utc(w.started_at) for w in plan.walks if w.started_at]
    return max(starts) if starts else clock.now()


def run_fetch(
    settings: FetchSettings,
    http: httpx.Client,
    clock: Clock,
    rng: random.Random | None = None,
    progress: Progress | None = None,
) -> FetchReport:
    """Run one fetch; raise FetchError (snapshot untouched) when it fails."""
    with fetch_lock(settings.snapshot_dir):  # one at a time; a swap a kill cut short put back
        return _run(settings, http, clock, rng, progress)


def _run(
    settings: FetchSettings,
    http: httpx.Client,
    clock: Clock,
    rng: random.Random | None,
    progress: Progress | None,
) -> FetchReport:
    state = load_state(settings.snapshot_dir)
    quota = RequestQuota(
        clock,
        settings.max_requests,
        settings.per_hour,
        state.request_log(),
        not_before=state.throttled_until(),
    )
    if progress:
        progress.quota = quota
    plan, resumed = choose_plan(settings, state, clock.now())
    client = LL2Client(
        http,
        settings,
        quota,
        clock,
        rng,
        progress.on_request if progress else lambda url: None,
        progress.on_wait if progress else lambda s, r: None,
    )
    sinks = [state.progress(i) if resumed else [] for i in range(len(plan.walks))]
    on_page = progress.on_page if progress else (lambda walk, page: None)
    stopped: str | None = None
    throttled = False
    try:
        for index, walk in enumerate(plan.walks):
            _aim_catch_up(settings, plan, walk)
            run_walk(walk, client, sinks[index], clock, on_page)
    except QuotaSpent as exc:
        stopped = exc.reason
    except RateLimited as exc:
        stopped = str(exc)
        if exc.retry_after is not None:  # remembered: the next run does not ask before then
            wait = min(exc.retry_after, MAX_THROTTLE.total_seconds())  # (also: not inf)
            state.fetch[THROTTLED_UNTIL] = stamp(clock.now() + timedelta(seconds=wait))
            throttled = True
    finally:
        if progress:
            progress.close()
    if stopped is not None and quota.used and not client.pages:
        _no_good_page(quota.used, client.last_problem, stopped)
    now = _server_now(client, plan, clock)
    report = FetchReport(
        settings.api_root,
        plan.kind,
        resumed,
        stopped is None,
        stopped,
        quota.used,
        quota.left(),
        sum(w.done for w in plan.walks),
        len(plan.walks),
        clock_skew=client.clock_skew,
    )
    fetch = state.fetch
    if client.clock_skew is not None:
        fetch[SKEW] = round(client.clock_skew)
    if quota.used and not throttled:
        fetch.pop(THROTTLED_UNTIL, None)  # LL2 was asked again: the wait it asked for is over
    data: dict[str, bytes] = {}
    saved: dict[str, list[bytes]] = {}
    if stopped is None:
        data, changes, records = _merge(settings, state, plan, sinks, now)
        data[PROVENANCE_NAME] = provenance_markdown(state.metadata, data)
        data[HISTORY_NAME], report.rescheduled = _history(state, records, now)
        report.added = sum(len(c.added) for c in changes.values())
        report.changed = sum(len(c.changed) for c in changes.values())
        report.removed = sum(len(c.removed) for c in changes.values())
        report.held_back = sum(len(c.held_back) for c in changes.values())
        report.disagree = {i: p for c in changes.values() for i, p in c.disagree.items()}
        fetch["resume"] = None
    else:
        fetch["resume"] = plan.to_json()
        saved = {progress_name(i): sinks[i] for i, w in enumerate(plan.walks) if sinks[i]}
    fetch["request_log"] = [stamp(t) for t in quota.log]
    fetch["last_run"] = {
        "at": stamp(now),
        "kind": plan.kind,
        "resumed": resumed,
        "stopped": stopped,
        **report.summary(),
        "held_back": report.held_back,
    }
    write_state(settings.snapshot_dir, state.metadata, data, saved)
    return report
