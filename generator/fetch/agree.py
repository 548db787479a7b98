"""Modes that disagree, caught before the write: a snapshot that fetch writes is always one the
build's modes check (load/modecheck.py) accepts.

LL2 can serve a `list` or `normal` record that is not its `detailed` record cut at its last
field (a stale cache on its side), and keep doing so. Such an event is held back, in every
mode of its version: an event the snapshot had keeps its old records, a new one waits; the
run's summary names them, and the rest of the refresh lands.
"""

from typing import Any

import orjson

from generator.api.versions import VERSIONS
from generator.load.modecheck import FULL_MODE, disagreement

#: file name -> {id: record bytes}
Records = dict[str, dict[int, bytes]]


def disagreeing(version: str, new: Records, among: set[int]) -> dict[int, str]:
    """Events of `among` whose list/normal record is not their detailed record cut: id -> the
    first difference found ("list: name is ... but ... in the detailed record")."""
    spec = VERSIONS[version]
    if FULL_MODE not in spec.modes:
        return {}
    full = new[f"{version}/{spec.snapshot_name(FULL_MODE)}"]
    found: dict[int, str] = {}
    for event_id in sorted(among):
        if event_id not in full:
            continue
        parsed: dict[str, Any] = orjson.loads(full[event_id])
        for mode in spec.modes:
            record = new[f"{version}/{spec.snapshot_name(mode)}"].get(event_id)
            if mode == FULL_MODE or record is None:
                continue
            problem = disagreement(record, parsed)
            if problem is not None:
                found[event_id] = f"{mode}: {problem[0]} {problem[1]}"
                break
    return found


def hold_back(old: Records, new: Records, events: set[int]) -> None:
    """Keep these events as the snapshot had them (in every file), or leave out new ones."""
    for name, records in new.items():
        for event_id in events:
            if all(event_id in o for o in old.values()):
                records[event_id] = old[name][event_id]
            else:
                records.pop(event_id, None)


def earliest_update(new_records: Records, events: set[int]) -> str | None:
    """The earliest `last_updated` LL2 sent for these events (in any file), to ask again from."""
    stamps = []
    for records in new_records.values():
        for event_id in events:
            if event_id in records:
                value = orjson.loads(records[event_id]).get("last_updated")
                if isinstance(value, str):
                    stamps.append(value)
    return min(stamps) if stamps else None
