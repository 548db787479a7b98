"""A pytest plugin: the run's temporary folders in RAM (/dev/shm) when it has room.

The tests build, copy and delete sites of a thousand small files each; on a disk that is most
of the fast loop's time (issue 27: 131 s of system CPU out of 250 s; 28 s on /dev/shm, the
same tests). `--basetemp`, `TMPDIR` or `PYTEST_DEBUG_TEMPROOT` given by the user are kept;
without room (the whole suite peaks under 2 GB, README "Tests") the system's temp folder is
used as before.
"""

import os
from pathlib import Path

import pytest

RAM_FOLDER = Path("/dev/shm")
#: Free bytes the RAM folder and the machine's available memory must both have.
ROOM = 4 * 2**30


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int:
    """MemAvailable in bytes (0 where the kernel does not say)."""
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def ram_temp_root(
    folder: Path = RAM_FOLDER, room: int = ROOM, meminfo: Path = Path("/proc/meminfo")
) -> Path | None:
    """`folder` if it is a writable folder with `room` bytes free and as much memory available,
    mounted so that programs in it can run (a test makes a virtual environment in its folder)."""
    try:
        stats = os.statvfs(folder)
        memory = available_memory(meminfo)
    except OSError:
        return None
    usable = os.access(folder, os.W_OK | os.X_OK) and not stats.f_flag & os.ST_NOEXEC
    return folder if usable and stats.f_bavail * stats.f_frsize >= room and memory >= room else None


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.option.basetemp or os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if not chosen and (root := ram_temp_root()):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)  # read by pytest's tmp_path_factory
