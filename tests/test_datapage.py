"""The /data/ page lists every resource of the data package, whatever its format."""

from typing import Any

from generator.opendata.write import OpenData
from generator.settings import BuildSettings
from generator.site.datapage import data_markdown
from generator.site.links import SiteLinks
from generator.site.render import Blanks, render_markdown


def _resource(path: str, fmt: str, **extra: Any) -> dict[str, Any]:
    return {"path": path, "format": fmt, "hash": "sha256:" + "ab" * 32, **extra}


def test_a_resource_of_a_new_format_gets_its_row() -> None:
    resources = [
        _resource("dumps/2.3.0/events.sqlite", "sqlite"),
        _resource("dumps/2.3.0/events.csv", "csv", schema={}),
        _resource("dumps/2.3.0/events.ndjson.gz", "ndjson", compression="gz", jsonSchema="schemas/e.json"),
        _resource("dumps/2.3.0/events.parquet", "parquet"),
    ]
    data = OpenData([], {}, {}, {"resources": resources}, {r["path"]: 2_500 for r in resources})
    links = SiteLinks(BuildSettings(base_url="https://example.test"))
    page = data_markdown(data, {"2.3.0": 7}, "2025-06-01T00:00:00Z", links)
    assert "(/dumps/2.3.0/events.parquet) | parquet | 2.5 KB | 7 | none |" in page
    assert "| CSV | 2.5 KB | 7 | Table Schema in datapackage.json |" in page
    assert "| NDJSON, gzip | 2.5 KB | 7 | [JSON Schema](/schemas/e.json) |" in page
    assert "| SQLite | 2.5 KB | 7 | SQL tables: events, events_fts, link tables (datapackage.json) |" in page


def test_the_page_rendered_without_its_values_and_filled_equals_the_page_rendered_whole() -> None:
    """The /data/ page's HTML is remembered with its changing values left out (render.Blanks)
    and the values put back: byte for byte what Markdown makes of the whole text."""
    resources = [
        _resource("dumps/2.3.0/events.sqlite", "sqlite"),
        _resource("dumps/2.3.0/events.csv", "csv", schema={}),
        _resource("dumps/2.3.0/events.ndjson.gz", "ndjson", compression="gz", jsonSchema="schemas/e.json"),
    ]
    sizes = dict(zip((r["path"] for r in resources), (2_512_345, 912, 45_678), strict=True))
    data = OpenData([], {("2.3.0", None): "schemas/e.json"}, {}, {"resources": resources}, sizes)
    links = SiteLinks(BuildSettings(base_url="https://example.test"))
    whole = render_markdown(data_markdown(data, {"2.3.0": 1_507}, "2025-06-01T00:00:00Z", links), "/sub")
    blanks = Blanks()
    text = data_markdown(data, {"2.3.0": 1_507}, "2025-06-01T00:00:00Z", links, blanks)
    assert "2.5 MB" not in text and "1,507" not in text and "ab" * 32 not in text
    assert blanks.fill(str(render_markdown(text, "/sub"))) == str(whole)
    assert blanks.fill("<p>no tokens</p>") is None  # then the page is rendered whole


def test_a_value_markdown_would_change_is_not_left_out() -> None:
    blanks = Blanks()
    assert blanks("a *b*") == "a *b*"
    assert blanks("<x>") == "<x>"
    assert blanks("14.0 KB") != "14.0 KB"
    assert blanks.values == ["14.0 KB"]
