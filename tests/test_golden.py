"""The build of frozen inputs equals the committed listing of its files and their sha256.

When a change of output is meant, `python -m tests.golden` regenerates tests/data/golden/.
"""

from pathlib import Path

import pytest

from tests.golden import GOLDEN_BUILDS, golden_build, golden_path


def _entries(listing: str) -> dict[str, str]:
    """path -> 'sha256 size' of a listing."""
    entries = {}
    for line in listing.splitlines():
        sha, size, path = line.split(" ", 2)
        entries[path] = f"{sha} {size}"
    return entries


@pytest.mark.parametrize("name", sorted(GOLDEN_BUILDS))
def test_the_build_of_a_frozen_input_equals_its_golden_listing(name: str, tmp_path: Path) -> None:
    want = _entries(golden_path(name).read_text())
    got = _entries(golden_build(name, tmp_path))
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    changed = sorted(p for p in want.keys() & got.keys() if want[p] != got[p])
    report = (
        f"{len(missing)} missing, {len(extra)} extra, {len(changed)} changed "
        f"(first of each: {missing[:5]} {extra[:5]} {changed[:5]}); if meant, run python -m tests.golden"
    )
    assert not (missing or extra or changed), report
