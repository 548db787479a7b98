"""Merge a finished plan's records into the snapshot: by id, sorted, deletions applied.

Per version:
1. records from the walks replace or add to the snapshot's, walk by walk in plan order
   (a later sighting of an id wins: it is the newer one);
2. an old record is deleted when a *stable* complete listing lacks it (a full walk of any of
   the version's modes, or the 2.3.0 id listing) and no walk of this run saw it; an unstable
   listing (its count changed while paging, so it may have skipped a record) deletes nothing;
3. every mode must hold the same events (the validator checks it): a new event that some
   modes' walks missed (it appeared between walks) is held back until a later run sees it
   in every mode; its `last_updated` is after the plan started, so the next run asks for it;
4. a list/normal record LL2 sent that is not its detailed record cut (agree.py) holds its
   event back: the snapshot keeps the event as it had it, and the next run asks again.
"""

from dataclasses import dataclass, field

import orjson

from generator.fetch.agree import disagreeing, earliest_update, hold_back
from generator.fetch.plan import RECONCILE, Walk

#: file name -> {id: record bytes}
Records = dict[str, dict[int, bytes]]


@dataclass
class VersionChange:
    """What a merge did to one version's events."""

    added: set[int] = field(default_factory=set)
    changed: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)
    held_back: set[int] = field(default_factory=set)
    fetched: dict[str, set[int]] = field(default_factory=dict)  # file -> ids taken from LL2
    disagree: dict[int, str] = field(default_factory=dict)  # held back: its modes disagree
    ask_again_from: str | None = None  # the earliest last_updated of those


def record_id(data: bytes) -> int:
    """The id of one validated record."""
    value = orjson.loads(data)
    return int(value["id"])


def _ids(records: list[bytes]) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    for data in records:
        out[record_id(data)] = data  # later sightings win
    return out


def stable_listing(walk: Walk, records: list[bytes]) -> set[int] | None:
    """The ids of a complete listing if it can be trusted to show deletions, else None."""
    if walk.role not in ("full", RECONCILE) or not walk.done or not walk.stable:
        return None
    ids = {record_id(r) for r in records}
    return ids if walk.counts and len(ids) == walk.counts[-1] else None


def merge_version(
    version: str, old: Records, walks: list[tuple[Walk, list[bytes]]], listings: list[set[int]]
) -> tuple[Records, VersionChange]:
    """New contents of one version's files (`old` has every file, maybe empty)."""
    change = VersionChange()
    new: Records = {name: dict(records) for name, records in old.items()}
    seen: set[int] = set()
    for walk, records in walks:
        fetched = _ids(records)
        new[walk.file].update(fetched)
        change.fetched.setdefault(walk.file, set()).update(fetched)
        seen |= fetched.keys()
    old_ids: set[int] = set().union(*(r.keys() for r in old.values()))
    deleted: set[int] = set()
    for listing in listings:
        deleted |= old_ids - listing
    deleted -= seen
    for kept in new.values():
        for event_id in deleted:
            kept.pop(event_id, None)
    change.disagree = disagreeing(version, new, seen)
    if change.disagree:
        change.ask_again_from = earliest_update(new, set(change.disagree))
        hold_back(old, new, set(change.disagree))
        for ids in change.fetched.values():
            ids -= change.disagree.keys()
    every = set().union(*(r.keys() for r in new.values()))
    common = set.intersection(*(set(r.keys()) for r in new.values())) if new else set()
    change.held_back = (every - common) - old_ids
    # An old event missing from one mode's file (a damaged snapshot) is dropped everywhere too.
    for kept in new.values():
        for event_id in every - common:
            kept.pop(event_id, None)
    change.added = common - old_ids
    change.removed = old_ids - common
    change.changed = {i for i in common & old_ids if any(old[f].get(i) != new[f].get(i) for f in new)}
    return new, change


def render(records: dict[int, bytes]) -> bytes:
    """A snapshot file: one record per line, sorted by id."""
    return b"".join(records[i] + b"\n" for i in sorted(records))
