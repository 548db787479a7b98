"""Writing new files whole or in pieces: what `generator/output/writes.py` chose its piece size by.

    python -m bench.writes [--out /mnt/bench] [--files 75] [--size 1700000] [--rounds 3]

Each round writes `--files` new files of `--size` bytes (a 2.2.0 `limit=100` page is 1.7 MB)
into a fresh folder under OUT, once per way: one `write` per file, then pieces of 256 KiB,
64 KiB (`PIECE`) and 16 KiB; the ways take turns in a different order each round, each after
`sync` and a pause, and no folder is deleted until the end (page cache just freed makes the
next writer's pages cheap for a while). Prints the median and every time of each way.
"""

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

from generator.output.writes import PIECE

WAYS = {"whole": None, "256 KiB": 1 << 18, f"{PIECE >> 10} KiB (PIECE)": PIECE, "16 KiB": 1 << 14}
#: Seconds between two ways: time for the kernel to report freed memory to the host again.
PAUSE = 3.0


def write_files(folder: Path, count: int, data: bytes, piece: int | None) -> float:
    folder.mkdir(parents=True)
    view = memoryview(data)
    begin = time.perf_counter()
    for n in range(count):
        fd = os.open(folder / str(n), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            step = piece or len(view)
            for start in range(0, len(view), step):
                os.write(fd, view[start : start + step])
        finally:
            os.close(fd)
    return time.perf_counter() - begin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/mnt/bench"))
    parser.add_argument("--files", type=int, default=75)
    parser.add_argument("--size", type=int, default=1_700_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = args.out / "writes"
    shutil.rmtree(root, ignore_errors=True)
    data = os.urandom(args.size)
    seconds: dict[str, list[float]] = {name: [] for name in WAYS}
    try:
        for round_number in range(args.rounds):
            names = list(WAYS)
            names = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in names:
                folder = root / f"{round_number}-{len(seconds[name])}-{WAYS[name] or 0}"
                os.sync()
                time.sleep(PAUSE)
                seconds[name].append(write_files(folder, args.files, data, WAYS[name]))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = args.files * args.size / 1e6
    print(f"{args.files} new files of {args.size:,} bytes ({total:.0f} MB) in {args.out}:")
    for name, values in seconds.items():
        every = ", ".join(f"{v:.3f}" for v in values)
        print(f"  {name:>16}: median {statistics.median(values):.3f} s of {len(values)} ({every})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
