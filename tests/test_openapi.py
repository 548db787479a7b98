"""The mirror's own OpenAPI: the Events part of LL2's 2.3.0 document (generator/api/openapi.py)."""

import json
import re
from pathlib import Path

import pytest

from generator.api.openapi import EVENTS_SPEC, OPENAPI_PATH, events_part, load_events_spec, main
from tests.conftest import ROOT, build_site

#: LL2's whole 2.3.0 OpenAPI, beside the project or beside the worktrees' folder (SOURCES.md
#: there says where it is from).
LL2_SPEC = next(
    (
        folder / "shared" / "reference" / "ll2-2.3.0-openapi.json"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "reference" / "ll2-2.3.0-openapi.json").exists()
    ),
    ROOT.parent / "shared" / "reference" / "ll2-2.3.0-openapi.json",
)
OPERATIONS = {
    "/2.3.0/events/": "events_list",
    "/2.3.0/events/{id}/": "events_retrieve",
    "/2.3.0/events/previous/": "events_previous_list",
    "/2.3.0/events/previous/{id}/": "events_previous_retrieve",
    "/2.3.0/events/upcoming/": "events_upcoming_list",
    "/2.3.0/events/upcoming/{id}/": "events_upcoming_retrieve",
}


def _refs(node: object) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


@pytest.mark.skipif(not LL2_SPEC.exists(), reason=f"LL2's document is not at {LL2_SPEC}")
def test_the_committed_part_is_ll2s_own_events_part() -> None:
    whole = json.loads(LL2_SPEC.read_text())
    part = load_events_spec()
    assert part == events_part(whole)
    for path, item in part["paths"].items():
        assert item == whole["paths"][path]  # kept as LL2 wrote it
    for section, members in part["components"].items():
        assert all(whole["components"][section][name] == value for name, value in members.items())


def test_the_part_has_the_six_events_operations_and_everything_they_use() -> None:
    part = load_events_spec()
    assert {path: item["get"]["operationId"] for path, item in part["paths"].items()} == OPERATIONS
    refs = _refs(part)
    assert refs and all(ref.split("/")[3] in part["components"][ref.split("/")[2]] for ref in refs)
    unused = {f"#/components/schemas/{name}" for name in part["components"]["schemas"]} - refs
    assert not unused  # nothing beyond the closure of what the operations use
    assert "servers" not in part  # the build sets the mirror's own


def test_a_document_without_events_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = EVENTS_SPEC.read_bytes()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {}, "paths": {"/2.3.0/agencies/": {}}}))
    for args, code in (([str(spec)], 1), ([str(tmp_path / "missing.json")], 1), ([], 2)):
        assert main(args) == code
        err = capsys.readouterr().err
        assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert EVENTS_SPEC.read_bytes() == before  # nothing written


def _links(page: Path) -> list[str]:
    return re.findall(r'href="([^"]*openapi[^"]*)"', page.read_text())


def test_the_build_writes_the_mirrors_openapi_linked_from_the_api_and_data_pages(seed_site: Path) -> None:
    written = json.loads((seed_site / OPENAPI_PATH).read_text())
    assert {k: v for k, v in written.items() if k != "servers"} == load_events_spec()
    assert [s["url"] for s in written["servers"]] == ["/"]  # no --base-url: the host the document is on
    for page in ("2.3.0/events/index.html", "2.3.0/events/upcoming/index.html", "data/index.html"):
        assert _links(seed_site / page) == [f"/{OPENAPI_PATH}"], page


def test_with_a_base_url_its_servers_is_the_mirrors_url(seed_content: Path, tmp_path: Path) -> None:
    dist = build_site(seed_content, tmp_path / "dist", base_url="https://user.github.io/ll2/")
    servers = json.loads((dist / OPENAPI_PATH).read_text())["servers"]
    assert [s["url"] for s in servers] == ["https://user.github.io/ll2"]  # + /2.3.0/events/: the mirror's
    assert _links(dist / "2.3.0/events/previous/index.html") == [f"/ll2/{OPENAPI_PATH}"]
    assert _links(dist / "data/index.html") == [f"/ll2/{OPENAPI_PATH}"]
