"""A link checker walks every HTML file: no internal link, image or feed reference is broken."""

import shutil
from pathlib import Path

from generator.pipeline import build
from generator.settings import BuildSettings
from tests.conftest import build_site
from tests.sitecheck import broken_links


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
    assert [href for href in linked if not (dist / href.lstrip("/")).exists()] == []
    assert broken_links(dist, "https://example.org")[0] == []
