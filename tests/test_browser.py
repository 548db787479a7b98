"""Headless Chromium loads the site from a local server: no errors, screenshots, search works."""

from pathlib import Path

import orjson
import pytest

from generator.snapshot import parse_utc
from tests.browser import Browser
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
                tab.evaluate("getComputedStyle(document.querySelector('header.site')).display")
                == "flex"
            )  # CSS loaded
            assert tab.screenshot(ARTIFACTS / f"{name}.png").stat().st_size > 5000
            assert tab.errors == [] and tab.dialogs == []
        finally:
            tab.close()


def test_exact_times_show_in_local_time_with_a_countdown(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + EVENT_1304)
            time = tab.evaluate("document.querySelector('.facts time').textContent")
            assert (
                time != "2025-12-08 21:45 UTC" and "2025" in time
            )  # rewritten by the browser's locale
            assert (
                tab.evaluate("document.querySelector('.facts time').title")
                == "2025-12-08 21:45 UTC"
            )
            assert tab.wait_for(
                "document.querySelector('.facts .countdown').textContent"
            ).startswith(("T-", "T+"))
        finally:
            tab.close()


def test_the_search_box_finds_event_1304_by_a_word_of_its_name(seed_site: Path, browser: Browser):
    with serve(seed_site) as site:
        tab = browser.tab(site)
        try:
            tab.goto(site + "/")
            tab.type_text("form.search input", "farewell")
            found = tab.wait_for(
                "[...document.querySelectorAll('.search-results a')]"
                ".map(a => a.getAttribute('href'))"
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
            names = tab.wait_for(
                "[...document.querySelectorAll('#search-list a')].map(a => a.textContent)"
            )
            assert sorted(names) == [
                "Soyuz MS-27 Farewell Ceremony & Hatch Closing",
                "Soyuz MS-27 Hatch Opening",
            ]
            assert tab.evaluate("document.getElementById('search-query').value") == "Hatch Soyuz"
            assert tab.errors == []
        finally:
            tab.close()


def test_the_site_works_under_a_project_sub_path(tmp_path: Path, browser: Browser):
    dist = build_site(copy_seed_content(tmp_path / "content"), tmp_path / "dist", base_url="https://user.github.io/repo")
    with serve(dist, "/repo") as site:
        tab = browser.tab(site.rsplit("/repo", 1)[0])
        try:
            tab.goto(site + "/")
            assert (
                tab.evaluate("getComputedStyle(document.querySelector('header.site')).display")
                == "flex"
            )
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
            assert (
                tab.evaluate("getComputedStyle(document.querySelector('header.site')).display")
                == "flex"
            )
            assert tab.evaluate("document.querySelector('main a').href") == site + "/"
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
    first = orjson.loads((content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()[0])["id"]
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
