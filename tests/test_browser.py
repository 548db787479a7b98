"""Headless Chromium loads the site from a local server: no errors, screenshots, search works."""

from pathlib import Path

import pytest

from tests.browser import Browser
from tests.conftest import ARTIFACTS, build_site, copy_seed_content
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


def test_a_banner_says_when_the_data_is_more_than_two_days_old(seed_site: Path, browser: Browser, tmp_path: Path):
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
                    assert banner.startswith("This data is a snapshot of 2025-12-04, ") and "days old" in banner
                assert tab.errors == []
            finally:
                tab.close()
