"""Peak disk of one whole pytest run: the suite runs with its own `--basetemp`, and the bytes
under that folder are summed every `--every` seconds while it runs.

    python -m bench.testdisk --basetemp /tmp/pt [--every 1] [-- PYTEST ARGS...]

Prints the peak (bytes on disk, `du`'s st_blocks * 512, summed by a walk of the folder), the
test that was running then (from pytest's `-v` lines) and what is left when the run ends. A
sample is a walk, so a peak shorter than `--every` can be missed: it is a lower bound.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def disk_bytes(root: Path) -> int:
    """Bytes the files under root take on disk (as `du -s --block-size=1`); 0 when absent."""
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except FileNotFoundError:
                pass  # deleted by the test between listing and stat
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basetemp", type=Path, required=True)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)

    command = [
        sys.executable,
        "-m",
        "pytest",
        "-v",
        "-p",
        "no:cacheprovider",
        f"--basetemp={args.basetemp}",
        *args.pytest_args,
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    current = ["(collecting)"]
    peak = [0, ""]

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if "::" in line:
                current[0] = line.split(" ", 1)[0]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while process.poll() is None:
        size = disk_bytes(args.basetemp)
        if size > peak[0]:
            peak[:] = [size, current[0]]
        time.sleep(args.every)
    reader.join()
    left = disk_bytes(args.basetemp)
    print(
        f"peak of {args.basetemp}: {peak[0]:,} bytes ({peak[0] / 1e9:.2f} GB) during {peak[1]}; "
        f"{left:,} bytes left at the end; pytest exit {process.returncode}"
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
