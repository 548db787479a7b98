"""The /data/ page lists every resource of the data package, whatever its format."""

from typing import Any

from generator.opendata.write import OpenData
from generator.settings import BuildSettings
from generator.site.datapage import data_markdown
from generator.site.links import SiteLinks


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
