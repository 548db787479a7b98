"""The JS client (dist/ll2-static.js) under Node: same paths, same ids, same fallback answers."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.api.query import parse_request, query_path
from tests.answers import Reference
from tests.conftest import ROOT

VECTORS = json.loads((ROOT / "tests" / "data" / "query_vectors.json").read_text())["vectors"]
NODE = shutil.which("node")


def expected_answers(reference: Reference) -> dict[str, dict[str, object]]:
    """The Python engine's answer to every list query of the table."""
    out: dict[str, dict[str, object]] = {}
    for vector in VECTORS:
        if "path" not in vector:
            continue
        query = parse_request(vector["url"])
        if query.is_detail:
            continue
        ids = reference.ids(query)
        end = query.offset + query.limit
        out[vector["url"]] = {
            "ids": ids,
            "next": query_path(query.with_params(offset=end)) if end < len(ids) else None,
            "previous": query_path(query.with_params(offset=max(query.offset - query.limit, 0)))
            if query.offset
            else None,
            "mode": query.mode,
        }
    return out


def test_the_client_in_dist_is_the_packaged_client(seed_site: Path) -> None:
    assert (seed_site / "ll2-static.js").read_bytes() == (
        ROOT / "generator/client/ll2-static.js"
    ).read_bytes()


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (.ci/run installs it)")
def test_the_js_client_agrees_with_the_python_engine_on_the_query_table(
    variant_site: Path, variant_content: Path, tmp_path: Path
) -> None:
    expected = tmp_path / "expected.json"
    expected.write_text(json.dumps(expected_answers(Reference.load(variant_content))))
    env = dict(os.environ, LL2S_DIST=str(variant_site), LL2S_EXPECTED=str(expected))
    run = subprocess.run(
        [NODE, "--test", str(ROOT / "tests" / "js")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# pass 5" in run.stdout and "# skipped 0" in run.stdout, run.stdout
