"""A link checker walks every HTML file: no internal link, image or feed reference is broken."""

import shutil
from pathlib import Path

from generator.pipeline import build
from generator.settings import BuildSettings
from tests.conftest import build_site
from tests.sitecheck import broken_links, link_statuses


def test_no_internal_link_is_broken_at_the_hosts_root(corpus_site: Path):
    broken, checked = broken_links(corpus_site, "https://example.org")
    assert broken == []
    assert checked > 1500  # every page's navigation, rows, feeds and assets (the browsable pages
    # render their links in the page: tests/test_browser.py checks those)


def test_no_internal_link_is_broken_under_a_project_sub_path(corpus_site_content: Path, tmp_path: Path):
    dist = build_site(corpus_site_content, tmp_path / "dist", base_url="https://user.github.io/repo")
    broken, checked = broken_links(dist, "https://user.github.io/repo")
    assert broken == []
    assert checked > 1500
    # The same files published at a host's root would break: every link carries the sub-path.
    assert broken_links(dist, "https://example.org")[0] != []
    # Served under the sub-path as GitHub Pages serves it, every link is a 200.
    statuses, linked_from = link_statuses(dist, "/repo")
    assert {url: (status, linked_from[url]) for url, status in statuses.items() if status != 200} == {}
    assert len(statuses) > 300


def test_the_link_checker_reports_a_missing_page(seed_site: Path, tmp_path: Path):
    dist = tmp_path / "dist"
    shutil.copytree(seed_site, dist)
    shutil.rmtree(dist / "types" / "17")
    broken, _ = broken_links(dist, "https://example.org")
    assert "events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/index.html: /types/17/" in broken


def test_the_api_lists_the_listings_link_are_kept_when_the_budget_drops_others(
    corpus_site_content: Path, tmp_path: Path
):
    dist = tmp_path / "dist"
    report = build(BuildSettings(content_dir=corpus_site_content, dist_dir=dist, max_files=1500))
    assert report.budget is not None
    assert sum(f.dropped_lists for f in report.budget.families.values()) > 0  # the budget binds
    linked = [
        a.split('"')[1]
        for page in dist.glob("*/*/index.html")
        if page.parts[-3] in ("types", "agencies", "programs", "years")
        for a in page.read_text().split('class="api" href=')[1:]
    ]
    assert len(linked) >= 2 * 30  # browsable and JSON, for each listing
    json_files = [href for href in linked if href.endswith("/index.json")]
    assert len(json_files) >= 30
    assert [href for href in json_files if not (dist / href.lstrip("/")).exists()] == []
    assert broken_links(dist, "https://example.org")[0] == []


def test_every_link_the_site_writes_is_a_200_on_a_host_that_serves_as_github_pages(corpus_site: Path):
    """Pages ignores the query string and answers a path without a file (a list's or an
    event's folder holds index.json, no index.html) with 404.html, status 404: the page
    renders, but the status says missing. Every link, image, script and feed is a 200."""
    statuses, linked_from = link_statuses(corpus_site)
    assert {url: (status, linked_from[url]) for url, status in statuses.items() if status != 200} == {}
    browsable = [url for url in statuses if "format=api" in url]
    assert any("?type__ids=" in url for url in browsable)  # the type pages' API lists
    assert any("?id=" in url and "mode=detailed" in url for url in browsable)  # the events' pages
    assert len(statuses) > 300


def test_the_crawl_reports_a_folder_without_a_page_as_githubs_404(seed_site: Path, tmp_path: Path):
    dist = tmp_path / "dist"
    shutil.copytree(seed_site, dist)
    page = dist / "types" / "17" / "index.html"
    page.write_text(page.read_text().replace("</body>", '<a href="/2.3.0/events/1304/">x</a></body>'))
    statuses, _ = link_statuses(dist)
    assert [status for url, status in statuses.items() if url.endswith("/2.3.0/events/1304/")] == [404]
