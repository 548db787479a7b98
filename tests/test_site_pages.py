"""The human site and the browsable API pages, read from the built files of the real seeds."""

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import httpx
import orjson
import pytest

from generator.cli import main
from generator.errors import RenderError
from generator.site.render import Renderer
from tests.conftest import build_site, edit_event
from tests.sitecheck import page_refs, serve

EVENT_1304 = "events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/index.html"
EVENT_1185 = "events/1185-soyuz-ms-27-hatch-opening/index.html"


def read(dist: Path, relpath: str) -> str:
    return (dist / relpath).read_text(encoding="utf-8")


def test_an_event_page_shows_everything_the_record_says(seed_site: Path):
    html = read(seed_site, EVENT_1304)
    assert "<h1>Soyuz MS-27 Farewell Ceremony &amp; Hatch Closing</h1>" in html
    assert '<time datetime="2025-12-08T21:45:00Z" data-local>2025-12-08 21:45 UTC</time>' in html
    assert 'data-countdown="2025-12-08T21:45:00Z"' in html
    assert '<a class="tag" href="/types/17/">Farewell Ceremony</a>' in html
    # image lazy loaded from its source, with credit and licence
    assert (
        'src="https://thespacedevs-dev.nyc3.digitaloceanspaces.com/media/images/soyuz_ms_in_orb_image_thumbnail_20240313130407.jpeg"'
        in html
    )
    assert 'loading="lazy"' in html and "Credit: ESA/NASA/T. Pesquet" in html
    assert ">ESA Standard Licence</a>" in html
    assert "NASA will livestream the farewell ceremony" in html
    # webcasts with markers, agencies, launches, expeditions, walks, stations, programs, updates
    assert '<a href="https://www.youtube.com/watch?v=_ga47xnD5Bc" rel="nofollow noopener">' in html
    assert html.count('<span class="badge official">official</span>') == 2
    assert '<span class="badge live">' not in html  # both webcasts say live: false
    assert '<a href="/agencies/44/">NASA</a>' in html and '<a href="/agencies/63/">RFSA</a>' in html
    for text in (
        "Soyuz 2.1a | Soyuz MS-27",
        "Launch Successful",
        "Expedition 73",
        "Expedition 73 EVA 3",
        "duration 6 h 54 min",  # LL2's PT6H54M, readable
        "International Space Station",
        "Low Earth Orbit",
        "Cosmic_Penguin",
        "Added event.",
    ):
        assert text in html, text
    assert "PT6H54M" not in html
    # related launches link to the URL their record gives
    assert (
        '<a href="https://lldev.thespacedevs.com/2.3.0/launches/a3c9c47e-976e-40a5-8889-30c407131e3a/?format=api"'
        ' rel="nofollow noopener">Soyuz 2.1a | Soyuz MS-27</a>' in html
    )
    assert '<a href="/programs/8/">Soyuz</a>' in html
    # the endpoint's shell (a 200 on GitHub Pages; the event's folder has no page of its own)
    shell = "/2.3.0/events/?id=1304&amp;mode=detailed&amp;format=api"
    assert f'<a href="{shell}">API 2.3.0 (browsable)</a>' in html
    assert '<a href="/2.3.0/events/1304/index.json">API 2.3.0 (JSON)</a>' in html


def test_an_event_page_carries_its_data_as_schema_org_json(seed_site: Path):
    html = read(seed_site, EVENT_1304)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Event" and data["name"] == "Soyuz MS-27 Farewell Ceremony & Hatch Closing"
    assert data["startDate"] == "2025-12-08T21:45:00Z"


def test_a_2_2_0_only_event_gets_a_page_with_its_feature_image(seed_site: Path):
    html = read(seed_site, EVENT_1185)
    assert "<h1>Soyuz MS-27 Hatch Opening</h1>" in html
    assert (
        'src="https://thespacedevs-prod.nyc3.digitaloceanspaces.com/media/images/soyuz_ms_in_orb_image_20240313130407.jpeg"'
        in html
    )
    # 2.2.0 has no `id` filter, so no shell answers its event with a 200 (its folder has no
    # page): the page links its JSON only
    assert '<a href="/2.2.0/event/1185/index.json">API 2.2.0 (JSON)</a>' in html
    assert "API 2.2.0 (browsable)" not in html


def test_a_date_is_shown_no_more_precisely_than_ll2_knows_it(seed_content: Path, tmp_path: Path):
    month = {
        "id": 7,
        "name": "Month",
        "abbrev": "M",
        "description": "The T-0 is accurate to the month.",
    }
    edit_event(seed_content, 1304, lambda r: r.update(date_precision=month))
    dist = build_site(seed_content, tmp_path / "dist")
    html = read(dist, EVENT_1304)
    facts = re.search(r'<p class="facts">(.*?)</p>', html, re.S).group(1)
    assert '<time datetime="2025-12-08T21:45:00Z">December 2025</time>' in facts
    assert "21:45 UTC" not in facts and "data-countdown" not in facts  # no time of day, no countdown


def test_the_home_page_lists_next_events_with_countdowns_and_recent_ones(seed_site: Path):
    html = read(seed_site, "index.html")
    upcoming, recent = html.split("<h2>Recent events</h2>")
    assert 'href="/events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/"' in upcoming
    assert 'data-countdown="2025-12-08T21:45:00Z"' in upcoming
    assert 'href="/events/1185-soyuz-ms-27-hatch-opening/"' in recent


def test_the_home_page_says_next_is_after_the_snapshots_time_not_today(seed_site: Path, tmp_path: Path):
    """A year-old snapshot's "next" event shows T+360d: the page says the list is relative to
    the snapshot's time and the countdowns to the reader's clock."""
    from datetime import UTC, datetime

    from tests.conftest import copy_seed_content

    note = "After 2025-12-04 17:06 UTC, the time of this snapshot, not today's date: the countdowns run"
    upcoming = read(seed_site, "index.html").split("<h2>Recent events</h2>")[0]
    assert note in upcoming
    later = datetime(2025, 12, 6, tzinfo=UTC)  # built with --now: it is that time, not the snapshot's
    dist = build_site(copy_seed_content(tmp_path / "content"), tmp_path / "dist", now=later)
    assert "After 2025-12-06 00:00 UTC, the time this site was built for, not today's date" in read(
        dist, "index.html"
    )


def test_index_pages_per_type_agency_program_and_year(seed_site: Path):
    assert "Soyuz MS-27 Farewell Ceremony" in read(seed_site, "types/17/index.html")
    assert "Soyuz MS-27 Hatch Opening" not in read(seed_site, "types/17/index.html")
    nasa = read(seed_site, "agencies/44/index.html")
    assert "Soyuz MS-27 Farewell Ceremony" in nasa and "Soyuz MS-27 Hatch Opening" in nasa
    assert 'href="/calendar/agencies/44.ics"' in nasa
    assert "Soyuz MS-27 Hatch Opening" in read(seed_site, "programs/17/index.html")
    year = read(seed_site, "years/2025/index.html")
    assert "Soyuz MS-27 Farewell Ceremony" in year and "Soyuz MS-27 Hatch Opening" in year
    hub = read(seed_site, "events/index.html")
    for folder in ("types", "agencies", "programs", "years"):
        assert f'href="/{folder}/"' in hub


def test_every_json_answer_is_answered_by_a_browsable_shell_on_a_static_host(corpus_site: Path):
    """No HTML beside each answer: a shell at each list endpoint and 404.html (which a static
    host such as GitHub Pages serves at any other path) render them (tests/test_browser.py)."""
    answers = list(corpus_site.glob("2.*/**/index.json"))
    assert len(answers) > 100
    shells = sorted(p.relative_to(corpus_site).as_posix() for p in corpus_site.glob("2.*/**/index.html"))
    assert shells == sorted(
        f"{v}/{e}/{s}index.html"
        for v, e in (("2.2.0", "event"), ("2.3.0", "events"))
        for s in ("", "previous/", "upcoming/")
    )
    for shell in [*shells, "404.html"]:
        html = read(corpus_site, shell)
        assert (
            '<script src="/ll2-static.js" defer></script>' in html
            and '<script src="/static/browse.js" defer></script>' in html
        )
        # Both versions' descriptions (content/api/*.md), collapsed; the script shows the one asked.
        assert (
            html.count('<details class="endpoint"') == 2
            and '<details class="endpoint" data-version="2.3.0" hidden>' in html
        )
        assert "<code>agency__ids</code>" in html and "<code>last_updated__gte</code>" in html
    with serve(corpus_site) as site:
        for answer in answers[:: max(1, len(answers) // 40)]:
            folder = "/" + answer.parent.relative_to(corpus_site).as_posix() + "/"
            response = httpx.get(site + folder + "?format=api")
            assert b'src="/static/browse.js"' in response.content, folder
    assert (
        '<noscript><p>This view needs JavaScript. The JSON answer is <a href="/2.3.0/events/index.json">'
        in read(corpus_site, "2.3.0/events/index.html")
    )


def test_content_pages_come_from_markdown(seed_site: Path):
    about = read(seed_site, "about/index.html")
    assert "<h1>About</h1>" in about and "The Space Devs" in about
    assert "<table>" in read(seed_site, "using-the-mirror/index.html")
    licence = read(seed_site, "licence/index.html")
    assert "<h1>Data licence and attribution</h1>" in licence
    assert 'href="/licence/"' in read(seed_site, "index.html")  # every page's footer links it


def test_github_pages_plumbing_files(seed_site: Path):
    assert (seed_site / ".nojekyll").is_file()
    assert not (seed_site / "CNAME").exists()
    assert "Not found" in read(seed_site, "404.html")
    robots = read(seed_site, "robots.txt")
    assert robots.startswith("User-agent: *\n") and "Sitemap:" not in robots  # no absolute URL known
    locs = [
        e.text
        for e in ElementTree.parse(seed_site / "sitemap.xml").iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert "/" in locs and "/events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/" in locs


def test_a_custom_domain_writes_cname_and_absolute_sitemap(seed_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    code, _, err = build_runner(
        "--content",
        str(seed_content),
        "--dist",
        str(dist),
        "--cname",
        "Events.Example.org",
        "--base-url",
        "https://events.example.org",
    )
    assert code == 0, err
    assert (dist / "CNAME").read_text() == "events.example.org\n"
    assert "Sitemap: https://events.example.org/sitemap.xml" in (dist / "robots.txt").read_text()
    assert "<loc>https://events.example.org/about/</loc>" in (dist / "sitemap.xml").read_text()


def test_a_cname_that_is_not_a_host_name_is_refused_before_building(
    seed_content: Path, tmp_path: Path, capsys
):
    with pytest.raises(SystemExit) as exit_info:
        main(["--content", str(seed_content), "--dist", str(tmp_path / "dist"), "--cname", "../evil"])
    assert exit_info.value.code == 2
    assert (
        "argument --cname: '../evil' is not a host name such as events.example.org" in capsys.readouterr().err
    )
    assert not (tmp_path / "dist").exists()


def test_pages_load_no_css_js_or_fonts_from_elsewhere_and_images_lazily(corpus_site: Path):
    for page in list(corpus_site.glob("*.html")) + list(corpus_site.glob("events/*/index.html"))[:5]:
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
            for ref in page_refs(tag):
                assert ref.startswith("/"), f"{page}: {tag}"
        assert all('loading="lazy"' in tag for tag in re.findall(r"<img\b[^>]*>", html)), page


def test_a_live_webcast_is_marked_live(seed_content: Path, tmp_path: Path):
    edit_event(seed_content, 1304, lambda r: r["vid_urls"][1].update(live=True))
    html = read(build_site(seed_content, tmp_path / "dist"), EVENT_1304)
    webcasts = html.split("<h2>Webcasts</h2>")[1].split("</ul>")[0].split("<li>")[1:]
    assert ['<span class="badge live">live</span>' in w for w in webcasts] == [False, True]


def test_a_failing_template_names_itself_and_the_page(tmp_path: Path):
    (tmp_path / "base.html").write_text("{{ chrome.missing }}")
    with pytest.raises(RenderError) as error:
        Renderer(tmp_path).render("base.html", "events/1304-x/index.html", chrome={})
    assert str(error.value) == (
        "template base.html: rendering events/1304-x/index.html: 'dict object' has no attribute 'missing'"
    )


def test_a_templates_folder_without_a_base_layout_is_refused(tmp_path: Path):
    with pytest.raises(RenderError, match="no base.html here; is this the templates folder"):
        Renderer(tmp_path)


def test_adding_and_removing_a_custom_domain_rebuilds(seed_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    base = ("--content", str(seed_content), "--dist", str(dist))
    assert build_runner(*base)[0] == 0
    assert not (dist / "CNAME").exists()
    code, out, _ = build_runner(*base, "--cname", "events.example.org")
    assert code == 0 and "up to date" not in out
    assert (dist / "CNAME").read_text() == "events.example.org\n"
    assert build_runner(*base)[0] == 0
    assert not (dist / "CNAME").exists()


@pytest.mark.parametrize("name", ["events", "types", "search"])
def test_a_content_page_named_like_a_site_index_is_refused_naming_the_file(
    seed_content: Path, tmp_path: Path, build_runner, name: str
):
    (seed_content / "pages" / f"{name}.md").write_text("# Mine\n", encoding="utf-8")
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(tmp_path / "dist"))
    assert code == 1 and out == ""
    assert err == (
        f"Error: {seed_content / 'pages' / f'{name}.md'}: the site already has a page at /{name}/ "
        f"(the '{name}' index); give this Markdown page another file name\n"
    )
    assert not (tmp_path / "dist").exists()


def test_an_event_summary_kept_between_builds_is_the_one_its_record_gives(corpus_content: Path):
    """The build keeps each event's summary in its memo (as JSON) instead of reading the
    record again: what comes back must equal what the record gives, to the microsecond and
    the UTC offset."""
    from generator.site.views import summarise, summary_from_json, summary_json

    records = [
        orjson.loads(line)
        for line in (corpus_content / "snapshot" / "2.3.0" / "events.detailed.ndjson")
        .read_bytes()
        .splitlines()
    ]
    records += [
        orjson.loads(line)
        for line in (corpus_content / "snapshot" / "2.2.0" / "event.ndjson").read_bytes().splitlines()
    ]
    odd = dict(records[0], date="2031-02-03T04:05:06.789+02:00", last_updated=None, duration="P1DT2H3M4.5S")
    undated = dict(records[1], date=None, date_precision=None, duration=None, agencies=[], program=[])
    for record in [*records, odd, undated]:
        summary = summarise(record, "2.3.0", "/t/{id}/", "/a/{id}/", "/p/{id}/", "/e/")
        kept = summary_from_json(orjson.loads(orjson.dumps(summary_json(summary))))
        assert kept == summary
        assert repr(kept) == repr(summary)
    assert summarise(odd, "2.3.0", "", "", "", "").duration.microseconds == 500000


def test_the_home_page_says_when_it_is_built_from_the_embedded_seed_snapshot(
    seed_site: Path, corpus_site: Path, tmp_path: Path
) -> None:
    """The seed (never fetched) says so; a fetched snapshot does not; every page carries its date."""
    from tests.conftest import copy_seed_content

    home = (seed_site / "index.html").read_text(encoding="utf-8")
    assert 'class="seed"' in home and "seed snapshot embedded in the project (2 events" in home
    assert 'data-as-of="2025-12-04T17:06:15Z"' in home
    assert 'class="seed"' not in (corpus_site / "index.html").read_text(encoding="utf-8")
    content = copy_seed_content(tmp_path / "content")
    meta_path = content / "snapshot" / "snapshot.json"
    meta = orjson.loads(meta_path.read_bytes())
    for entry in meta["files"].values():
        entry["fetched_at"] = meta["as_of"]  # as `build.py fetch` records it
    meta_path.write_bytes(orjson.dumps(meta))
    fetched = build_site(content, tmp_path / "dist")
    assert 'class="seed"' not in (fetched / "index.html").read_text(encoding="utf-8")
    assert "snapshot as of 2025-12-04 17:06 UTC" in (fetched / "data" / "index.html").read_text(
        encoding="utf-8"
    )
