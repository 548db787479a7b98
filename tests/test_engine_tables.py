"""The JS engine's tables agree with the Python engine's: for every version, subset, parameter
name (every filter of any version, the presentation parameters, aliases, names LL2 does not
have) and a value of every kind, both keep the same canonical query or both refuse it.

So a filter added to `generator/api/query.py` but not to `generator/client/ll2-static.js`
(or given another kind of value there) fails here, before any query vector is written."""

import json
import shutil
import subprocess

import pytest

from generator.api.query import FILTERS, normalise, query_path
from generator.api.versions import SUBSETS, VERSIONS
from generator.errors import QueryError
from tests.conftest import ROOT

NODE = shutil.which("node")
NAMES = sorted(
    set().union(*FILTERS.values())
    | {name for spec in VERSIONS.values() for name in spec.upcoming_params}
    | {"limit", "offset", "mode", "ordering", "search", "format", "date__gt__lt", "bogus", "launch__ids"}
)
#: A value of each kind a parameter takes: integers and their lists, a datetime, a slug, a
#: boolean, a mode and an ordering, text, and nothing.
VALUES = [
    "7",
    "3,1,3",
    "-2",
    "2024-05-01T10:00:00Z",
    "2024-05-01",
    "soyuz-ms-27",
    "true",
    "list",
    "-date",
    "a b",
    "",
]

SCRIPT = """
const LL2Static = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([version, subset, name, value]) => {
  try { return LL2Static.queryPath(LL2Static.normalise(version, subset, null, [[name, value]])); }
  catch (e) { if (e instanceof LL2Static.QueryError) return null; throw e; }
});
process.stdout.write(JSON.stringify(out));
"""


def python_outcome(version: str, subset: str, name: str, value: str) -> str | None:
    """The canonical path of the one-parameter query, or None where it is refused."""
    try:
        return query_path(normalise(version, subset, None, [(name, value)]))
    except QueryError:
        return None


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (.ci/run installs it)")
def test_the_js_engine_keeps_and_refuses_the_parameters_the_python_engine_does() -> None:
    cases = [(v, s, n, x) for v in VERSIONS for s in SUBSETS for n in NAMES for x in VALUES]
    run = subprocess.run(
        [str(NODE), "-e", SCRIPT, str(ROOT / "generator" / "client" / "ll2-static.js")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    js = json.loads(run.stdout)
    differ = [
        (case, python_outcome(*case), got)
        for case, got in zip(cases, js, strict=True)
        if python_outcome(*case) != got
    ]
    assert len(cases) > 1000 and differ == [], differ[:10]
