"""Fetch SIGKILLed at random moments, 20 times: each next run recovers and ends equal to a
run never killed (issue 24).

A moment is a step of the run: a page received, a file staged, a rename, a folder deleted.
The fetch runs in a forked child that SIGKILLs itself right after its Nth step (N random),
so every kind of moment is hit, the snapshot swap's included, without timing luck. After
each kill the next run (in this process) must complete, and the snapshot must equal the one
a never-killed copy of it reached from the same upstream at the same time.
"""

import os
import random
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

import generator.output.staging
from generator.fetch.client import LL2Client
from generator.fetch.clock import stamp
from tests.conftest import FakeClock, copy_seed_content
from tests.fake_ll2 import FakeLL2
from tests.test_fetch import data, fetch, ids_of

KILLS = 20


def _kill_after(steps: int) -> list[int]:
    """In the child: SIGKILL this process right after its `steps`th step; returns the count
    of steps taken so far (one item)."""
    taken = [0]

    def counted(real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            taken[0] += 1
            if taken[0] == steps:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return step

    os.rename = counted(os.rename)  # type: ignore[assignment]
    os.replace = counted(os.replace)  # type: ignore[assignment]
    shutil.rmtree = counted(shutil.rmtree)  # type: ignore[assignment]
    generator.output.staging.write_file = counted(generator.output.staging.write_file)
    LL2Client.get_page = counted(LL2Client.get_page)  # type: ignore[method-assign]
    return taken


def killed_fetch(content: Path, fake: FakeLL2, clock: FakeClock, steps: int) -> int | None:
    """One fetch in a forked child killed right after its `steps`th step: None when it was,
    else (it finished first) how many steps it took."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 255
        try:
            taken = _kill_after(steps)
            fetch(content, fake, clock)
            code = min(taken[0], 254)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return None
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) != 255, "the fetch failed"
    return os.WEXITSTATUS(status)


def _left(content: Path) -> str:
    """What a kill left: which of the swap's folders, and whether the snapshot is in place."""
    names = sorted({p.name.split("-")[0] for p in content.glob(".snapshot.*")})
    return f"{' '.join(names) or 'nothing'}{'' if (content / 'snapshot').is_dir() else ', no snapshot'}"


def _state(content: Path) -> dict[str, Any]:
    """What a run never killed must equal: the data files, the schedule history and the marks."""
    snapshot = content / "snapshot"
    meta = orjson.loads((snapshot / "snapshot.json").read_bytes())
    return {
        "data": data(content),
        "history": (snapshot / "history.ndjson").read_bytes(),
        "provenance": (snapshot / "PROVENANCE.md").is_file(),
        "as_of": meta["as_of"],
        "marks": {k: meta["fetch"].get(k) for k in ("high_water", "reconciled_at", "resume")},
        "derived": meta.get("derived"),
        "leftovers": sorted(p.name for p in content.glob(".snapshot.*")),
    }


def _upstream_changes(fake: FakeLL2, clock: FakeClock, rng: random.Random, round: int) -> None:
    """LL2 between two runs: a few edits, now and then a new event or a deleted one."""
    ids = ids_of(fake)
    for event_id in rng.sample(ids, 2):
        fake.edit(event_id, stamp(clock.now()), name=f"Edited {event_id} in round {round}")
    if round % 3 == 1:
        fake.insert(ids[0], 900_000 + round, stamp(clock.now()))
    if round % 4 == 2:
        fake.delete(rng.choice(ids))


def test_twenty_fetches_killed_at_random_steps_each_recover_on_the_next_run(
    tmp_path: Path, fake_ll2: FakeLL2
) -> None:
    rng = random.Random(24)
    never = copy_seed_content(tmp_path / "never-killed")
    clock = FakeClock()
    fake_ll2.clock = clock  # LL2's Date: the same time
    assert fetch(never, fake_ll2, clock).complete  # the first, full fetch (its kill: test_fetch_faults)
    killed = tmp_path / "killed"
    shutil.copytree(never, killed)
    steps = 14  # an incremental run's steps, about; then learnt from a run that ended first
    kills: list[str] = []
    rounds = 0
    while len(kills) < KILLS:
        rounds += 1
        assert rounds <= 2 * KILLS, "the runs ended before their steps too often"
        _upstream_changes(fake_ll2, clock, rng, rounds)
        clock.advance(6 * 3600)  # a reconciling listing every 4th run
        finished = killed_fetch(killed, fake_ll2, clock, rng.randint(1, steps))
        if finished is None:
            kills.append(_left(killed))
        else:
            steps = finished

        after = fetch(killed, fake_ll2, clock)  # the next run
        assert after.complete, after.line()
        assert fetch(never, fake_ll2, clock).complete
        assert _state(killed) == _state(never), f"round {rounds}"
    clock.advance(25 * 3600)  # a last run lists every id: the deletions of the last rounds go
    assert fetch(killed, fake_ll2, clock).complete
    assert data(killed) == fake_ll2.expected()
    # The kills hit the swap's every moment: before it, between its renames, after them.
    assert {
        "nothing",
        ".snapshot.staging",
        ".snapshot.old .snapshot.staging, no snapshot",
        ".snapshot.old",
    } <= set(kills), kills
