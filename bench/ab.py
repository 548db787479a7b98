"""Two or more checkouts of this project built alternately on one corpus: clean builds and
no-change rebuilds, medians, so that old and new main are compared in one run.

    git worktree add --detach /tmp/old 57987c4
    python -m bench.ab /tmp/old . --events 1500 --rounds 4 --out /mnt/bench

Each round builds every checkout in turn (the order reversed every other round), each into a
fresh dist/ after `sync` and a pause, then rebuilds it with nothing changed. The corpus is
generated once, by this checkout's bench/corpus.py, with the repository's pages.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import BUILD_ENV
from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SETTLE = 3.0  # seconds after deleting a build, before the next timed one (see bench/scope.py)


def timed(tree: Path, content: Path, dist: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "build.py", "--content", str(content), "--dist", str(dist)],
        cwd=tree,
        env=BUILD_ENV,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("trees", nargs="+", type=Path, help="checkouts to compare")
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder")
    args = parser.parse_args()
    content = args.out / f"ab-corpus-{args.events}-{args.seed}"
    if not content.exists():
        write_corpus(content / "snapshot", args.events, seed=args.seed)
        for folder in ("pages", "api"):
            shutil.copytree(ROOT / "content" / folder, content / folder)
    dist = args.out / "ab-dist"
    runs: dict[Path, tuple[list[float], list[float]]] = {t: ([], []) for t in args.trees}
    for n in range(args.rounds):
        for tree in args.trees if n % 2 == 0 else args.trees[::-1]:
            for path in (dist, dist.parent / f".{dist.name}.cache"):
                shutil.rmtree(path, ignore_errors=True)
            subprocess.run(["sync"], check=True)
            time.sleep(SETTLE)
            runs[tree][0].append(timed(tree, content, dist))
            runs[tree][1].append(timed(tree, content, dist))
    print(f"python -m bench.ab {' '.join(sys.argv[1:])}")
    for tree, (full, same) in runs.items():
        fulls, sames = ", ".join(f"{x:.2f}" for x in full), ", ".join(f"{x:.3f}" for x in same)
        print(
            f"{tree}: full build median {statistics.median(full):.2f} s ({fulls}); "
            f"no-change median {statistics.median(same):.3f} s ({sames})"
        )


if __name__ == "__main__":
    main()
