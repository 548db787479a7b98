"""The dumps in dist/dumps/: faithful records, valid against the schemas, CSV, data package."""

import csv
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from jsonschema import Draft202012Validator

from generator.api.versions import VERSIONS
from generator.opendata.rows import CSV_COLUMNS
from tests.conftest import run_build
from tests.sitecheck import serve

FILES = [(spec, mode) for spec in VERSIONS.values() for mode in spec.modes]


def stem(spec, mode) -> str:
    return spec.snapshot_name(mode).removesuffix(".ndjson")


def snapshot_lines(content: Path, spec, mode) -> list[bytes]:
    return (content / "snapshot" / spec.version / spec.snapshot_name(mode)).read_bytes().splitlines()


@pytest.mark.parametrize(("spec", "mode"), FILES, ids=lambda x: getattr(x, "version", x))
def test_every_ndjson_line_validates_against_the_published_schema(dumps_dist, spec, mode) -> None:
    content, dist = dumps_dist
    schema = orjson.loads((dist / "schemas" / spec.version / f"{stem(spec, mode)}.schema.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    lines = (dist / "dumps" / spec.version / f"{stem(spec, mode)}.ndjson").read_bytes().splitlines()
    assert len(lines) == 200
    for number, line in enumerate(lines, start=1):
        errors = [e.message for e in validator.iter_errors(orjson.loads(line))]
        assert errors == [], f"line {number}"


def test_the_schema_rejects_a_record_that_breaks_the_model(dumps_dist) -> None:
    content, dist = dumps_dist
    schema = orjson.loads((dist / "schemas/2.3.0/events.list.schema.json").read_bytes())
    record = orjson.loads(snapshot_lines(content, VERSIONS["2.3.0"], "list")[0])
    validator = Draft202012Validator(schema)
    assert validator.is_valid(record)
    assert not validator.is_valid(record | {"response_mode": "detailed"})
    assert not validator.is_valid(record | {"webcast_live": "yes"})
    assert validator.is_valid(record | {"unknown_field": 1})  # drift: published as sent, so allowed
    assert not validator.is_valid({k: v for k, v in record.items() if k != "slug"})


@pytest.mark.parametrize(("spec", "mode"), FILES, ids=lambda x: getattr(x, "version", x))
def test_json_and_ndjson_dumps_hold_the_snapshot_records_byte_for_byte(dumps_dist, spec, mode) -> None:
    content, dist = dumps_dist
    lines = snapshot_lines(content, spec, mode)
    base = dist / "dumps" / spec.version / stem(spec, mode)
    ndjson = (base.parent / f"{base.name}.ndjson").read_bytes()
    array = (base.parent / f"{base.name}.json").read_bytes()
    assert ndjson == b"".join(line + b"\n" for line in lines)
    assert array == b"[\n" + b",\n".join(lines) + b"\n]\n"
    assert [r["id"] for r in orjson.loads(array)] == sorted(orjson.loads(x)["id"] for x in lines)
    assert gzip.decompress((base.parent / f"{base.name}.ndjson.gz").read_bytes()) == ndjson
    assert gzip.decompress((base.parent / f"{base.name}.json.gz").read_bytes()) == array


def test_an_empty_snapshot_gives_valid_empty_dumps(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content" / "snapshot"
    for spec, mode in FILES:
        (content / spec.version).mkdir(parents=True, exist_ok=True)
        (content / spec.version / spec.snapshot_name(mode)).write_bytes(b"")
    (content / "snapshot.json").write_bytes(b'{"as_of": "2025-01-01T00:00:00Z"}')
    dist = tmp_path / "dist"
    assert run_build(capsys, "--content", str(tmp_path / "content"), "--dist", str(dist))[0] == 0
    assert orjson.loads((dist / "dumps/2.3.0/events.list.json").read_bytes()) == []
    assert (dist / "dumps/2.3.0/events.list.ndjson").read_bytes() == b""
    rows = list(csv.reader(io.StringIO((dist / "dumps/2.3.0/events.csv").read_text(encoding="utf-8"))))
    assert rows == [[c.name for c in CSV_COLUMNS]]


def test_datapackage_sizes_and_hashes_match_the_files(dumps_dist) -> None:
    _, dist = dumps_dist
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    resources = package["resources"]
    paths = {r["path"] for r in resources}
    files = {str(p.relative_to(dist)) for p in (dist / "dumps").rglob("*") if p.is_file()}
    assert paths == files - {"dumps/README.md"}
    assert len({r["name"] for r in resources}) == len(resources)
    for r in resources:
        data = (dist / r["path"]).read_bytes()
        # no byte count on the gzip'd ones: frictionless cannot check it over HTTP (test below)
        assert r.get("bytes") == (None if r["path"].endswith(".gz") else len(data)), r["path"]
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), r["path"]
        assert r["licenses"] and r["sources"] and r["mediatype"] and r["format"]
        if r["format"] in ("json", "ndjson"):
            assert (dist / r["jsonSchema"]).is_file(), r["jsonSchema"]
    by_path = {r["path"]: r for r in resources}
    assert by_path["dumps/2.3.0/events.list.ndjson.gz"]["mediatype"] == "application/gzip"
    assert by_path["dumps/2.3.0/events.list.ndjson.gz"]["compression"] == "gz"
    assert by_path["dumps/2.3.0/events.sqlite"]["mediatype"] == "application/vnd.sqlite3"


def test_csv_loads_with_one_row_per_event_and_matches_its_table_schema(dumps_dist) -> None:
    content, dist = dumps_dist
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    for spec in VERSIONS.values():
        relpath = f"dumps/{spec.version}/{spec.endpoint}.csv"
        schema = next(r for r in package["resources"] if r["path"] == relpath)["schema"]
        with (dist / relpath).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert list(rows[0]) == [f["name"] for f in schema["fields"]]
        records = [orjson.loads(x) for x in snapshot_lines(content, spec, spec.facet_mode)]
        assert len(rows) == len(records) == 200
        for row, record in zip(rows, records, strict=True):
            assert int(row["id"]) == record["id"]
            assert row["name"] == record["name"] and row["description"] == record["description"]
            assert row["agency_ids"] == ";".join(str(a["id"]) for a in record["agencies"])
            assert row["program_ids"] == ";".join(str(p["id"]) for p in record["program"] or ())
            assert row["launch_ids"] == ";".join(x["id"] for x in record["launches"])
            assert row["date"] == (record["date"] or "")
            assert row["webcast_live"] in ("true", "false")


def test_downloads_section_links_every_dump_and_schema_that_exists(dumps_dist) -> None:
    import re

    from generator.opendata.schemas import schema_relpath
    from generator.opendata.write import downloads_markdown

    _, dist = dumps_dist
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    schemas = [schema_relpath(spec.version, mode) for spec, mode in FILES]
    sizes = {r["path"]: (dist / r["path"]).stat().st_size for r in package["resources"]}
    markdown = downloads_markdown(package, schemas, sizes, link="../")
    targets = re.findall(r"\]\(\.\./([^)]+)\)", markdown)
    assert len(targets) == len(package["resources"]) + len(schemas) + 2
    assert all((dist / t).is_file() for t in targets)
    ndjson = next(r for r in package["resources"] if r["path"] == "dumps/2.3.0/events.list.ndjson")
    assert f"{ndjson['bytes'] / 1000:,.1f} KB" in markdown
    gz = "dumps/2.3.0/events.list.ndjson.gz"
    assert f"[{gz}](../{gz}) | {sizes[gz] / 1000:,.1f} KB" in markdown


def test_records_with_unknown_fields_are_dumped_as_sent_and_still_valid(
    seed_content, tmp_path, capsys
) -> None:
    path = seed_content / "snapshot/2.3.0/events.detailed.ndjson"
    record = orjson.loads(path.read_bytes())
    record["new_field"] = {"x": 1}
    record["launches"][0]["brand_new"] = True
    path.write_bytes(orjson.dumps(record) + b"\n")
    dist = tmp_path / "dist"
    code, _, err = run_build(capsys, "--content", str(seed_content), "--dist", str(dist))
    assert code == 0 and "schema drift" in err
    line = (dist / "dumps/2.3.0/events.detailed.ndjson").read_bytes().rstrip(b"\n")
    assert line == orjson.dumps(record)
    schema = orjson.loads((dist / "schemas/2.3.0/events.detailed.schema.json").read_bytes())
    assert list(Draft202012Validator(schema).iter_errors(orjson.loads(line))) == []


def frictionless_validate(dist: Path) -> dict:
    """`frictionless validate --json datapackage.json` in dist/, as a user runs it."""
    pytest.importorskip("frictionless", reason="pip install -e '.[test]' installs it")
    run = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=dist,
        capture_output=True,
        timeout=600,
    )
    return orjson.loads(run.stdout)


def test_frictionless_validates_the_package_and_types_every_csv_column(dumps_dist, tmp_path) -> None:
    """The package passes as built; a CSV cell that breaks its column's type makes it fail."""
    _, dist = dumps_dist
    report = frictionless_validate(dist)
    assert report["valid"], [(t["name"], t["errors"][:3]) for t in report["tasks"] if not t["valid"]]
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    checked = {task["name"]: task["type"] for task in report["tasks"]}
    assert set(checked) == {r["name"] for r in package["resources"]}
    for r in package["resources"]:
        if r["format"] == "csv":  # a typed Table Schema, checked as a table
            assert r["profile"] == "tabular-data-resource" and checked[r["name"]] == "table"
            assert {f["type"] for f in r["schema"]["fields"]} - {"string"}, r["path"]
        else:
            assert "schema" not in r and ("jsonSchema" in r) == (r["format"] in ("json", "ndjson")), r["path"]
    # The same package with one CSV row's id made a word (hash and size updated): invalid.
    broken = tmp_path / "dist"
    broken.mkdir()
    csv_path = "dumps/2.3.0/events.csv"
    data = (
        (dist / csv_path)
        .read_bytes()
        .replace(
            b"\r\n" + (dist / csv_path).read_bytes().split(b"\r\n")[1].split(b",")[0] + b",", b"\r\nabc,", 1
        )
    )
    (broken / "dumps/2.3.0").mkdir(parents=True)
    (broken / csv_path).write_bytes(data)
    resource = next(r for r in package["resources"] if r["path"] == csv_path)
    resource |= {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
    (broken / "datapackage.json").write_bytes(orjson.dumps(package | {"resources": [resource]}))
    report = frictionless_validate(broken)
    assert not report["valid"]
    assert ("type-error", "id") in {(e["type"], e.get("fieldName")) for e in report["tasks"][0]["errors"]}


def test_data_page_links_every_dump_and_the_files_beside_them(dumps_dist) -> None:
    """/data/ (in the navigation of every page) links each file of dist/dumps/, each schema,
    datapackage.json, changes.json, manifest.json, compact/ and ll2-static.js, with sha256s."""
    import re

    _, dist = dumps_dist
    page = (dist / "data" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="/([^"#]*)"', page))
    dumps = {str(p.relative_to(dist)) for p in (dist / "dumps").rglob("*") if p.is_file()}
    assert "dumps/README.md" in dumps and dumps <= links, sorted(dumps - links)
    schemas = {str(p.relative_to(dist)) for p in (dist / "schemas").rglob("*.json")}
    assert schemas and schemas <= links
    for name in (
        "datapackage.json",
        "changes.json",
        "manifest.json",
        "ll2-static.js",
        "compact/2.2.0.json",
        "compact/2.3.0.json",
    ):
        assert name in links and (dist / name).is_file(), name
    package = orjson.loads((dist / "datapackage.json").read_bytes())
    for r in package["resources"]:
        assert f"<code>{r['hash'].removeprefix('sha256:')}</code>" in page, r["path"]
    assert '<a href="/data/">Data</a>' in (dist / "index.html").read_text(encoding="utf-8")
    for example in ("curl -O ", "sqlite3 ", "datasette ", "pd.read_csv("):
        assert example in page, example


def test_a_plain_dump_over_the_hosts_file_limit_is_published_gzipd_only(corpus_content, tmp_path) -> None:
    """Cloudflare Pages takes no file over 25 MiB: the 2.2.0 JSON and NDJSON of 1,500 events
    are 26.5 MB. Such a plain dump is left out; its .gz (the same records) is published."""
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.opendata.dumps import write_record_dumps
    from generator.output.staging import StagedOutput

    index = validate_snapshot(open_snapshot(corpus_content / "snapshot"))
    vindex = index.versions["2.2.0"]
    dist = tmp_path / "dist"
    with StagedOutput(dist) as out:  # lands in dist/ as the block ends
        dumps = write_record_dumps(vindex, None, out, None, max_file_bytes=60_000)
    published = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file())
    assert (
        [d.relpath for d in dumps]
        == published
        == ["dumps/2.2.0/event.json.gz", "dumps/2.2.0/event.ndjson.gz"]
    )
    plain = (corpus_content / "snapshot" / "2.2.0" / "event.ndjson").read_bytes()
    assert (
        len(plain) > 60_000 and gzip.decompress((dist / "dumps/2.2.0/event.ndjson.gz").read_bytes()) == plain
    )


def test_frictionless_validates_the_published_package_over_http(seed_site) -> None:
    """The /data/ page's own example, `frictionless validate https://SITE/datapackage.json`,
    against a server that sends the files as GitHub Pages does (`.gz` as application/gzip, no
    Content-Encoding): every resource, the gzip ones included, is valid."""
    pytest.importorskip("frictionless", reason="pip install -e '.[test]' installs it")
    with serve(seed_site) as url:
        run = subprocess.run(
            [sys.executable, "-m", "frictionless", "validate", "--json", f"{url}/datapackage.json"],
            capture_output=True,
            timeout=300,
            env={**os.environ, "NO_PROXY": "127.0.0.1"},
        )
    report = orjson.loads(run.stdout)
    assert report["valid"], [(t["name"], [e["message"] for e in t["errors"][:2]]) for t in report["tasks"]]
    package = orjson.loads((seed_site / "datapackage.json").read_bytes())
    assert {t["name"] for t in report["tasks"]} == {r["name"] for r in package["resources"]}
    gzipped = 2 * sum(len(spec.modes) for spec in VERSIONS.values())  # JSON and NDJSON per mode
    assert sum(r.get("compression") == "gz" for r in package["resources"]) == gzipped
    assert run.returncode == 0


def test_a_dump_format_the_package_cannot_describe_is_refused_not_called_sqlite() -> None:
    from generator.opendata.datapackage import _describe
    from generator.opendata.dumps import Dump

    assert _describe(Dump("dumps/2.3.0/events.sqlite", "2.3.0", "detailed", "sqlite"))[0].endswith("(SQLite)")
    with pytest.raises(ValueError, match="'parquet'"):
        _describe(Dump("dumps/2.3.0/events.parquet", "2.3.0", "detailed", "parquet"))


def test_dumps_hold_the_records_whatever_ends_the_snapshots_lines(corpus_content, tmp_path) -> None:
    """A chunk of records a newline apart is read in one piece; CRLF endings and blank lines
    between some records give the same dumps, record for record, gzip'd alike."""
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.opendata.dumps import CHUNK, write_record_dumps
    from generator.output.staging import StagedOutput

    def dumps_of(snapshot: Path, dist: Path) -> dict[str, bytes]:
        vindex = validate_snapshot(open_snapshot(snapshot)).versions["2.3.0"]
        with StagedOutput(dist) as out:
            write_record_dumps(vindex, "list", out)
        return {p.name: p.read_bytes() for p in (dist / "dumps/2.3.0").iterdir()}

    plain = dumps_of(corpus_content / "snapshot", tmp_path / "plain")
    lines = (corpus_content / "snapshot/2.3.0/events.list.ndjson").read_bytes().splitlines()
    assert len(lines) > 2 * CHUNK
    endings = [b"\r\n" if n % 7 == 3 else b"\n\n" if n == CHUNK + 2 else b"\n" for n in range(len(lines))]
    snapshot = tmp_path / "snapshot"
    shutil.copytree(corpus_content / "snapshot", snapshot)
    (snapshot / "2.3.0/events.list.ndjson").write_bytes(b"".join(map(bytes.__add__, lines, endings)))
    assert dumps_of(snapshot, tmp_path / "mixed") == plain
    assert plain["events.list.ndjson"] == b"".join(line + b"\n" for line in lines)
