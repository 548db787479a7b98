"""What every stage of a build reads, in one object, so that a stage's signature says only
what is its own (a manifest to add to, a tally to count in, the budget to spend); and what a
build reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the validated index and records load the models: not for an up-to-date build
    from generator.incremental.memo import Memo
    from generator.load.records import RecordSource
    from generator.load.validate import Drift, SnapshotIndex
    from generator.output.budget import DistBudget
    from generator.output.staging import StagedOutput
    from generator.output.tally import Tally
    from generator.settings import BuildSettings


@dataclass(frozen=True)
class BuildContext:
    """One build's inputs and output: options, its `now`, the validated snapshot, its records
    as the bytes LL2 sent, the staging folder, and the values kept between builds."""

    settings: BuildSettings
    now: datetime
    index: SnapshotIndex
    records: RecordSource
    out: StagedOutput
    memo: Memo | None = None


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list[Drift]
    tally: Tally | None  # None when up to date
    budget: DistBudget | None = None
    up_to_date: bool = False  # nothing to do: dist/ already is this build's output
    reused: int = 0  # files left untouched in dist/ because their bytes did not change
    #: The build's own objects (its index, outputs, basis...), kept by the report so that a
    #: caller leaving by `os._exit` (build.py) never frees them one by one (15-20 ms).
    held: tuple[object, ...] = field(default=(), repr=False, compare=False)
