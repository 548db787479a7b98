"""Which pages a run asks for: walks (one paged query each), saved between runs to resume.

- full: every version/mode from the first page, then a catch-up walk per version/mode for
  records changed while the full walks ran (phase 1);
- incremental: every version/mode with `last_updated__gte` the version's high-water mark,
  usually one page each; plus, when due, one `mode=list` listing of every 2.3.0 id to find
  deletions (2.2.0 and 2.3.0 serve the same events from one database, so it covers both).

Walks ask for `ordering=-last_updated`: a record inserted or changed while a walk pages
moves to the front, which only repeats a record at a page boundary (deduplicated by id);
the moved record itself has `last_updated` after the walk started and is picked up by the
catch-up walk or the next incremental run. Only a deletion can make a walk skip a record
(the records after it move one place forward); the walk then sees the envelope's `count`
drop between two pages, and is read again from its first page (with a clean slate) until a
pass sees no drop: no walk that may have skipped a record ends complete. A count that only
grows skips nothing (new and edited records go to the front); such a listing is still not
trusted to infer deletions (merge.py).
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from generator.api.versions import NEWEST, VERSIONS
from generator.fetch.clock import stamp
from generator.fetch.options import FetchSettings

ORDERING = "-last_updated"
RECONCILE = "reconcile"


@dataclass
class Walk:
    """One paged query and how far it got."""

    file: str  # snapshot file it feeds, e.g. "2.3.0/events.list.ndjson"
    version: str
    mode: str | None
    role: str  # full | since | catchup | reconcile
    phase: int  # walks of phase 1 start after every walk of phase 0
    next: str | None  # path and query of the next page; None when done
    since: str | None = None
    pages: int = 0
    records: int = 0
    counts: list[int] = field(default_factory=list)  # envelope count: first page, latest page
    started_at: str | None = None
    read: list[str] = field(default_factory=list)  # page_key of every page read, in order
    first: str | None = None  # path and query of its first page (set from `next` when made)
    passes: int = 1  # 2 and more: read again from the first page, its count having dropped
    shrank: bool = False  # this pass saw the count drop between two pages

    def __post_init__(self) -> None:
        if self.first is None and self.next is not None:  # (a plan saved before `first`)
            parts = urlsplit(self.next)
            params = [p for p in parse_qsl(parts.query, keep_blank_values=True) if p[0] != "offset"]
            self.first = f"{parts.path}?{urlencode(params)}"

    def read_again(self) -> None:
        """From the first page once more: while it paged, its count dropped (an event was
        deleted upstream), so it may have skipped a record at a page boundary."""
        self.next, self.counts, self.read, self.shrank = self.first, [], [], False
        self.passes += 1

    @property
    def done(self) -> bool:
        return self.next is None

    @property
    def stable(self) -> bool:
        """The listing did not change size while this walk paged through it."""
        return len(set(self.counts)) <= 1


@dataclass
class Plan:
    """The walks of one fetch, possibly spread over several runs."""

    kind: str  # full | incremental
    api_url: str
    started_at: str
    walks: list[Walk]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "Plan":
        walks = [Walk(**w) for w in value["walks"]]
        return cls(value["kind"], value["api_url"], value["started_at"], walks)


def page_key(link: str) -> str:
    """A page's identity: its path and its query's parameters in sorted order (LL2's `next`
    links may order them otherwise than the first page's; `offset=0` is the first page)."""
    parts = urlsplit(link)
    params = [p for p in parse_qsl(parts.query, keep_blank_values=True) if p != ("offset", "0")]
    return f"{parts.path}?{urlencode(sorted(params))}"


def first_page(version: str, mode: str | None, limit: int, since: str | None) -> str:
    """Path and query of a walk's first page."""
    spec = VERSIONS[version]
    params: list[tuple[str, str]] = [("limit", str(limit))]
    if since is not None:
        params.append(("last_updated__gte", since))
    if mode is not None:
        params.append(("mode", mode))
    params.append(("ordering", ORDERING))
    return f"/{version}/{spec.endpoint}/?{urlencode(params)}"


def _files() -> list[tuple[str, str | None, str]]:
    return [
        (spec.version, mode, f"{spec.version}/{spec.snapshot_name(mode)}")
        for spec in VERSIONS.values()
        for mode in spec.modes
    ]


def full_plan(settings: FetchSettings, now: datetime) -> Plan:
    """Every version/mode from scratch, then a catch-up since the plan started."""
    catch_up_since = stamp(now - settings.overlap)
    walks = [
        Walk(file, version, mode, "full", 0, first_page(version, mode, settings.page_limit, None))
        for version, mode, file in _files()
    ]
    walks += [
        Walk(
            file,
            version,
            mode,
            "catchup",
            1,
            first_page(version, mode, settings.page_limit, catch_up_since),
            catch_up_since,
        )
        for version, mode, file in _files()
    ]
    return Plan("full", settings.api_root, stamp(now), walks)


def incremental_plan(
    settings: FetchSettings, now: datetime, high_water: dict[str, str], reconcile: bool
) -> Plan:
    """Records changed since each version's high-water mark; the id listing when due."""
    walks = [
        Walk(
            file,
            version,
            mode,
            "since",
            0,
            first_page(version, mode, settings.page_limit, high_water[version]),
            high_water[version],
        )
        for version, mode, file in _files()
    ]
    if reconcile:
        walks.append(
            Walk(
                RECONCILE,
                NEWEST,
                VERSIONS[NEWEST].lightest_mode,
                RECONCILE,
                0,
                first_page(NEWEST, VERSIONS[NEWEST].lightest_mode, settings.page_limit, None),
            )
        )
    return Plan("incremental", settings.api_root, stamp(now), walks)
