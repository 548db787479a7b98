"""Deterministic LL2-shaped corpora for tests and benchmarks (never published as real data).

Every generated event is a real seed record (event 1185 for 2.2.0, event 1304 for 2.3.0)
with its identity and facets varied: id, name, slug, date, last_updated, type, agencies,
programs, webcasts and description length, drawn from a seeded random generator. The 2.3.0
list and normal records are derived from the detailed one by the spec, so every mode agrees.

    python -m bench.corpus OUT_DIR --events 1500 [--seed 7]
"""

import argparse
import copy
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from bench.derive import derive_mode

ROOT = Path(__file__).resolve().parent.parent
# The real seed records (not content/snapshot/, which the scheduled refresh replaces).
SEED_2_2_0 = ROOT / "tests" / "data" / "event-1185.2.2.0.json"
SEED_2_3_0 = ROOT / "tests" / "data" / "event-1304.2.3.0.detailed.json"

#: Event types as LL2 names them (ids are ours, stable).
EVENT_TYPES = [
    "Docking",
    "Undocking",
    "EVA",
    "Hatch Opening",
    "Hatch Closing",
    "Press Event",
    "Landing",
    "Flyby",
    "Moon Landing",
    "Berthing",
    "Release",
    "Relocation",
    "Static Fire",
    "Test Flight",
    "Farewell Ceremony",
    "Wet Dress Rehearsal",
    "Spacecraft Event",
    "Celestial Event",
]
AGENCIES = [
    (44, "National Aeronautics and Space Administration", "NASA"),
    (63, "Russian Federal Space Agency (ROSCOSMOS)", "RFSA"),
    (27, "European Space Agency", "ESA"),
    (37, "Japan Aerospace Exploration Agency", "JAXA"),
    (16, "Canadian Space Agency", "CSA"),
    (121, "SpaceX", "SpX"),
    (141, "Blue Origin", "BO"),
    (88, "China National Space Administration", "CNSA"),
    (31, "Indian Space Research Organization", "ISRO"),
    (1024, "Virgin Galactic", "VG"),
]
PROGRAMS = [
    (17, "International Space Station"),
    (8, "Soyuz"),
    (5, "Artemis"),
    (25, "Commercial Crew Program"),
    (19, "Tiangong"),
    (10, "Mars Exploration"),
    (29, "Starship"),
    (14, "Hubble Space Telescope"),
]
WORDS = [
    "Soyuz",
    "Crew",
    "Dragon",
    "Starliner",
    "Cygnus",
    "Progress",
    "Artemis",
    "Tianzhou",
    "Shenzhou",
    "HTV",
    "Orion",
    "Gateway",
    "Starship",
    "Hubble",
    "Webb",
    "Juno",
    "Europa",
    "Clipper",
    "Psyche",
    "Lucy",
    "Hera",
    "BepiColombo",
    "Axiom",
    "Polaris",
    "Inspiration",
]
ACTIONS = [
    "Docking",
    "Undocking",
    "Spacewalk",
    "Hatch Opening",
    "Flyby",
    "Landing",
    "Press Conference",
    "Relocation",
    "Static Fire",
    "Farewell Ceremony",
    "Berthing",
]
START = datetime(2017, 1, 1, tzinfo=UTC)
SPAN_DAYS = 365 * 11  # 2017 .. 2027


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _event_facets(rng: random.Random, event_id: int) -> dict[str, Any]:
    date = START + timedelta(minutes=rng.randrange(SPAN_DAYS * 24 * 60))
    name = f"{rng.choice(WORDS)} {rng.randint(1, 40)} {rng.choice(ACTIONS)}"
    type_index = min(int(rng.paretovariate(1.2)) - 1, len(EVENT_TYPES) - 1)
    return {
        "id": event_id,
        "name": name,
        "slug": f"{name.lower().replace(' ', '-')}-{event_id}",
        "date": None if rng.random() < 0.01 else _stamp(date),
        "last_updated": _stamp(date - timedelta(days=rng.randint(0, 30), seconds=rng.randrange(86400))),
        "type": {"id": type_index + 1, "name": EVENT_TYPES[type_index]},
        "agencies": rng.sample(AGENCIES, rng.choice([1, 1, 2, 2, 3])),
        "programs": rng.sample(PROGRAMS, rng.choice([0, 1, 1, 2])),
        "videos": rng.choice([0, 1, 1, 2, 3]),
        "description_words": rng.randint(8, 120),
    }


def _description(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS + ACTIONS).lower() for _ in range(words)).capitalize() + "."


def _with_id(url: str, old: int, new: int) -> str:
    return url.replace(f"/{old}/", f"/{new}/")


def _vary_common(record: dict[str, Any], f: dict[str, Any], rng: random.Random) -> None:
    old = record["id"]
    record["id"] = f["id"]
    record["url"] = _with_id(record["url"], old, f["id"])
    record["name"] = f["name"]
    record["slug"] = f["slug"]
    record["date"] = f["date"]
    record["last_updated"] = f["last_updated"]
    record["type"] = dict(f["type"])
    record["description"] = _description(rng, f["description_words"])
    template = record["vid_urls"][0]
    videos = []
    for n in range(f["videos"]):
        video = copy.deepcopy(template)
        video["url"] = f"https://www.youtube.com/watch?v=gen{f['id']}x{n}"
        video["title"] = f"{f['name']} webcast {n + 1}"
        video["priority"] = 10 - n
        videos.append(video)
    record["vid_urls"] = videos
    for update in record["updates"]:
        update["created_on"] = f["last_updated"]


def _agency_2_2_0(template: dict[str, Any], agency: tuple[int, str, str]) -> dict[str, Any]:
    out = copy.deepcopy(template)
    out["url"] = _with_id(out["url"], out["id"], agency[0])
    out["id"], out["name"], out["abbrev"] = agency
    return out


def _program_2_2_0(template: dict[str, Any], program: tuple[int, str]) -> dict[str, Any]:
    out = copy.deepcopy(template)
    out["url"] = _with_id(out["url"], out["id"], program[0])
    out["id"], out["name"] = program
    return out


def event_2_2_0(template: dict[str, Any], f: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    record = copy.deepcopy(template)
    _vary_common(record, f, rng)
    record["video_url"] = record["vid_urls"][0]["url"] if record["vid_urls"] else None
    record["agencies"] = [_agency_2_2_0(template["agencies"][0], a) for a in f["agencies"]]
    record["program"] = [_program_2_2_0(template["program"][0], p) for p in f["programs"]]
    return record


def _agency_mini(template: dict[str, Any], agency: tuple[int, str, str]) -> dict[str, Any]:
    out = copy.deepcopy(template)
    out["url"] = _with_id(out["url"], out["id"], agency[0])
    out["id"], out["name"], out["abbrev"] = agency
    return out


def event_2_3_0(template: dict[str, Any], f: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    record = copy.deepcopy(template)
    _vary_common(record, f, rng)
    record["agencies"] = [_agency_mini(template["agencies"][0], a) for a in f["agencies"]]
    programs = []
    for pid, pname in f["programs"]:
        program = copy.deepcopy(template["program"][0])
        program["url"] = _with_id(program["url"], program["id"], pid)
        program["id"], program["name"] = pid, pname
        programs.append(program)
    record["program"] = programs
    return record


def _write_lines(path: Path, lines: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def write_corpus(snapshot_dir: Path, events: int, seed: int = 7, as_of: str = "2025-06-01T00:00:00Z") -> None:
    """Write a complete snapshot folder of `events` generated events per version."""
    rng = random.Random(seed)
    t22 = orjson.loads(SEED_2_2_0.read_bytes())
    t23 = orjson.loads(SEED_2_3_0.read_bytes())
    ids = sorted(rng.sample(range(1, events * 3 + 10), events))
    v22, detailed = [], []
    for event_id in ids:
        f = _event_facets(rng, event_id)
        v22.append(orjson.dumps(event_2_2_0(t22, f, rng)))
        detailed.append(orjson.dumps(event_2_3_0(t23, f, rng)))
    _write_lines(snapshot_dir / "2.2.0" / "event.ndjson", v22)
    _write_lines(snapshot_dir / "2.3.0" / "events.detailed.ndjson", detailed)
    for mode in ("list", "normal"):
        _write_lines(
            snapshot_dir / "2.3.0" / f"events.{mode}.ndjson", [derive_mode(d, mode) for d in detailed]
        )
    meta = {
        "format": 1,
        "as_of": as_of,
        "generated": {"events": events, "seed": seed, "note": "generated corpus, not LL2 data"},
        "files": {},
    }
    (snapshot_dir / "snapshot.json").write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="content folder to create (snapshot/ goes inside)")
    parser.add_argument("--events", type=int, default=1500, help="events per version (default 1500)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args()
    write_corpus(args.out / "snapshot", args.events, args.seed)


if __name__ == "__main__":
    main()
