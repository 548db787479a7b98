"""What a build publishes stays well-formed and inert whatever LL2 sends or the options hold
(issue 24, items 15 and 16): every XML file parses, and --base-url is an http(s) URL or refused."""

from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.site.render import render_markdown
from tests.conftest import edit_event, tree_digest

#: A character of every class XML 1.0 forbids that JSON can carry (its `Char` production;
#: lone surrogates are not valid JSON, and a snapshot holding one is refused as malformed).
FORBIDDEN = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"


def test_every_xml_file_is_well_formed_whatever_characters_names_hold(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    def hostile(record: dict) -> None:
        record["name"] = f"Soyuz{FORBIDDEN} & <Progress>"
        record["type"]["name"] = f"Docking{FORBIDDEN}"
        record["description"] = f"A{FORBIDDEN}B"

    for event in (1185, 1304):
        edit_event(seed_content, event, hostile)
    dist = tmp_path / "dist"
    code, _, err = build_runner(
        "--content", str(seed_content), "--dist", str(dist), "--base-url", "https://m.test/x"
    )
    assert code == 0, err
    xml_files = [p for p in dist.rglob("*") if p.suffix in (".xml", ".atom")]
    assert {p.name for p in xml_files} >= {"sitemap.xml", "updated.atom"}
    for path in xml_files:
        ElementTree.fromstring(path.read_bytes())  # raises ParseError on any forbidden character
    updated = (dist / "feeds" / "updated.atom").read_text(encoding="utf-8")
    assert "<title>Soyuz &amp; &lt;Progress&gt;</title>" in updated
    assert 'term="Docking"' in updated


@pytest.mark.parametrize(
    "base_url",
    [
        '"><script>alert(1)</script>',
        'https://m.test/x"><script>alert(1)</script>',
        "javascript:alert(1)",
        "ftp://m.test/x",
        "https://user:pw@m.test/x",
        "https://m.test/x?a=1",
        "https://m.test/x#top",
        "https://m.test/a b",
        "https://m.test/x\nSitemap: https://evil.test/",
        "/ll2-static",
        "https://",
    ],
)
def test_a_base_url_that_is_not_an_http_url_is_refused_before_building(
    base_url: str, seed_content: Path, tmp_path: Path, capsys
) -> None:
    from generator.cli import main

    dist, before = tmp_path / "dist", tree_digest(seed_content)
    with pytest.raises(SystemExit) as exit_:
        main(["--content", str(seed_content), "--dist", str(dist), "--base-url", base_url])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    last = err.splitlines()[-1]
    assert last.startswith("build.py: error: argument --base-url: ") and "is not an http(s) URL" in last
    assert "Traceback" not in err and tree_digest(seed_content) == before and not dist.exists()


@pytest.mark.parametrize(
    "base_url",
    [
        "https://user.github.io/ll2-static",
        "http://[::1]:8000/a/b~c/",
        "https://m.test",
        "https://m.test/%7Ex",
    ],
)
def test_an_http_base_url_is_accepted(base_url: str, tmp_path: Path) -> None:
    from generator.cli import make_parser

    assert make_parser().parse_args(["--base-url", base_url]).base_url == base_url


def test_the_base_path_is_escaped_where_markdown_links_are_moved_under_it() -> None:
    html = render_markdown("[about](/about/)", '/x"><script>alert(1)</script>')
    assert "<script>" not in html and 'href="/x&#34;&gt;&lt;script&gt;' in html
