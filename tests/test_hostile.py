"""A hostile record: nothing in it executes, and nothing it names leaves its folder."""

from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest

from tests.browser import Browser
from tests.conftest import ARTIFACTS, build_site, copy_seed_content, edit_event
from tests.sitecheck import serve

NAME = "<img src=x onerror=alert(1)> Hostile Farewell"
DESCRIPTION = "<script>alert(1)</script> ends here </script><script>alert(2)</script> & more"


def make_hostile_1304(record: dict) -> None:
    record.update(name=NAME, description=DESCRIPTION, slug="../../etc")
    record["vid_urls"][0]["url"] = "javascript:alert(3)"
    record["vid_urls"][1]["url"] = " JaVaScRiPt:alert(4)"
    record["image"]["license"]["link"] = "javascript:alert(5)"
    record["updates"][0]["info_url"] = "javascript:alert(6)"
    record["type"]["name"] = '"><svg onload=alert(7)>'
    record["location"] = "</title><script>alert(8)</script>"


def make_hostile_1185(record: dict) -> None:
    record.update(
        name="</script><script>alert(9)</script>",
        slug="../../../tmp/owned",
        feature_image="javascript:alert(10)",
    )
    record["vid_urls"][0]["url"] = "data:text/html,<script>alert(11)</script>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    copy_seed_content(content)
    edit_event(content, 1304, make_hostile_1304)
    edit_event(content, 1185, make_hostile_1185)
    return build_site(content, root / "dist")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_slugs_stay_inside_the_events_folder(hostile_site: Path):
    assert sorted(p.name for p in hostile_site.parent.iterdir()) == [".dist.cache", "content", "dist"]
    assert (hostile_site / "events/1304-etc/index.html").is_file()
    assert (hostile_site / "events/1185-tmp-owned/index.html").is_file()
    assert not (hostile_site / "etc").exists() and not (hostile_site / "tmp").exists()


def test_no_built_page_has_a_script_handler_or_javascript_url_from_the_data(hostile_site: Path):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20  # the site's pages and the browsable shells (no HTML per answer)
    for page in pages:
        parser = _Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parser.tags:
            assert not [a for a in attrs if a.startswith("on")], f"{page}: <{tag} {attrs}>"
            assert tag != "svg", page
            for name in ("href", "src"):
                value = attrs.get(name)
                if value is not None:
                    assert value.startswith(("/", "https://", "http://")), f"{page}: {name}={value!r}"
            if tag == "script":
                assert (
                    attrs.get("src") in ("/static/site.js", "/static/browse.js", "/ll2-static.js")
                    or attrs.get("type") == "application/ld+json"
                ), page
            if tag == "img":
                assert attrs["src"].startswith("https://"), page


def test_hostile_text_is_shown_as_text(hostile_site: Path):
    html = (hostile_site / "events/1304-etc/index.html").read_text(encoding="utf-8")
    assert "<h1>&lt;img src=x onerror=alert(1)&gt; Hostile Farewell</h1>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ends here &lt;/script&gt;" in html
    # In the embedded JSON-LD the description cannot close the script element.
    ld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003c/script\\u003e" in ld and "<" not in ld
    assert "(link not shown: not an http(s) address)" in html


def test_the_json_mirror_still_serves_the_record_as_sent(hostile_site: Path):
    body = (hostile_site / "2.3.0/events/1304/index.json").read_bytes()
    sent = b'"description":"<script>alert(1)</script> ends here </script><script>alert(2)</script>'
    assert sent + b' & more"' in body
    assert b'"slug":"../../etc"' in body


def test_feeds_with_hostile_text_still_parse(hostile_site: Path):
    (event,) = icalendar.Calendar.from_ical((hostile_site / "calendar/upcoming.ics").read_bytes()).walk(
        "VEVENT"
    )
    assert str(event["SUMMARY"]) == NAME
    titles = [
        e.text
        for e in ElementTree.parse(hostile_site / "feeds/updated.atom").iter(
            "{http://www.w3.org/2005/Atom}title"
        )
    ]
    assert NAME in titles


def test_in_the_browser_nothing_hostile_runs(hostile_site: Path, browser: Browser):
    with serve(hostile_site) as site:
        tab = browser.tab(site)
        try:
            for name, path in (
                ("hostile-event", "/events/1304-etc/"),
                ("hostile-api", "/2.3.0/events/1304/"),
                ("hostile-home", "/"),
                ("hostile-2.2.0-event", "/events/1185-tmp-owned/"),
            ):
                tab.goto(site + path)
                if name == "hostile-api":  # rendered in the page from the JSON: text, never markup
                    text = tab.wait_for(
                        "!document.getElementById('browse').hidden && "
                        "document.querySelector('pre.json').textContent"
                    )
                    assert "</script><script>alert(2)</script>" in text and "javascript:alert(3)" in text
                    assert tab.evaluate("document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
                tab.screenshot(ARTIFACTS / f"{name}.png")
                injected = "img[onerror], svg, script:not([src]):not([type])"
                assert tab.evaluate(f"document.querySelectorAll({injected!r}).length") == 0
            tab.goto(site + "/events/1304-etc/")
            assert tab.evaluate("document.querySelector('h1').textContent") == NAME
            tab.type_text("form.search input", "hostile")
            shown = tab.wait_for("document.querySelector('.search-results a')?.textContent")
            assert shown == NAME
            # follow it: still nothing runs
            tab.evaluate("document.querySelector('.search-results a').click()")
            tab.settle(1.0)
            assert tab.dialogs == []
            # The event's browsable view is served by 404.html (as GitHub Pages does): that 404 only.
            assert [e for e in tab.errors if "/2.3.0/events/1304/" not in e] == []
        finally:
            tab.close()
