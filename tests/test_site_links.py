"""A link checker walks every HTML file: no internal link, image or feed reference is broken."""

import shutil
from pathlib import Path

from tests.conftest import build_site
from tests.sitecheck import broken_links


def test_no_internal_link_is_broken_at_the_hosts_root(corpus_site: Path):
    broken, checked = broken_links(corpus_site, "https://example.org")
    assert broken == []
    assert checked > 1500  # every page's navigation, rows, feeds and assets (the browsable pages
    # render their links in the page: tests/test_browser.py checks those)


def test_no_internal_link_is_broken_under_a_project_sub_path(
    corpus_site_content: Path, tmp_path: Path
):
    dist = build_site(
        corpus_site_content, tmp_path / "dist", base_url="https://user.github.io/repo"
    )
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
    assert (
        "events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/index.html: /types/17/" in broken
    )
