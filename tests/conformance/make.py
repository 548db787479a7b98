"""Regenerate cases.json: `python -m tests.conformance.make` (about 15 s).

Builds the fixed corpus (corpus.py) in a temporary folder, lists the requests (`requests()`
below: each with the reason it is there) and derives each expected answer from LL2's
semantics as the mirror's engine implements them:
- API requests asking for JSON: the responder with the engine and *no files at all* (every
  answer computed from the snapshot), so a file-backed answerer that passes agrees with the
  engine byte for byte;
- the browsable page (`Accept: text/html`, `format=api`): the status of the same request's
  JSON answer, with `text/html`; the page's own bytes are not compared (`json_of` names the
  JSON it renders);
- other paths (the site's files): the responder over the built dist/.
"""

import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.responder import Engine, Request, Responder
from tests.conformance.check import describe
from tests.conformance.corpus import AS_OF, BIG_IDS, EVENTS, MAX_BYTES, SEED, build_dist, write_content

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.json"
JSON, HTML, ANY = "application/json", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "*/*"
HOST = "conformance.invalid"


@dataclass(frozen=True)
class Facts:
    """What the case list needs from the corpus: ids in and out of each subset, a slug, a video."""

    first: int  # the lowest id
    upcoming: int  # an event of /upcoming/
    previous: int  # an event of /previous/
    undated: int  # an event with no date (in neither subset)
    slug: str
    video: str
    missing: int  # an id the corpus lacks


def facts(content: Path) -> Facts:
    path = content / "snapshot" / "2.3.0" / "events.detailed.ndjson"
    records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    ids = {r["id"] for r in records}
    as_of = datetime.fromisoformat(AS_OF)
    dated = sorted((r for r in records if r["date"]), key=lambda r: (r["date"], r["id"]))
    later = [r for r in dated if datetime.fromisoformat(r["date"]) > as_of]
    earlier = [r for r in dated if datetime.fromisoformat(r["date"]) < as_of]
    video = next(r for r in records if r["vid_urls"])["vid_urls"][0]["url"]
    return Facts(
        min(ids),
        later[0]["id"],
        earlier[-1]["id"],
        next(r["id"] for r in records if not r["date"]),
        records[len(records) // 2]["slug"],
        video,
        next(n for n in range(999_999, 10**7) if n not in ids),
    )


def requests(f: Facts) -> list[tuple[str, str, str, str, str]]:
    """(id, why, method, url, accept) of every case."""
    e, e2 = "/2.3.0/events/", "/2.2.0/event/"
    long_search = "crew" + "x" * 296
    many_ids = ",".join(str(n) for n in range(1, 53))
    out = [
        # precomputed lists (the core lists every build has) and their pages
        ("list-default", "precomputed: the default list", "GET", e, JSON),
        (
            "list-mode-list-100",
            "precomputed: list mode, page size 100",
            "GET",
            e + "?mode=list&limit=100",
            JSON,
        ),
        ("list-100-offset-100", "precomputed: a later page", "GET", e + "?limit=100&offset=100", JSON),
        ("list-offset-10", "precomputed: page 2 of the default", "GET", e + "?offset=10", JSON),
        ("list-2.2.0", "precomputed: 2.2.0's list", "GET", e2, JSON),
        ("list-2.2.0-last-page", "precomputed: 2.2.0's last page", "GET", e2 + "?limit=100&offset=200", JSON),
        ("list-family-type", "a planned family (file or not, same answer)", "GET", e + "?type__ids=3", JSON),
        ("list-family-year-page", "a planned family's page 2", "GET", e + "?year=2024&offset=10", JSON),
        # computed lists
        ("computed-limit-5", "no file: limit 5", "GET", e + "?limit=5", JSON),
        ("computed-limit-5-offset-5", "no file: page 2 of limit 5", "GET", e + "?limit=5&offset=5", JSON),
        ("computed-combined", "combined filters", "GET", e + "?type__ids=1,2&year=2025&ordering=-date", JSON),
        (
            "computed-params-kept",
            "next/previous carry the request's own parameters, as DRF",
            "GET",
            e + "?limit=3&offset=3&format=json&unknown=1&type__ids=2,1",
            JSON,
        ),
        # every filter kind (2.3.0)
        ("filter-type", "type (int)", "GET", e + "?type=2", JSON),
        ("filter-type-ids", "type__ids (int list)", "GET", e + "?type__ids=3,1", JSON),
        ("filter-id", "id (int list)", "GET", e + f"?id={f.first},{f.upcoming},{f.missing}", JSON),
        ("filter-agency", "agency__ids", "GET", e + "?agency__ids=44,27", JSON),
        ("filter-program", "program (int list)", "GET", e + "?program=17", JSON),
        ("filter-program-repeated", "program repeated adds up", "GET", e + "?program=17&program=8", JSON),
        ("filter-year", "year", "GET", e + "?year=2024,2026", JSON),
        ("filter-month", "month", "GET", e + "?month=3", JSON),
        ("filter-day", "day", "GET", e + "?day=1,15", JSON),
        # day/month/year are django-filter NumberFilters (the document: `number`): a Decimal
        # whose whole part is compared, so 15.0 and 1.5e1 are day 15 and 15.9 is too
        ("filter-day-decimal", "day=1.0,1.5e1 as day=1,15", "GET", e + "?day=1.0,1.5e1", JSON),
        ("filter-day-fraction", "day=15.9: its whole part, 15", "GET", e + "?day=15.9", JSON),
        ("filter-month-huge", "month=6.4e16: no month, 200", "GET", e + "?month=6.4e16", JSON),
        ("filter-slug", "slug", "GET", e + f"?slug={f.slug}", JSON),
        ("filter-video-url", "video_url", "GET", e + f"?video_url={f.video}", JSON),
        ("filter-date-gt", "date__gt", "GET", e + "?date__gt=2025-06-01T00:00:00Z", JSON),
        (
            "filter-date-gte",
            "date__gte with an offset zone",
            "GET",
            e + "?date__gte=2025-01-01T00:00:00%2B02:00",
            JSON,
        ),
        ("filter-date-lt", "date__lt", "GET", e + "?date__lt=2019-01-01", JSON),
        ("filter-date-lte", "date__lte", "GET", e + "?date__lte=2019-01-01T00:00:00Z", JSON),
        (
            "filter-date-gt-lt",
            "the spec's date__gt__lt spelling",
            "GET",
            e + "?date__gt__lt=2019-01-01",
            JSON,
        ),
        ("filter-last-updated-gte", "last_updated__gte", "GET", e + "?last_updated__gte=2025-01-01", JSON),
        ("filter-last-updated-lte", "last_updated__lte", "GET", e + "?last_updated__lte=2024-01-01", JSON),
        (
            "filter-hide-recent",
            "hide_recent_previous (upcoming only)",
            "GET",
            e + "upcoming/?hide_recent_previous=true",
            JSON,
        ),
        (
            "filter-hide-recent-on-all",
            "hide_recent_previous is ignored off upcoming",
            "GET",
            e + "?hide_recent_previous=true",
            JSON,
        ),
        ("filter-unknown-ignored", "an unknown parameter is ignored", "GET", e + "?launcher=5", JSON),
        ("filter-2.2.0-type", "2.2.0 type", "GET", e2 + "?type=1", JSON),
        ("filter-2.2.0-agency", "2.2.0 agency__ids", "GET", e2 + "?agency__ids=37", JSON),
        (
            "filter-2.2.0-last-updated",
            "2.2.0 last_updated (exact)",
            "GET",
            e2 + "?last_updated=2025-01-01T00:00:00Z",
            JSON,
        ),
        (
            "filter-2.2.0-last-updated-gte",
            "2.2.0 last_updated__gte",
            "GET",
            e2 + "?last_updated__gte=2025-01-01",
            JSON,
        ),
        ("filter-2.2.0-year-ignored", "2.2.0 has no year filter", "GET", e2 + "?year=2024", JSON),
        # search
        ("search-word", "search: one word, any case", "GET", e + "?search=DOCKING", JSON),
        ("search-words", "search: every word must match", "GET", e + "?search=hatch+opening", JSON),
        ("search-empty", "search=: no filter", "GET", e + "?search=", JSON),
        ("search-nothing", "search that matches nothing", "GET", e + "?search=zzzz", JSON),
        (
            "search-long",
            "a 300-character search (was no answer at all from serve)",
            "GET",
            e + f"?search={long_search}",
            JSON,
        ),
        # orderings
        ("order-date", "ordering=date", "GET", e + "?ordering=date", JSON),
        ("order-minus-date", "ordering=-date", "GET", e + "?ordering=-date", JSON),
        ("order-last-updated", "ordering=last_updated", "GET", e + "?ordering=last_updated", JSON),
        ("order-minus-last-updated", "ordering=-last_updated", "GET", e + "?ordering=-last_updated", JSON),
        ("order-two", "two fields", "GET", e + "?ordering=-last_updated,date", JSON),
        (
            "order-case",
            "ordering=-DATE is unknown: the default order (DRF matches case)",
            "GET",
            e + "?ordering=-DATE",
            JSON,
        ),
        ("order-unknown", "unknown field: the default order", "GET", e + "?ordering=name", JSON),
        ("order-previous-default", "previous lists newest first", "GET", e + "previous/?limit=5", JSON),
        # limits and offsets
        ("limit-0", "limit=0: the default", "GET", e + "?limit=0", JSON),
        ("limit-negative", "limit=-1: the default", "GET", e + "?limit=-1", JSON),
        ("limit-text", "limit=abc: the default", "GET", e + "?limit=abc", JSON),
        ("limit-1", "limit=1", "GET", e + "?limit=1", JSON),
        ("limit-7-offset-3", "odd limit and offset", "GET", e + "?limit=7&offset=3", JSON),
        ("limit-101", "limit over 100 is 100", "GET", e + "?limit=101", JSON),
        ("limit-1000", "limit=1000 is 100", "GET", e + "?limit=1000&offset=100", JSON),
        ("offset-negative", "offset=-3: 0", "GET", e + "?offset=-3", JSON),
        ("offset-text", "offset=abc: 0", "GET", e + "?offset=abc", JSON),
        ("offset-last", "the last item", "GET", e + f"?offset={EVENTS - 1}", JSON),
        (
            "offset-at-end",
            "offset = count: empty results, a previous link",
            "GET",
            e + f"?offset={EVENTS}",
            JSON,
        ),
        ("offset-past-end", "offset past the end", "GET", e + "?offset=1000&limit=20", JSON),
        # modes
        ("mode-list", "mode=list", "GET", e + "?mode=list", JSON),
        ("mode-normal", "mode=normal (the lists' default)", "GET", e + "?mode=normal", JSON),
        ("mode-detailed", "mode=detailed", "GET", e + "?mode=detailed&limit=3", JSON),
        ("mode-case", "mode=LIST is unknown: the default mode", "GET", e + "?mode=LIST", JSON),
        ("mode-unknown", "unknown mode: the default", "GET", e + "?mode=full", JSON),
        ("mode-2.2.0", "2.2.0 has no modes", "GET", e2 + "?mode=list&limit=2", JSON),
        ("detail", "an event (detailed by default)", "GET", e + f"{f.first}/", JSON),
        ("detail-list", "an event in list mode", "GET", e + f"{f.first}/?mode=list", JSON),
        ("detail-normal", "an event in normal mode", "GET", e + f"{f.first}/?mode=normal", JSON),
        (
            "detail-ignores-list-params",
            "an event ignores list parameters",
            "GET",
            e + f"{f.first}/?limit=5&type=99",
            JSON,
        ),
        ("detail-2.2.0", "a 2.2.0 event", "GET", e2 + f"{f.first}/", JSON),
        # upcoming / previous
        ("upcoming", "the upcoming list", "GET", e + "upcoming/", JSON),
        ("upcoming-page", "upcoming, computed page", "GET", e + "upcoming/?limit=4&offset=4&mode=list", JSON),
        ("previous", "the previous list", "GET", e + "previous/", JSON),
        ("previous-ordered", "previous, another order", "GET", e + "previous/?ordering=date&limit=3", JSON),
        ("upcoming-2.2.0", "2.2.0 upcoming", "GET", e2 + "upcoming/", JSON),
        ("upcoming-id", "an upcoming event under upcoming/", "GET", e + f"upcoming/{f.upcoming}/", JSON),
        (
            "upcoming-id-outside",
            "a past event under upcoming/: 404",
            "GET",
            e + f"upcoming/{f.previous}/",
            JSON,
        ),
        (
            "upcoming-id-undated",
            "an event with no date is in neither subset",
            "GET",
            e + f"upcoming/{f.undated}/",
            JSON,
        ),
        ("previous-id", "a past event under previous/", "GET", e + f"previous/{f.previous}/?mode=list", JSON),
        (
            "previous-id-outside",
            "a coming event under previous/: 404",
            "GET",
            e + f"previous/{f.upcoming}/",
            JSON,
        ),
        (
            "previous-id-2.2.0-outside",
            "2.2.0: a coming event under previous/",
            "GET",
            e2 + f"previous/{f.upcoming}/",
            JSON,
        ),
        # unknown ids, versions, paths
        ("unknown-id", "an id the mirror lacks", "GET", e + f"{f.missing}/", JSON),
        ("unknown-id-2.2.0", "an id 2.2.0 lacks", "GET", e2 + f"{f.missing}/", JSON),
        (
            "id-above-2-53",
            "an id above 2^53 (read exactly, not as a float)",
            "GET",
            e + "9007199254740993/",
            JSON,
        ),
        ("id-2-53", "the id 2^53, beside 2^53 + 1", "GET", e + "9007199254740992/?mode=list", JSON),
        ("id-above-2-53-missing", "an id past 2^53 the mirror lacks", "GET", e + "9007199254740995/", JSON),
        ("filter-id-above-2-53", "id=2^53+1: that event only", "GET", e + "?id=9007199254740993", JSON),
        (
            "list-big-ids",
            "both ids past 2^53 in one list, each once",
            "GET",
            e + "?search=bignum&mode=list",
            JSON,
        ),
        ("id-above-2-63", "an id above 2^63-1", "GET", e + "9223372036854775808/", JSON),
        ("id-negative", "a negative id", "GET", e + "-538/", JSON),
        ("id-zero", "id 0", "GET", e + "0/", JSON),
        ("unknown-version", "an unknown version: LL2's JSON 404", "GET", "/2.9.0/events/", JSON),
        (
            "short-version",
            "a first segment that starts with a digit: the API's JSON 404",
            "GET",
            "/2.3/",
            JSON,
        ),
        (
            "unknown-version-html",
            "an unknown version asked by a browser: still JSON",
            "GET",
            "/2.9.0/events/",
            HTML,
        ),
        ("wrong-endpoint", "2.3.0 has no /event/", "GET", "/2.3.0/event/", JSON),
        ("unknown-endpoint", "an endpoint the mirror lacks", "GET", "/2.3.0/launches/", JSON),
        ("unknown-subset", "no such subset", "GET", e + "recent/", JSON),
        ("made-up-segment", "a made-up segment with a '-'", "GET", e + "foo-bar/", JSON),
        ("made-up-number", "a made-up number with a '-'", "GET", e + "8.6e-125/", JSON),
        ("made-up-after-id", "a made-up segment after an id", "GET", e + f"{f.first}/foo-bar/", JSON),
        ("made-up-after-subset", "a made-up segment after a subset", "GET", e + "upcoming/foo-bar/", JSON),
        (
            "bad-escape-segment",
            "a mirror segment whose escape is no UTF-8 (was a traceback)",
            "GET",
            e + "search-~FF/",
            JSON,
        ),
        ("nul-in-path", "a NUL in the path (was no answer)", "GET", "/%00", JSON),
        ("nul-in-api-path", "a NUL in an API path", "GET", e + "%00/", JSON),
        # bad values: DRF's {"field": ["reason"]}
        ("bad-type", "type=abc", "GET", e + "?type=abc", JSON),
        ("bad-type-ids", "type__ids=1,x", "GET", e + "?type__ids=1,x", JSON),
        ("bad-date", "date__gte=yesterday", "GET", e + "?date__gte=yesterday", JSON),
        ("bad-year", "year=MMXX", "GET", e + "?year=MMXX", JSON),
        ("bad-day-nan", "day=NaN: DecimalField refuses it", "GET", e + "?day=NaN", JSON),
        # type is a ModelChoiceFilter on 32-bit ids: past them no type, DRF's 400
        ("bad-type-int32", "type=2^31", "GET", e + "?type=2147483648", JSON),
        ("bad-type-below-int32", "type=-2^31-1", "GET", e + "?type=-2147483649", JSON),
        (
            "bad-hide-recent",
            "hide_recent_previous=maybe",
            "GET",
            e + "upcoming/?hide_recent_previous=maybe",
            JSON,
        ),
        ("bad-2.2.0-program", "2.2.0 program=x", "GET", e2 + "?program=x", JSON),
        (
            "date-extreme",
            "a date past year 9999 in UTC (was a traceback)",
            "GET",
            e + "?date__gte=9999-12-31T23:59:59-23:59",
            JSON,
        ),
        (
            "date-extreme-low",
            "a date before year 1 in UTC",
            "GET",
            e + "?date__lt=0001-01-01T00:00:00%2B01:00",
            JSON,
        ),
        # long values
        ("long-ids", "52 ids at once (was no answer at all)", "GET", e + f"?id={many_ids}", JSON),
        ("long-type-ids", "a 52-value type__ids", "GET", e + f"?type__ids={many_ids}", JSON),
        ("long-number", "a 5,000-digit year: no year (200)", "GET", e + "?year=" + "9" * 5000, JSON),
        # methods
        ("head-list", "HEAD: the GET's status and headers, no body", "HEAD", e + "?limit=2", JSON),
        ("post-list", "POST: DRF's 405", "POST", e, JSON),
        ("put-detail", "PUT: DRF's 405", "PUT", e + f"{f.first}/", JSON),
        ("delete-detail", "DELETE: DRF's 405", "DELETE", e + f"{f.first}/", JSON),
        ("patch-list", "PATCH: DRF's 405", "PATCH", e + "upcoming/", JSON),
        ("options-list", "OPTIONS: LL2's views allow GET only, so DRF answers 405", "OPTIONS", e, JSON),
        (
            "post-unknown-version",
            "POST anywhere: 405 (the method is checked first)",
            "POST",
            "/2.9.0/events/",
            JSON,
        ),
        # no trailing slash: Django's APPEND_SLASH
        ("no-slash-list", "/2.3.0/events: 301", "GET", "/2.3.0/events", JSON),
        ("no-slash-query", "the query string is kept", "GET", "/2.3.0/events?limit=5&type=2", JSON),
        ("no-slash-detail", "an event without its slash", "GET", e + f"{f.first}", JSON),
        ("no-slash-upcoming", "upcoming without its slash", "GET", e + "upcoming", JSON),
        ("no-slash-unknown", "no slash and nothing there: 404", "GET", e + "foo", JSON),
        # the browsable API
        ("html-list", "Accept: text/html on a list", "GET", e, HTML),
        ("html-computed", "Accept: text/html on a computed list", "GET", e + "?limit=5&search=docking", HTML),
        ("html-detail", "Accept: text/html on an event", "GET", e + f"{f.first}/", HTML),
        ("html-upcoming", "Accept: text/html on upcoming", "GET", e + "upcoming/?limit=3", HTML),
        ("format-api", "format=api", "GET", e + "?format=api", JSON),
        ("format-api-detail", "format=api on an event", "GET", e + f"{f.first}/?format=api", JSON),
        (
            "format-api-missing",
            "format=api on a missing event: its 404",
            "GET",
            e + f"{f.missing}/?format=api",
            JSON,
        ),
        (
            "format-api-outside",
            "format=api, an event outside upcoming/",
            "GET",
            e + f"upcoming/{f.previous}/?format=api",
            JSON,
        ),
        (
            "format-json-wins",
            "format=json with a browser's Accept: JSON",
            "GET",
            e + "?format=json&limit=2",
            HTML,
        ),
        ("format-api-2.2.0", "format=api on 2.2.0", "GET", e2 + "?format=api", JSON),
        ("any-accept", "Accept: */*: JSON", "GET", e + "?limit=2", ANY),
        # the rest of the site
        ("site-home", "the home page", "GET", "/", HTML),
        ("site-folder-no-slash", "a folder of the site without its slash: 301", "GET", "/about", HTML),
        ("site-missing", "a page the site lacks: 404.html", "GET", "/no/such/page/", HTML),
        (
            "site-dot-dot",
            "/../../../../etc: the same 404 as any missing path",
            "GET",
            "/../../../../etc",
            HTML,
        ),
        ("site-dot-dot-slash", "/../../../../etc/: 404", "GET", "/../../../../etc/", HTML),
        ("site-encoded-slash", "/%2Fabout: a 301 on the site, never off-site", "GET", "/%2Fabout", HTML),
        ("site-double-slash", "//about: never off-site", "GET", "//about", HTML),
        ("site-post", "POST to a page: 405", "POST", "/", HTML),
    ]
    return out


def _html_answer(responder: Responder, json_responder: Responder, method: str, url: str) -> dict[str, Any]:
    """A browsable-page case: the JSON answer's status, text/html; or a JSON error."""
    answer = responder.answer(Request(method, url, {"host": HOST, "accept": HTML}))
    if not answer.content_type.startswith("text/html"):
        return _json_answer(json_responder, method, url, HTML)
    parts = urlsplit(url)
    json_of = parts.path + ("?" + parts.query if parts.query else "")
    json_of = json_of.replace("format=api", "format=json")
    return {
        "status": answer.status,
        "content_type": "text/html; charset=utf-8",
        "headers": {"access-control-allow-origin": "*"},
        "json_of": json_of,
    }


def _json_answer(responder: Responder, method: str, url: str, accept: str) -> dict[str, Any]:
    answer = responder.answer(Request(method, url, {"host": HOST, "accept": accept}))
    headers = {"access-control-allow-origin": "*"}
    for name in ("Allow", "Location"):
        if name in answer.headers:
            headers[name.lower()] = answer.headers[name]
    out: dict[str, Any] = {"status": answer.status, "content_type": answer.content_type, "headers": headers}
    if answer.status == 301:  # Django's is empty, a web server's a page: not compared
        return out
    return {**out, **describe(b"" if method == "HEAD" else answer.body)}


def derive(content: Path, dist: Path, empty: Path) -> list[dict[str, Any]]:
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    cases = []
    with RecordSource(index) as records:
        engine = Engine(index, records, index.snapshot.as_of)
        computed = Responder(empty, "", engine)  # no files: every API answer is the engine's
        site = Responder(dist, "", engine)
        for case_id, why, method, url, accept in requests(facts(content)):
            path = urlsplit(url).path
            api = path.startswith(("/2.", "/%00")) and path != "/%00"
            if not api:
                expect = _json_answer(site, method, url, accept)
                if expect["status"] != 405:  # CORS is the API's promise; 405 is the same everywhere
                    expect["headers"].pop("access-control-allow-origin")
                if expect["content_type"].startswith("text/html"):
                    expect.pop("body", None)  # the site's own page: its digest is compared
            elif accept == HTML or "format=api" in url:
                expect = _html_answer(site, computed, method, url)
            else:
                expect = _json_answer(computed, method, url, accept)
            request = {"method": method, "url": url, "accept": accept}
            cases.append({"id": case_id, "why": why, "request": request, "expect": expect})
    return cases


def write(cases: list[dict[str, Any]], target: Path) -> None:
    """One case per line, so that a review reads a diff case by case."""
    head = {
        "format": 1,
        "about": "LL2 conformance cases of ll2-static: see README.md beside this file",
        "corpus": {
            "generator": "bench/corpus.py",
            "events": EVENTS,
            "big_ids": list(BIG_IDS),
            "seed": SEED,
            "as_of": AS_OF,
            "max_bytes": MAX_BYTES,
        },
        "regenerate": "python -m tests.conformance.make",
    }
    lines = [json.dumps(c, ensure_ascii=False, separators=(", ", ": ")) for c in cases]
    text = json.dumps(head, indent=1)[:-2] + ',\n "cases": [\n' + ",\n".join(lines) + "\n ]\n}\n"
    target.write_text(text, encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        root = Path(tmp)
        content = write_content(root / "content")
        dist = build_dist(content, root / "dist")
        (root / "empty").mkdir()
        cases = derive(content, dist, root / "empty")
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    write(cases, CASES)
    print(f"wrote {CASES} ({len(cases)} cases)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
