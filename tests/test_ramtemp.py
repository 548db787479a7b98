"""tests/ramtemp.py: the run's temporary folders go to RAM only where there is room for them."""

import os
from pathlib import Path

import pytest

from tests.ramtemp import ram_temp_root


def meminfo(tmp_path: Path, kib: int) -> Path:
    path = tmp_path / "meminfo"
    path.write_text(f"MemTotal:       99999999 kB\nMemAvailable:   {kib} kB\n")
    return path


def test_a_writable_folder_with_room_and_memory_is_chosen(tmp_path: Path) -> None:
    assert ram_temp_root(tmp_path, room=1, meminfo=meminfo(tmp_path, 2)) == tmp_path


def test_without_room_memory_or_the_folder_the_system_temp_folder_stays(tmp_path: Path) -> None:
    plenty = meminfo(tmp_path, 2**40)
    assert ram_temp_root(tmp_path, room=2**60, meminfo=plenty) is None  # the folder is too small
    assert ram_temp_root(tmp_path, room=4096, meminfo=meminfo(tmp_path, 3)) is None  # 3 KiB of memory
    assert ram_temp_root(tmp_path / "absent", room=1, meminfo=plenty) is None
    assert ram_temp_root(tmp_path, room=1, meminfo=tmp_path / "no-meminfo") is None


def test_a_folder_mounted_noexec_is_not_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.statvfs(tmp_path)
    fields = [getattr(real, name) for name in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail")]
    fields += [real.f_files, real.f_ffree, real.f_favail, real.f_flag | os.ST_NOEXEC, real.f_namemax]
    monkeypatch.setattr(os, "statvfs", lambda folder: os.statvfs_result(fields))
    assert ram_temp_root(tmp_path, room=1, meminfo=meminfo(tmp_path, 2)) is None
