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
        m.setattr(staging, "apply_journal", lambda staging_dir, final_dir, **_: None)  # killed here
        with StagedOutput(final, previous) as out:
            patch(out)
    assert (final / "a" / "old.json").read_bytes() == b"old"  # not landed yet
    with StagedOutput(final, {}):  # the next build finishes the journal first
        assert (final / "a" / "old.json").read_bytes() == b"new"
        assert (final / "b" / "c" / "d" / "added.json").read_bytes() == b"added"
        assert not (final / "a" / "gone.json").exists()


def staged_patch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A patch build of dist_with's dist/ stopped once its journal is written: (dist, staging)."""
    final, previous = dist_with(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(staging, "apply_journal", lambda staging_dir, final_dir, **_: None)  # killed here
        with StagedOutput(final, previous) as out:
            patch(out)
            out.write("a/third.json", b"third")
    (folder,) = tmp_path.glob(".dist.staging-*")
    return final, folder


def landed(final: Path) -> dict[str, bytes]:
    return {str(p.relative_to(final)): p.read_bytes() for p in sorted(final.rglob("*")) if p.is_file()}


WHOLE = {"a/old.json": b"new", "a/third.json": b"third", "b/c/d/added.json": b"added"}


@pytest.mark.parametrize("swapping", [True, False])
def test_an_apply_killed_after_one_file_is_finished_with_no_file_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swapping: bool
) -> None:
    """A file swapped in leaves the old one at its staged name: an apply run again must know it
    is done (the journal's inodes), not swap the old file back in."""
    from generator.output import journal

    if swapping and not journal.can_swap(tmp_path):
        pytest.skip("this filesystem cannot swap two names")
    final, folder = staged_patch(tmp_path, monkeypatch)
    monkeypatch.setattr(journal, "can_swap", lambda _folder: swapping)
    real_land, landed_names = journal.land_file, []

    def land_then_die(source: str, target: str, swap: bool) -> None:
        if landed_names:
            raise KeyboardInterrupt  # the build dies after its first file
        real_land(source, target, swap)
        landed_names.append(target)

    monkeypatch.setattr(journal, "land_file", land_then_die)
    with pytest.raises(KeyboardInterrupt):
        journal.apply_journal(folder, final)
    assert (final / "a" / "old.json").read_bytes() == b"new"  # the first file, landed
    monkeypatch.setattr(journal, "land_file", real_land)
    journal.apply_journal(folder, final)  # what the next build (or a reader) does
    assert landed(final) == WHOLE
    assert not folder.exists()


def test_a_journal_without_inodes_from_an_older_build_still_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orjson

    from generator.output import journal

    final, folder = staged_patch(tmp_path, monkeypatch)
    entries = orjson.loads((folder / journal.JOURNAL).read_bytes())
    assert len(entries.pop("inodes")) == len(entries["write"]) == 3
    (folder / journal.JOURNAL).write_bytes(orjson.dumps(entries))
    journal.apply_journal(folder, final)
    assert landed(final) == WHOLE


def test_a_swapped_in_file_keeps_the_old_one_readable_until_the_apply_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that opened the old file before the swap reads the old bytes whole."""
    from generator.output import journal

    if not journal.can_swap(tmp_path):
        pytest.skip("this filesystem cannot swap two names")
    final, folder = staged_patch(tmp_path, monkeypatch)
    with open(final / "a" / "old.json", "rb") as reader:
        journal.apply_journal(folder, final)
        assert reader.read() == b"old"
    assert landed(final) == WHOLE
