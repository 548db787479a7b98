"""The surface (`generator/api/surface.py`) is the one place the LL2 surface is written: the
JS engine's tables are generated from it (and a stale copy fails here), and a new filter row
reaches the Python engine, the JS engine, the host rules and the planner with nothing else
edited."""

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.api import jstables
from generator.api.facets import Facets
from generator.api.surface import FACETS
from tests.conftest import ROOT

NODE = shutil.which("node")


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.api.jstables", "--check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_js_engines_tables_are_the_surfaces(tmp_path: Path) -> None:
    assert _check(jstables.CLIENT).returncode == 0
    # A table edited by hand (or a surface changed without regenerating) is stale.
    stale = tmp_path / "ll2-static.js"
    source = jstables.CLIENT.read_text(encoding="utf-8")
    stale.write_text(source.replace("      video_url: strList,\n", "", 1), encoding="utf-8")
    run = _check(stale)
    assert (run.returncode, run.stdout) == (
        1,
        "Error: ll2-static.js's tables are stale: run python -m generator.api.jstables\n",
    )
    # Regenerating puts the row back, and nothing else changes.
    assert (
        subprocess.run(
            [sys.executable, "-m", "generator.api.jstables", str(stale)], cwd=ROOT, timeout=60
        ).returncode
        == 0
    )
    assert stale.read_text(encoding="utf-8") == source


def test_the_facets_class_has_the_surfaces_facets_in_order() -> None:
    fields = [f.name for f in dataclasses.fields(Facets) if f.name != "utc_day"]
    assert fields == [spec.name for spec in FACETS]


#: A run in a fresh process: a throwaway filter row is added to the surface before anything
#: derives from it; then every consumer is asked about it.
THROWAWAY = r"""
import json, sys
from datetime import UTC, datetime
from pathlib import Path

from generator.api import surface

row = surface.FilterSpec(
    "launcher_program", "int_list", "overlaps", "program_ids", "2.3.0", family="launcher"
)
surface.FILTERS = (*surface.FILTERS, row)

from generator.api import jstables
from generator.api.engine import select
from generator.api.facets import Facets
from generator.api.query import normalise, query_path
from generator.client.facetfile import facet_row
from generator.hosts.rules import RuleSet, nginx_include
from generator.variants.planner import FAMILIES, facet_values

def event(i, programs):
    return Facets(i, f"event {i}", f"e-{i}", datetime(2024, 1, i, tzinfo=UTC), None, 1, (), programs, ())

events = [event(1, (3,)), event(2, (5, 3)), event(3, ())]
query = normalise("2.3.0", "all", None, [("launcher_program", "5,3,5")])
rules = RuleSet()
rules.snapshot_values["launcher_program"] = {"3", "5"}
http, _ = nginx_include(rules)
js = Path(sys.argv[1])
js.write_text(jstables.render(jstables.CLIENT.read_text()))
print(json.dumps({
    "path": query_path(query),
    "selected": select(events, query, datetime(2024, 6, 1, tzinfo=UTC)),
    "in_2_2_0": query_path(normalise("2.2.0", "all", None, [("launcher_program", "5")])),
    "families": list(FAMILIES),
    "planned": facet_values(events).get("launcher"),
    "nginx_map": "map $arg_launcher_program $ll2s_launcher_program {" in http.decode(),
    "nginx_path": "${ll2s_launcher_program}" in http.decode(),
    "rows": [json.loads(facet_row(e)) for e in events],  # the compact data's rows, for the JS
}))
"""

JS = r"""
const L = require(process.argv[1]);
const q = L.normalise("2.3.0", "all", null, [["launcher_program", "5,3,5"]]);
const events = JSON.parse(process.argv[2]).map(L.facets);  // the rows Python's facet_row wrote
let refused = false;
try { L.normalise("2.3.0", "all", null, [["launcher_program", "x"]]); }
catch (e) { refused = e instanceof L.QueryError; }
process.stdout.write(JSON.stringify({
  path: L.queryPath(q),
  selected: L.select(events, q, L.stamp("2024-06-01T00:00:00Z")).map(Number),  // ids are BigInt
  refused: refused,
}));
"""


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (.ci/run installs it)")
def test_a_new_filter_row_reaches_the_engines_the_host_rules_and_the_planner(tmp_path: Path) -> None:
    client = tmp_path / "ll2-static.js"
    run = subprocess.run(
        [sys.executable, "-c", THROWAWAY, str(client)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["path"] == "2.3.0/events/launcher_program-3.5/index.json"
    assert got["selected"] == [1, 2]
    assert got["in_2_2_0"] == "2.2.0/event/index.json"  # a 2.3.0 filter: 2.2.0 ignores it
    assert got["families"][-2:] == ["launcher", "type-pair"]
    assert got["planned"] == [[["launcher_program", "3"]], [["launcher_program", "5"]]]
    assert got["nginx_map"] and got["nginx_path"]
    # The JS engine, regenerated from the surface with the row, reads it the same way.
    node = subprocess.run(
        [str(NODE), "-e", JS, str(client), json.dumps(got["rows"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(node.stdout) == {
        "path": got["path"],
        "selected": got["selected"],
        "refused": True,
    }
    # And the packaged client, without the row, does not know it: the test can fail.
    stale = subprocess.run(
        [str(NODE), "-e", JS, str(jstables.CLIENT), json.dumps(got["rows"])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(stale.stdout)["path"] == "2.3.0/events/index.json"
