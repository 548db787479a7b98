"""Regenerate tests/data/query_vectors.json: LL2 URLs and the canonical path (or error) of each.

    python -m tests.make_query_vectors

The table is shared by the Python tests and the JS client's Node tests. Queries are drawn from
the value space of bench/corpus.py (seeded, so the file only changes when this script does):
the planner's families in LL2-style spellings, combinations no one precomputes, odd values.
"""

import json
import random
from pathlib import Path
from urllib.parse import quote

from bench.corpus import AGENCIES, EVENT_TYPES, PROGRAMS, WORDS
from generator.api.query import parse_request, query_path
from generator.api.versions import VERSIONS
from generator.errors import QueryError

OUT = Path(__file__).resolve().parent / "data" / "query_vectors.json"
ENDPOINT = {version: spec.endpoint for version, spec in VERSIONS.items()}


def _facet(rng: random.Random, version: str) -> list[tuple[str, str]]:
    kind = rng.choice(["type", "type__ids", "agency", "program", "year", "month", "pair"])
    if version == "2.2.0" and kind in ("year", "month"):
        kind = "type__ids"
    types = range(1, len(EVENT_TYPES) + 1)
    if kind == "type":
        return [("type", str(rng.choice(types)))]
    if kind == "type__ids":
        return [("type__ids", str(rng.choice(types)))]
    if kind == "pair":
        a, b = rng.sample(range(1, 9), 2)
        return [("type__ids", f"{a},{b}")]
    if kind == "agency":
        return [("agency__ids", str(rng.choice(AGENCIES)[0]))]
    if kind == "program":
        return [("program", str(rng.choice(PROGRAMS)[0]))]
    year = str(rng.randint(2017, 2027))
    return [("year", year)] + ([("month", str(rng.randint(1, 12)))] if kind == "month" else [])


def _extra(rng: random.Random, version: str) -> list[tuple[str, str]]:
    """Filters no planner family covers (the JS fallback answers these)."""
    choices = [
        ("search", rng.choice(WORDS).lower()),
        ("search", f"{rng.choice(WORDS)} {rng.randint(1, 40)}"),
        ("agency__ids", ",".join(str(a[0]) for a in rng.sample(AGENCIES, 2))),
        ("program", str(rng.choice(PROGRAMS)[0])),
        ("last_updated__gte", f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-15T00:00:00Z"),
        ("last_updated__lte", f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-15"),
    ]
    if version == "2.3.0":
        choices += [
            ("date__gte", f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-01T00:00:00Z"),
            ("date__lt", f"20{rng.randint(18, 26)}-1{rng.randint(0, 2)}-01T12:00:00+02:00"),
            ("date__gt__lt", f"20{rng.randint(20, 27)}-06-01"),
            ("day", ",".join(str(rng.randint(1, 28)) for _ in range(3))),
            ("month", str(rng.randint(1, 12))),
            ("year", f"{rng.randint(2017, 2027)},{rng.randint(2017, 2027)}"),
            ("type__ids", f"{rng.randint(1, 18)},{rng.randint(1, 18)},{rng.randint(1, 18)}"),
        ]
    return [rng.choice(choices)]


def _presentation(rng: random.Random, version: str) -> list[tuple[str, str]]:
    out = []
    if rng.random() < 0.6:
        out.append(("limit", rng.choice(["10", "100", "500", "abc", "0", "100", "25"])))
    if rng.random() < 0.5:
        out.append(("offset", rng.choice(["0", "10", "20", "100", "7", "-3"])))
    if rng.random() < 0.5:
        out.append(
            (
                "ordering",
                rng.choice(
                    [
                        "date",
                        "-date",
                        "last_updated",
                        "-last_updated",
                        "name",
                        "-last_updated,date",
                        "date,-date",
                    ]
                ),
            )
        )
    if version == "2.3.0" and rng.random() < 0.7:
        out.append(("mode", rng.choice(["list", "normal", "detailed", "list", "bogus"])))
    return out


def _url(version: str, subset: str, pairs: list[tuple[str, str]]) -> str:
    path = f"/{version}/{ENDPOINT[version]}/" + ("" if subset == "all" else f"{subset}/")
    if not pairs:
        return path
    return path + "?" + "&".join(f"{k}={quote(v, safe=',:')}" for k, v in pairs)


def urls(rng: random.Random) -> list[str]:
    out = []
    for n in range(560):
        version = rng.choice(["2.2.0", "2.3.0", "2.3.0"])
        kind = (0, 1, 2, 3, 4, 0, 0, 1, 4)[n % 9]
        subset = "all"
        if kind == 0:  # one facet, as the planner writes it
            pairs = _facet(rng, version) + _presentation(rng, version)
        elif kind == 1:  # upcoming/previous with their orderings
            subset = rng.choice(["upcoming", "previous"])
            pairs = _presentation(rng, version)
            if version == "2.3.0" and subset == "upcoming" and rng.random() < 0.3:
                pairs.append(("hide_recent_previous", rng.choice(["true", "false", "1"])))
        elif kind == 2:  # filters combined: computed client-side
            pairs = _facet(rng, version) + _extra(rng, version) + _presentation(rng, version)
        elif kind == 3:  # filters alone, not precomputed
            subset = rng.choice(["all", "all", "upcoming", "previous"])
            pairs = _extra(rng, version) + _presentation(rng, version)
        else:  # the core lists and their pages
            pairs = _presentation(rng, version)
        rng.shuffle(pairs)
        out.append(_url(version, subset, pairs))
    out += [
        "/2.3.0/events/?type__ids=2,8&mode=list",
        "/2.3.0/events/?type__ids=8%2C2&mode=list&limit=10&offset=0&format=json",
        "/2.3.0/events/?type=2&type__ids=2,8",
        "/2.3.0/events/?type=3&type__ids=2,8",
        "/2.3.0/events/?program=5&program=17",
        "/2.3.0/events/?type__ids=1&type__ids=2",
        "/2.3.0/events/?search=Soyuz,Crew&ordering=-last_updated,date,-date",
        "/2.3.0/events/?date__gte=2020-01-01+05:30&limit=1_0",
        "/2.3.0/events/?date__gte=2020-02-30",
        "/2.3.0/events/?date__gte=2020-01-01T00:00%2B23:59",  # the largest offset Python takes
        "/2.3.0/events/?date__lt=2020-01-01T00:00-2400",
        "/2.3.0/events/?type=abc",
        "/2.3.0/events/?type=2147483647",
        "/2.3.0/events/?type=2147483648",
        "/2.3.0/events/?type=-2147483649",
        "/2.3.0/events/?day=13.0,1.3e1,+0.0014e4,00012.9&month=-0.5,.5e1&year=2_024.9",
        "/2.3.0/events/?day=9.3e18&month=-1e999999999&year=9223372036854775807.9",
        "/2.3.0/events/?day=1e-99999999999,1.,0e5",
        "/2.3.0/events/?day=NaN",
        "/2.3.0/events/?month=1e",
        "/2.3.0/events/?year=-.",
        "/2.3.0/events/?agency__ids=44,x",
        "/2.3.0/events/?last_updated__lte=yesterday",
        "/2.3.0/events/upcoming/?hide_recent_previous=maybe",
        "/2.2.0/event/?last_updated=2025-04-03T06:58:54Z",
        "/2.2.0/event/?year=2020&mode=list",
        "/2.3.0/events/?slug=soyuz-1-docking-5&video_url=https://www.youtube.com/watch?v=gen5x0",
        "/2.3.0/events/?id=9,3,3&ordering=last_updated",
        "/2.3.0/events/1304/?mode=list&limit=5",
        "/2.2.0/event/1185/?format=api",
        "/2.1.0/event/",
    ]
    return out


def vector(url: str) -> dict[str, str]:
    try:
        return {"url": url, "path": query_path(parse_request(url))}
    except QueryError as exc:
        return {"url": url, "error": str(exc)}


def main() -> None:
    table = [vector(u) for u in urls(random.Random(2025))]
    OUT.write_text(json.dumps({"about": __doc__.splitlines()[0], "vectors": table}, indent=1) + "\n")
    print(f"{OUT}: {len(table)} vectors")


if __name__ == "__main__":
    main()
