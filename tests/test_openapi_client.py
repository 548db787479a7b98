"""A client generated from the mirror's own OpenAPI (dist/openapi/2.3.0/events.json) by
openapi-python-client runs every Events operation against `build.py serve`, as an app would:
the site is built with --base-url on serve's origin, so the document's `servers` is where
the client goes; every list follows `next` to the end with the client's own HTTP client.

A call is right when its status is LL2's and the generated models parse the answer into the
records the Python engine (tests/answers.py) selects for the request sent: count, ids in
order, `next` until the last page; one event's bytes are its record's.
"""

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.api.openapi import OPENAPI_PATH
from generator.api.query import Query, parse_request
from tests.answers import Reference
from tests.conftest import ServedSite

pytestmark = pytest.mark.slow

PACKAGE = "ll2_mirror_client"


@pytest.fixture(scope="module")
def generated(served_site: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client openapi-python-client writes from the document the build wrote, imported."""
    folder = tmp_path_factory.mktemp("generated")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", str(served_site.dist / OPENAPI_PATH)),
            *("--meta", "none", "--output-path", str(folder / PACKAGE)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@dataclass
class Calls:
    """Every request the generated client made, and which were right."""

    sent: list[str] = field(default_factory=list)  # the URL of each request, in order
    wrong: dict[str, str] = field(default_factory=dict)  # call name -> what was wrong
    total: int = 0

    def check(self, name: str, problem: str | None) -> None:
        self.total += 1
        if problem is not None:
            self.wrong[name] = problem


def _next(page: Any) -> str | None:
    """The page's `next` (the generated model's `next_`: a string, None or unset)."""
    return page.next_ if isinstance(page.next_, str) else None


def _list_problem(page: Any, reference: Reference, query: Query, offset: int) -> str | None:
    """What differs between a parsed page and the engine's page of `query` at `offset`."""
    ids = reference.ids(query)
    want = ids[offset : offset + query.limit]
    got = [record.id for record in page.results]
    if (page.count, got) != (len(ids), want):
        return f"count {page.count}, ids {got}; the engine: {len(ids)}, {want}"
    if (_next(page) is None) != (offset + query.limit >= len(ids)):
        return f"next is {_next(page)!r} at offset {offset} of {len(ids)}"
    return None


def run_list(
    client: Any, models: ModuleType, calls: Calls, reference: Reference, name: str, call: Any
) -> None:
    """One list operation, then its `next` links to the end, each request checked."""
    response = call()
    if response.status_code != 200 or response.parsed is None:
        calls.check(name, f"{response.status_code}: {response.content[:200]!r}")
        return
    query = parse_request(calls.sent[-1])  # what LL2 reads from the request sent
    page, offset, number = response.parsed, query.offset, 1
    calls.check(name, _list_problem(page, reference, query, offset))
    while _next(page) is not None and number < 100:
        link = _next(page)
        answer = client.get_httpx_client().get(link)
        number += 1
        if answer.status_code != 200:
            calls.check(f"{name}: next #{number}", f"{link}: {answer.status_code}")
            return
        page = models.PaginatedPolymorphicEventsEndpointList.from_dict(answer.json())
        offset += query.limit
        calls.check(f"{name}: next #{number}", _list_problem(page, reference, query, offset))


def test_the_generated_client_runs_every_events_operation(
    served_site: ServedSite, generated: ModuleType
) -> None:
    site = served_site
    reference = Reference.load(site.content)
    spec = json.loads((site.dist / OPENAPI_PATH).read_text())
    assert spec["servers"][0]["url"] == site.base  # the client goes where the document says
    ops = {name: importlib.import_module(f"{PACKAGE}.api.events.{name}") for name in _OPERATIONS}
    models = importlib.import_module(f"{PACKAGE}.models")
    calls = Calls()

    def record(request: httpx.Request) -> None:
        calls.sent.append(str(request.url))

    client = generated.AuthenticatedClient(
        base_url=spec["servers"][0]["url"],
        token="unused",
        prefix="Token",
        httpx_args={"event_hooks": {"request": [record]}},
    )
    with client:
        for name, operation, kwargs in list_calls(reference):
            run_list(
                client,
                models,
                calls,
                reference,
                name,
                partial(ops[operation].sync_detailed, client=client, **kwargs),
            )
        for name, operation, event_id, status in detail_calls(reference):
            response = ops[operation].sync_detailed(client=client, id=event_id)
            if status == 404:
                problem = None if response.status_code == 404 else f"{response.status_code}, LL2 answers 404"
            elif response.status_code != 200 or response.parsed is None:
                problem = f"{response.status_code}: {response.content[:200]!r}"
            else:
                record_bytes = reference.lines[("2.3.0", "detailed")][event_id]
                same = response.parsed.id == event_id and response.content == record_bytes
                problem = None if same else f"event {response.parsed.id}, not the record of {event_id}"
            calls.check(name, problem)
    right = calls.total - len(calls.wrong)
    print(f"\ngenerated client: {right}/{calls.total} calls right; wrong: {calls.wrong}")
    assert calls.total >= 40 and set(ops) == set(_OPERATIONS)
    assert not calls.wrong, calls.wrong


_OPERATIONS = (
    "events_list",
    "events_retrieve",
    "events_upcoming_list",
    "events_upcoming_retrieve",
    "events_previous_list",
    "events_previous_retrieve",
)


def _ids(reference: Reference, url: str) -> list[int]:
    return reference.ids(parse_request(url))


def list_calls(reference: Reference) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, operation, arguments): every parameter of the list operations at least once,
    with values that select events of the corpus."""
    records = reference.lines[("2.3.0", "detailed")]
    first = json.loads(records[_ids(reference, "/2.3.0/events/?ordering=date")[0]])
    agency = next(
        json.loads(line)["agencies"][0]["id"] for line in records.values() if json.loads(line)["agencies"]
    )
    program = next(
        json.loads(line)["program"][0]["id"] for line in records.values() if json.loads(line)["program"]
    )
    video = next(
        json.loads(line)["vid_urls"][0]["url"] for line in records.values() if json.loads(line)["vid_urls"]
    )
    when = datetime.fromisoformat(first["date"].replace("Z", "+00:00"))
    since = datetime(2025, 1, 1, tzinfo=UTC)
    word = first["name"].split()[0]
    out: list[tuple[str, str, dict[str, Any]]] = [
        ("events_list", "events_list", {}),
        ("events_list: limit=100", "events_list", {"limit": 100}),
        ("events_list: limit=7 offset=20", "events_list", {"limit": 7, "offset": 20}),
        ("events_list: ordering=-last_updated", "events_list", {"ordering": "-last_updated", "limit": 25}),
        ("events_list: search", "events_list", {"search": word}),
        ("events_list: type__ids", "events_list", {"type_ids": [first["type"]["id"]]}),
        ("events_list: type", "events_list", {"type_": first["type"]["id"]}),
        ("events_list: id", "events_list", {"id": [first["id"]]}),
        ("events_list: agency__ids", "events_list", {"agency_ids": [agency]}),
        ("events_list: program", "events_list", {"program": [program]}),
        ("events_list: date__gte", "events_list", {"date_gte": since}),
        ("events_list: date__lte", "events_list", {"date_lte": since}),
        ("events_list: date__gt", "events_list", {"date_gt": when}),
        ("events_list: date__gt__lt", "events_list", {"date_gt_lt": since}),
        ("events_list: last_updated__gte", "events_list", {"last_updated_gte": since}),
        ("events_list: last_updated__lte", "events_list", {"last_updated_lte": since}),
        ("events_list: year", "events_list", {"year": [when.year]}),
        ("events_list: month", "events_list", {"month": [when.month]}),
        ("events_list: day", "events_list", {"day": [when.day]}),
        # The document types day/month/year as `number`: the generated client takes floats.
        ("events_list: day as a float", "events_list", {"day": [float(when.day)]}),
        ("events_list: slug", "events_list", {"slug": first["slug"]}),
        ("events_list: video_url", "events_list", {"video_url": [video]}),
        ("events_upcoming_list", "events_upcoming_list", {}),
        (
            "events_upcoming_list: hide_recent_previous",
            "events_upcoming_list",
            {"hide_recent_previous": True},
        ),
        ("events_upcoming_list: ordering=-date", "events_upcoming_list", {"ordering": "-date", "limit": 3}),
        ("events_previous_list", "events_previous_list", {}),
        (
            "events_previous_list: ordering=date limit=100",
            "events_previous_list",
            {"ordering": "date", "limit": 100},
        ),
    ]
    return out


def detail_calls(reference: Reference) -> list[tuple[str, str, int, int]]:
    """(name, operation, id, LL2's status): events in and out of each subset, and none."""
    upcoming = _ids(reference, "/2.3.0/events/upcoming/?limit=100")[0]
    previous = _ids(reference, "/2.3.0/events/previous/?limit=100")[0]
    missing = max(_ids(reference, "/2.3.0/events/?limit=100")) + 1
    return [
        ("events_retrieve", "events_retrieve", previous, 200),
        ("events_retrieve: an unknown id", "events_retrieve", missing, 404),
        ("events_upcoming_retrieve", "events_upcoming_retrieve", upcoming, 200),
        ("events_upcoming_retrieve: a previous event", "events_upcoming_retrieve", previous, 404),
        ("events_previous_retrieve", "events_previous_retrieve", previous, 200),
        ("events_previous_retrieve: an upcoming event", "events_previous_retrieve", upcoming, 404),
    ]
