"""A patch build stages its files flat (no folder made in the staging folder) and lands them
through its journal, also when the build that wrote the journal was killed before it landed."""

from pathlib import Path

import pytest

import generator.output.staging as staging
from generator.output.staging import StagedOutput


def dist_with(tmp_path: Path) -> tuple[Path, dict[str, list[object]]]:
    final = tmp_path / "dist"
    (final / "a").mkdir(parents=True)
    (final / "a" / "old.json").write_bytes(b"old")
    (final / "a" / "gone.json").write_bytes(b"gone")
    return final, {"a/old.json": [None, 3], "a/gone.json": [None, 4]}


def patch(out: StagedOutput) -> None:
    out.write("a/old.json", b"new")
    out.write("b/c/d/added.json", b"added")


def test_a_patch_build_makes_no_folder_in_its_staging_folder_and_lands_every_file(tmp_path: Path) -> None:
    final, previous = dist_with(tmp_path)
    with StagedOutput(final, previous) as out:
        patch(out)
        assert [p for p in out.root.rglob("*") if p.is_dir()] == []
        assert out.current("a/old.json").read_bytes() == b"new"
    assert (final / "a" / "old.json").read_bytes() == b"new"
    assert (final / "b" / "c" / "d" / "added.json").read_bytes() == b"added"
    assert not (final / "a" / "gone.json").exists()
    assert list(tmp_path.glob(".dist.staging-*")) == []


def test_a_patch_killed_after_its_journal_is_landed_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final, previous = dist_with(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(staging, "apply_journal", lambda staging_dir, final_dir: None)  # killed here
        with StagedOutput(final, previous) as out:
            patch(out)
    assert (final / "a" / "old.json").read_bytes() == b"old"  # not landed yet
    with StagedOutput(final, {}):  # the next build finishes the journal first
        assert (final / "a" / "old.json").read_bytes() == b"new"
        assert (final / "b" / "c" / "d" / "added.json").read_bytes() == b"added"
        assert not (final / "a" / "gone.json").exists()
