"""Headless Chromium loads the site from a local server: no errors, screenshots, search works."""

from pathlib import Path

import orjson
import pytest

from generator.api.engine import page
from generator.api.query import parse_request, query_path
from generator.api.times import parse_utc
from tests.answers import Reference
from tests.browser import Browser, Tab
from tests.conftest import ARTIFACTS, build_site, copy_seed_content, edit_event, site_content
from tests.sitecheck import serve

EVENT_1304 = "/events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/"


def test_the_harness_notices_dialogs_and_console_errors(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/")
            tab.evaluate("setTimeout(() => { alert('hi'); console.error('boom'); }, 0)")
            tab.settle(1.0)
            assert tab.dialogs == ["alert: hi"]
            assert any("boom" in e for e in tab.errors)
        finally:
            tab.close()


@pytest.mark.parametrize(
    "name,path",
    [
        ("home", "/"),
        ("event-1304", EVENT_1304),
        ("api-event-1304", "/2.3.0/events/1304/"),
        ("api-list", "/2.3.0/events/"),
        ("search", "/search/?q=soyuz"),
    ],
)
def test_pages_load_without_errors(seed_site: Path, browser: Browser, name: str, path: str):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + path)
            assert (
                tab.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
            )  # CSS loaded
            if name.startswith("api-"):  # rendered in the page; an event is served by 404.html
                shown(tab)
            assert tab.screenshot(ARTIFACTS / f"{name}.png").stat().st_size > 5000
            assert own_failures(tab) == [] and tab.dialogs == []
            assert [e for e in tab.errors if not e.endswith(site + path)] == [] or name.startswith("api-")
        finally:
            tab.close()


def test_exact_times_show_in_local_time_with_a_countdown(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + EVENT_1304)
            time = tab.evaluate("document.querySelector('.facts time').textContent")
            assert time != "2025-12-08 21:45 UTC" and "2025" in time  # rewritten by the browser's locale
            assert tab.evaluate("document.querySelector('.facts time').title") == "2025-12-08 21:45 UTC"
            assert tab.wait_for("document.querySelector('.facts .countdown').textContent").startswith(
                ("T-", "T+")
            )
        finally:
            tab.close()


def test_the_search_box_finds_event_1304_by_a_word_of_its_name(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/")
            tab.type_text("form.search input", "farewell")
            found = tab.wait_for(
                "[...document.querySelectorAll('.search-results a')].map(a => a.getAttribute('href'))"
            )
            assert found == [EVENT_1304]
            tab.screenshot(ARTIFACTS / "search-box.png")
            tab.evaluate("document.querySelector('.search-results a').click()")
            tab.wait_for(f"location.pathname === {EVENT_1304!r}")
            assert tab.errors == [] and tab.dialogs == []
        finally:
            tab.close()


def test_the_search_page_lists_matches_for_its_query(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/search/?q=Hatch+Soyuz")
            names = tab.wait_for("[...document.querySelectorAll('#search-list a')].map(a => a.textContent)")
            assert sorted(names) == [
                "Soyuz MS-27 Farewell Ceremony & Hatch Closing",
                "Soyuz MS-27 Hatch Opening",
            ]
            assert tab.evaluate("document.getElementById('search-query').value") == "Hatch Soyuz"
            assert tab.errors == []
        finally:
            tab.close()


def test_the_site_works_under_a_project_sub_path(tmp_path: Path, browser: Browser):
    dist = build_site(
        copy_seed_content(tmp_path / "content"), tmp_path / "dist", base_url="https://user.github.io/repo"
    )
    with serve(dist, "/repo") as site:
        tab = browser.tab(site.rsplit("/repo", 1)[0])
        try:
            tab.goto(site + "/")
            assert tab.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
            tab.type_text("form.search input", "farewell")
            assert (
                tab.wait_for("document.querySelector('.search-results a')?.getAttribute('href')")
                == "/repo" + EVENT_1304
            )
            tab.goto(site + "/2.3.0/events/")
            tab.screenshot(ARTIFACTS / "sub-path-api-list.png")
            assert tab.errors == [] and tab.dialogs == []
            # A missing page deep down gets 404.html (as GitHub Pages serves it): styled, links work
            missing = site + "/2.3.0/events/type-99/no/such/page/"
            tab.goto(missing)
            assert tab.errors and all(
                e.endswith(missing) for e in tab.errors
            )  # only the page itself is missing
            assert tab.evaluate("document.querySelector('h1').textContent") == "Not found"
            assert tab.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
            assert tab.evaluate("document.querySelector('main a').href") == site + "/"
        finally:
            tab.close()


# -- the browsable API pages: shells rendering any answer on a host that ignores queries -----


def shown(tab: Tab) -> dict:
    """What the browsable page shows once rendered: its source, request line, status, JSON."""
    tab.wait_for("document.getElementById('browse') && !document.getElementById('browse').hidden")
    return tab.evaluate(
        "(() => { const r = document.getElementById('browse'); return {"
        " source: r.dataset.source, request: r.querySelector('pre.request').textContent,"
        " status: r.querySelector('pre.headers').textContent.split('\\n')[0],"
        " json: JSON.parse(r.querySelector('pre.json').textContent),"
        " note: r.querySelector('.computed').hidden ? null : r.querySelector('.computed').textContent,"
        " human: r.querySelector('.human').hidden ? null : r.querySelector('.human a').getAttribute('href'),"
        " links: [...r.querySelectorAll('nav.paging a, .formats a, pre.json a')].map(a => [a.textContent, "
        "a.getAttribute('href')]),"
        " about: [...r.querySelectorAll('details.endpoint')].filter(d => !d.hidden).map(d => "
        "[d.dataset.version, d.open]),"
        " }; })()"
    )


def own_failures(tab: Tab) -> list[str]:
    """Errors other than the 404s a static host gives where the shell (404.html) answers and
    where a list has no file (then computed in the page)."""
    return [
        e
        for e in tab.errors
        if not e.startswith(
            (
                "HTTP 404: ",
                "log (network): Failed to load resource: the server responded with a status of 404",
            )
        )
    ]


def test_the_browsable_pages_answer_any_query_on_a_host_that_ignores_query_strings(
    corpus_site: Path, corpus_site_content: Path, browser: Browser
):
    reference = Reference.load(corpus_site_content)
    previous = reference.ids(parse_request("/2.3.0/events/previous/"))
    upcoming = reference.ids(parse_request("/2.3.0/events/upcoming/"))
    event = previous[0]
    types = sorted({f.type_id for f in reference.index.versions["2.3.0"].facets.values()})
    lists = [
        f"/2.3.0/events/?type__ids={types[0]}&mode=list",
        "/2.3.0/events/?limit=25&mode=detailed&ordering=-last_updated",
        "/2.3.0/events/upcoming/?search=a&limit=5",
        "/2.3.0/events/previous/?mode=list&offset=10",
        "/2.2.0/event/?limit=3&offset=3",
        f"/2.2.0/event/previous/?type__ids={','.join(map(str, types[:3]))}&limit=4",
        "/2.3.0/events/?date__gte=2024-01-01T00:00:00Z&mode=normal&ordering=-date",
        "/2.3.0/events/limit-100/mode-list/",
        f"/2.3.0/events/?type__ids={types[-1]}&format=api",
    ]
    details = [
        f"/2.3.0/events/{event}/",
        f"/2.3.0/events/{event}/?mode=list",
        f"/2.3.0/events/previous/{event}/?mode=normal&format=api",
        f"/2.2.0/event/{event}/",
    ]
    sources = set()
    with serve(corpus_site) as site:
        for n, url in enumerate(lists + details):
            tab = browser.tab(site)
            try:
                tab.goto(site + url)
                view = shown(tab)
                query = parse_request(url)
                precomputed = (
                    corpus_site / query_path(query.__class__(**{**query.__dict__, "format": "json"}))
                ).is_file()
                assert view["source"] == ("file" if precomputed else "computed"), url
                assert view["status"] == "HTTP 200 OK" and view["request"].startswith(
                    "GET /" + query.version + "/"
                ), url
                assert view["about"] == [[query.version, False]], url  # "About this endpoint", collapsed
                if query.is_detail:
                    assert view["json"]["id"] == event, url
                    mode = query.mode
                    if mode:
                        assert view["json"]["response_mode"] == mode, url
                    assert view["json"] == orjson.loads(
                        (
                            corpus_site
                            / query_path(
                                parse_request(
                                    f"/{query.version}/{'events' if query.version == '2.3.0' else 'event'}"
                                    f"/{event}/?mode={mode}"
                                )
                            )
                        ).read_bytes()
                    )
                else:
                    ids = reference.ids(query)
                    assert view["json"]["count"] == len(ids), url
                    assert [r["id"] for r in view["json"]["results"]] == page(ids, query), url
                    assert (view["note"] is not None) == (not precomputed), url
                sources.add(view["source"])
                assert own_failures(tab) == [] and tab.dialogs == [], (url, tab.errors)
                assert all(r.startswith(site) for r in tab.requests), (
                    tab.requests
                )  # nothing leaves the mirror
                tab.screenshot(ARTIFACTS / f"browse-{n}.png")
            finally:
                tab.close()
    assert sources == {"file", "computed"}
    assert upcoming  # the corpus has both subsets, so both kinds of answer were shown


def test_the_browsable_pages_links_are_pages_the_shell_answers(
    corpus_site: Path, corpus_site_content: Path, browser: Browser
):
    reference = Reference.load(corpus_site_content)
    ids = reference.ids(parse_request("/2.3.0/events/"))
    with serve(corpus_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/2.3.0/events/")
            first = shown(tab)
            links = dict(first["links"])
            assert first["human"] is None and "page 1 of 4 (40 events, 10 per page)" in tab.evaluate(
                "document.querySelector('nav.paging').textContent"
            )
            assert links["next \u203a"] == "/2.3.0/events/?offset=10&format=api"
            assert "\u2039 previous" not in links  # shown, not a link, on the first page
            assert links["mode=list"] == "/2.3.0/events/?mode=list&format=api"
            assert links["Raw JSON (index.json)"] == "/2.3.0/events/index.json"
            # next/previous in the JSON link to their browsable pages too
            assert [first["json"]["next"], "/2.3.0/events/?offset=10&format=api"] in first["links"]
            tab.goto(site + links["next \u203a"])
            second = shown(tab)
            assert second["request"] == "GET /2.3.0/events/?offset=10&format=api"
            assert [r["id"] for r in second["json"]["results"]] == ids[10:20]
            assert dict(second["links"])["\u2039 previous"] == "/2.3.0/events/?format=api"
            # an event's page links its records' LL2 event URLs and its human page
            tab.goto(site + f"/2.3.0/events/{ids[0]}/")
            detail = shown(tab)
            search = orjson.loads((corpus_site / "search/index.json").read_bytes())
            path = next(row[3] for row in search["events"] if row[0] == ids[0])
            assert detail["human"] == "/" + path and (corpus_site / path / "index.html").is_file()
            assert [detail["json"]["url"], f"/2.3.0/events/{ids[0]}/?format=api"] in detail["links"]
            # a single-type list links the type's page
            type_id = detail["json"]["type"]["id"]
            tab.goto(site + f"/2.3.0/events/?type__ids={type_id}")
            assert (
                shown(tab)["human"] == f"/types/{type_id}/"
                and (corpus_site / f"types/{type_id}/index.html").is_file()
            )
            assert own_failures(tab) == []
        finally:
            tab.close()


def test_the_browsable_page_of_an_event_the_snapshot_lacks_is_ll2s_404(
    corpus_site: Path, corpus_site_content: Path, browser: Browser
):
    reference = Reference.load(corpus_site_content)
    previous = reference.ids(parse_request("/2.3.0/events/previous/"))
    with serve(corpus_site) as site:
        for url in ("/2.3.0/events/987654/", f"/2.3.0/events/upcoming/{previous[0]}/"):
            tab = browser.tab(site)
            try:
                tab.goto(site + url)
                view = shown(tab)
                assert (view["status"], view["json"], view["source"]) == (
                    "HTTP 404 Not Found",
                    {"detail": "Not found."},
                    "missing",
                )
                assert "No such event" in view["note"]
                assert own_failures(tab) == []
            finally:
                tab.close()


def test_without_the_shell_a_missing_page_is_still_not_found_for_people(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/no/such/page/")
            assert tab.evaluate("document.getElementById('browse').hidden") is True
            assert tab.evaluate("document.querySelector('#static-page h1').textContent") == "Not found"
        finally:
            tab.close()


def test_a_browsable_event_page_shows_request_headers_and_linked_json(seed_site: Path, browser: Browser):
    """What the pages rendered at build time showed, now rendered in the page from the JSON."""
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/2.3.0/events/1304/")
            view = shown(tab)
            assert view["request"] == "GET /2.3.0/events/1304/?format=api"
            headers = tab.evaluate("document.querySelector('pre.headers').textContent")
            assert headers == "HTTP 200 OK\nAllow: GET\nContent-Type: application/json\nVary: Accept\n"
            about = tab.evaluate("document.querySelector('details.endpoint:not([hidden])').innerHTML")
            assert "<code>agency__ids</code>" in about  # the endpoint's description, content/api/2.3.0.md
            links = view["links"]
            assert ["Raw JSON (index.json)", "/2.3.0/events/1304/index.json"] in links
            # the record's own LL2 URL is served by the mirror: linked to its browsable page
            assert [
                "https://lldev.thespacedevs.com/2.3.0/events/1304/?format=api",
                "/2.3.0/events/1304/?format=api",
            ] in links
            assert ["mode=list", "/2.3.0/events/1304/?mode=list&format=api"] in links
            # other http(s) URLs link out; nothing else is a link
            out = [href for text, href in links if href.startswith("https://")]
            assert out and all(text == href for text, href in links if href.startswith("https://"))
            pretty = tab.evaluate("document.querySelector('pre.json').textContent")
            assert '\t"name": "Soyuz MS-27 Farewell Ceremony & Hatch Closing",\n' in pretty  # tab-indented
            tab.goto(site + "/2.2.0/event/1185/")
            view = shown(tab)
            assert [
                "https://ll.thespacedevs.com/2.2.0/event/1185/?format=api",
                "/2.2.0/event/1185/?format=api",
            ] in view["links"]
            about = tab.evaluate("document.querySelector('details.endpoint:not([hidden])').innerHTML")
            assert "<code>last_updated__gte</code>" in about
            assert not any(text.startswith("mode=") for text, _ in view["links"])  # 2.2.0 has no modes
        finally:
            tab.close()


def test_a_banner_says_when_the_data_is_more_than_two_days_old(
    seed_site: Path, browser: Browser, tmp_path: Path
):
    """The seed snapshot (2025-12-04) is old: a banner; the same site built 'now' has none."""
    from datetime import UTC, datetime

    fresh = build_site(copy_seed_content(tmp_path / "content"), tmp_path / "dist", now=datetime.now(UTC))
    for dist, expected in ((seed_site, True), (fresh, False)):
        with serve(dist) as site:
            tab = browser.tab(site)
            try:
                tab.goto(site + "/")
                banner = tab.evaluate("(document.querySelector('main > p.stale') || {}).textContent || ''")
                assert bool(banner) == expected, banner
                if expected:
                    assert (
                        banner.startswith("This data is a snapshot of 2025-12-04, ") and "days old" in banner
                    )
                    assert banner.endswith(
                        '"next" and "upcoming" mean after that date, so events listed as next may be '
                        "long past (their countdowns show T+)."
                    )
                assert tab.errors == []
            finally:
                tab.close()


def test_local_times_name_their_zone(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.send("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
            tab.goto(site + EVENT_1304)
            time = tab.evaluate("document.querySelector('.facts time').textContent")
            assert "2025" in time and ("GMT+9" in time or "JST" in time), time  # 06:45 the next day in Tokyo
            assert "9" in time.split("2025", 1)[0]  # 9 December there
        finally:
            tab.close()


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 300-event site (more than a page of upcoming events), one event with a duration."""
    root = tmp_path_factory.mktemp("paged")
    content = site_content(root / "content", 300, seed=11)
    first = orjson.loads((content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()[0])[
        "id"
    ]
    edit_event(content, first, lambda r: r.update(duration="PT5H44M"))
    return content, build_site(content, root / "dist")


def upcoming_names(content: Path) -> list[str]:
    """The names the upcoming list shows, in its order: dated events from the snapshot's now on,
    soonest first (ties by id), then the undated ones by id; each event's newest record."""
    snapshot = content / "snapshot"
    now = parse_utc(orjson.loads((snapshot / "snapshot.json").read_bytes())["as_of"])
    records = {}
    for name in ("2.2.0/event.ndjson", "2.3.0/events.detailed.ndjson"):  # newest last: it wins
        for line in (snapshot / name).read_bytes().splitlines():
            record = orjson.loads(line)
            records[record["id"]] = record
    dated = sorted(
        (parse_utc(r["date"]), i) for i, r in records.items() if r["date"] and parse_utc(r["date"]) >= now
    )
    undated = sorted(i for i, r in records.items() if not r["date"])
    return [records[i]["name"] for _, i in dated] + [records[i]["name"] for i in undated]


def test_the_events_list_has_a_second_page_with_the_next_events_in_order(paged_site, browser: Browser):
    content, dist = paged_site
    expected = upcoming_names(content)
    assert len(expected) > 50  # the corpus fills more than one page
    with serve(dist) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/events/")
            shown = "[...document.querySelectorAll('ul.events a.name')].map(a => a.textContent)"
            assert tab.evaluate(shown) == expected[:50]
            tab.evaluate("document.querySelector('nav.paging a[rel=next]').click()")
            tab.wait_for("location.pathname === '/events/page/2/'")
            tab.settle()
            assert tab.evaluate(shown) == expected[50:100]
            assert tab.evaluate("document.querySelector('nav.paging strong').textContent") == "2"
            tab.screenshot(ARTIFACTS / "events-page-2.png")
            assert tab.errors == [] and tab.dialogs == []
        finally:
            tab.close()


def test_an_event_page_shows_a_readable_duration(paged_site, browser: Browser):
    content, dist = paged_site
    record = orjson.loads((content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()[0])
    with serve(dist) as site:
        tab = browser.tab(site)
        try:
            tab.goto(f"{site}/events/{record['id']}-{record['slug']}/")
            facts = tab.evaluate("document.querySelector('.facts').innerText")
            assert "Duration: 5 h 44 min" in facts and "PT5H44M" not in facts
            assert tab.errors == []
        finally:
            tab.close()


def test_the_data_pages_table_fits_a_1280_px_window(seed_site: Path, browser: Browser):
    """/data/'s table of dumps, its sha256 column included, ends inside the page's column at
    1,280 px (it ran past the window's edge and cut the hashes)."""
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/data/")
            assert tab.evaluate("window.innerWidth") == 1280
            cells = "[...document.querySelectorAll('main table td, main table th')]"
            right = tab.evaluate(f"Math.max(...{cells}.map(c => c.getBoundingClientRect().right))")
            column = tab.evaluate("document.querySelector('main').getBoundingClientRect().right")
            assert right <= column, (right, column)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 1280
            hashes = tab.evaluate(f"{cells}.map(c => c.textContent).filter(t => /^[0-9a-f]{{64}}$/.test(t))")
            package = orjson.loads((seed_site / "datapackage.json").read_bytes())
            assert len(hashes) == len(package["resources"])  # every dump's full sha256 is on the page
            tab.screenshot(ARTIFACTS / "data-1280.png")
        finally:
            tab.close()


def test_an_event_pages_browsable_link_shows_its_record_with_status_200(seed_site: Path, browser: Browser):
    """The event's own folder has no page (GitHub Pages: 404.html, status 404): the human page
    links the endpoint's shell, asked for the list of the event's id in its detail mode."""
    record = orjson.loads((seed_site / "2.3.0/events/1304/index.json").read_bytes())
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + EVENT_1304)
            href = tab.evaluate(
                "[...document.querySelectorAll('a')].find(a => a.textContent.trim() === "
                "'API 2.3.0 (browsable)').getAttribute('href')"
            )
            assert href == "/2.3.0/events/?id=1304&mode=detailed&format=api"
            tab.goto(site + href)
            view = shown(tab)
            assert view["request"] == "GET /2.3.0/events/?id=1304&mode=detailed&format=api"
            assert view["status"] == "HTTP 200 OK"
            assert view["json"]["count"] == 1 and view["json"]["results"] == [record]
        finally:
            tab.close()
