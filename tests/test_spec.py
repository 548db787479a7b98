"""LL2's official 2.3.0 OpenAPI as a test: schemathesis, a tool nobody here wrote, runs the
document's Events operations against `build.py serve` and against the edge worker in workerd.

Each run is seeded (SEED) and time-boxed (MAX_TIME s; both run at once). A failure it finds
fails the test unless the committed baseline names it: tests/data/schemathesis/baseline.json
holds the spec's own noise (each entry says why), and nothing else: a divergence from LL2 is
fixed, not listed. Its JSON report is kept in the test's folder; `python -m pytest
tests/test_spec.py -s` prints the counts.
"""

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.api.openapi import EVENTS_SPEC
from generator.api.query import parse_request, query_path
from tests.conftest import ROOT, ServedSite
from tests.edge_worker import INSTALL, log_text, workerd_binary
from tests.edge_worker import serve as serve_worker

pytestmark = pytest.mark.slow

DATA = ROOT / "tests" / "data" / "schemathesis"
BASELINE = DATA / "baseline.json"
SEED = 1
#: Seconds each run generates for (schemathesis' --max-time: it goes on until the time is spent).
MAX_TIME = 45
#: Seconds after which a run is stopped and the test fails (starting, shrinking, the report).
HARD_LIMIT = 60
#: Test cases per operation and phase, the first cycle of a run (the same on every machine).
MAX_EXAMPLES = 100
ANSWERERS = ("serve", "worker")

if workerd_binary() is None and os.environ.get("LL2_REQUIRE_WORKERD"):
    raise RuntimeError(f"workerd is not installed: {INSTALL}")  # CI (.ci/run) fails, never skips


@dataclass
class Run:
    """One schemathesis run: its JSON report, what it printed, and the failures the baseline
    did not name (each as a baseline entry: operation, check, failure, signature)."""

    report: dict[str, Any]
    output: str
    new: list[dict[str, Any]]


def accepted_entries() -> list[dict[str, Any]]:
    """The committed noise: the spec's own (the same for every answerer)."""
    entries: list[dict[str, Any]] = json.loads(BASELINE.read_text())["entries"]
    return entries


def identity(entry: dict[str, Any]) -> tuple[str, str, str, str]:
    return (entry["operation"], entry["check"], entry["failure"], entry["signature"])


def start(answerer: str, base: str, workdir: Path) -> tuple[subprocess.Popen[str], Path]:
    """schemathesis run on the Events part of LL2's document against `base`, in the background."""
    workdir.mkdir(parents=True)
    baseline = workdir / "baseline.json"
    document = {"format_version": 1, "entries": accepted_entries()}
    baseline.write_text(json.dumps(document, indent=2))
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", str(EVENTS_SPEC), "--url", base),
        *("--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES), "--max-time", str(MAX_TIME)),
        *("--checks", "all", "--workers", "1", "--request-timeout", "10", "--no-color"),
        *("--generation-database", "none", "--baseline", str(baseline), "--baseline-update"),
        *("--report", "json", "--report-json-path", str(workdir / "report.json")),
    ]
    log = (workdir / "output.txt").open("w")
    process = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, text=True)
    log.close()
    return process, workdir


def finish(process: subprocess.Popen[str], workdir: Path, answerer: str) -> Run:
    try:
        process.wait(timeout=HARD_LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"schemathesis against {answerer} ran past {HARD_LIMIT} s: {workdir}/output.txt")
    output = (workdir / "output.txt").read_text()
    assert (workdir / "report.json").exists(), output[-3000:]
    given = {identity(e) for e in accepted_entries()}
    recorded = json.loads((workdir / "baseline.json").read_text())["entries"]
    new = [e for e in recorded if identity(e) not in given]
    report = json.loads((workdir / "report.json").read_text())
    return Run(report, output, new)


@pytest.fixture(scope="module")
def runs(served_site: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Both runs, at the same time: serve's and (when workerd is installed) the worker's."""
    root = tmp_path_factory.mktemp("schemathesis")
    with ExitStack() as stack:
        bases = {"serve": served_site.base}
        if workerd_binary() is not None:
            bases["worker"] = stack.enter_context(serve_worker(served_site.dist, root / "workerd"))
        started = {name: start(name, base, root / name) for name, base in bases.items()}
        done = {name: finish(*started[name], name) for name in started}
        if "worker" in bases:
            assert "Uncaught" not in log_text(root / "workerd"), log_text(root / "workerd")
    return done


@pytest.mark.parametrize("answerer", ANSWERERS)
def test_schemathesis_finds_nothing_beyond_the_specs_noise(runs: dict[str, Run], answerer: str) -> None:
    if answerer not in runs:
        pytest.skip(f"workerd is not installed: {INSTALL}")
    run = runs[answerer]
    cases = run.report["test_cases"]
    known = run.report["baseline"]["known_ids"]
    print(
        f"\n{answerer}: {cases['generated']} test cases in {run.report['running_time']:.0f} s, "
        f"{len(run.new)} new failures, {len(known)} baseline entries seen ({', '.join(sorted(known))})"
    )
    assert run.report["operations"]["tested"] == 6, run.output[-3000:]
    # A request with no HTTP answer (a crash, a reset) is an error, not a failure: none either.
    assert not run.report["errors"] and cases["errored"] == 0, run.output[-6000:]
    assert not run.new, (
        "failures the baseline does not name:\n"
        + "\n".join(f"  {e['operation']}: {e['check']} {e['failure']} {e['signature']!r}" for e in run.new)
        + "\n"
        + run.output[-6000:]
    )


def test_every_baseline_entry_says_why() -> None:
    """Noise is the spec's, each entry with its reason; no divergence hides among it."""
    noise = json.loads(BASELINE.read_text())["entries"]
    assert noise and all(e.get("reason") for e in noise)
    assert not any("answerers" in e or "divergence" in e["reason"] for e in noise)
    assert not (DATA / "known.json").exists()


def _draft4(node: Any, drop_max_length: bool) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema draft 4: `nullable` as a null alternative,
    `discriminator` dropped (schemathesis reads it; the check is the oneOf), maxLength kept or not."""
    if isinstance(node, list):
        return [_draft4(item, drop_max_length) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: _draft4(value, drop_max_length)
        for key, value in node.items()
        if key not in ("nullable", "discriminator") and not (drop_max_length and key == "maxLength")
    }
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


@pytest.mark.parametrize("mode", ["list", "normal", "detailed"])
def test_every_record_matches_its_modes_schema_but_for_maxlength(served_site: ServedSite, mode: str) -> None:
    """Why the oneOf and maxLength entries are noise: with maxLength dropped, every record the
    mirror serves in `mode` is valid against that mode's schema; with it, some are not."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    spec = json.loads(EVENTS_SPEC.read_text())
    name = f"#/components/schemas/EventEndpoint{mode.capitalize()}"
    page = served_site.dist / query_path(parse_request(f"/2.3.0/events/?limit=100&mode={mode}"))
    records = json.loads(page.read_text())["results"]
    valid = {}
    for drop in (True, False):
        registry = Registry().with_resource("urn:spec", Resource(_draft4(spec, drop), specification=DRAFT4))
        validator = Draft4Validator({"$ref": "urn:spec" + name}, registry=registry)
        valid[drop] = [validator.is_valid(record) for record in records]
    assert len(records) == 57 and all(valid[True])
    assert not all(valid[False])  # LL2's own long texts: the spec's maxLength is its noise
