"""Lower bounds of a build: the work any build of this design must do, each part timed alone.

    python -m bench.floor --corpus /mnt/bench/corpus-1500 --dist /mnt/bench/dist-1500

`--corpus` is a content folder (bench.corpus) and `--dist` its full build (bench.run leaves
both). Each part below runs in C, Rust or the kernel (orjson, pydantic-core, zlib, OpenSSL,
SQLite, file system calls) and is what the product asks for, not how this code happens to do
it: no Python-level work of the build is counted. Each part is the best of `--repeat` runs.

Full build: writing the output's files (`cp -r` of dist/ does the same system calls), the
interpreter and imports, validating every record, pretty-printing every record for its
browsable page, compressing the gzip dumps, hashing what the manifest and the data package
list, building the SQLite dumps. Their sum over two cores bounds the full build from below.

10 changed: the interpreter and imports, finding the changed lines (a digest of every line),
validating the changed lines, rebuilding the two SQLite dumps (a patched database would not be
byte-identical to a clean build's), rewriting and hashing the plain dumps, and landing the
rewritten files. The parts run one after another where each needs the previous.
"""

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from bench.corpus import ROOT
from generator.api.models import EVENT_MODELS
from generator.common import digest
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.opendata.dumps import GZIP_LEVEL, iter_flat
from generator.opendata.sqlite import write_database


def best(repeat: int, work: Callable[[], object]) -> float:
    """Fastest wall time of `repeat` runs of `work`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--dist", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rewritten", type=int, default=581, help="files a 10-changed rebuild rewrites")
    args = parser.parse_args()
    snapshot = open_snapshot(args.corpus / "snapshot")
    index = validate_snapshot(snapshot)
    lines = {f: f.path.read_bytes().splitlines() for f in snapshot.files}
    records = [line for file_lines in lines.values() for line in file_lines]
    # Read ahead: the build hashes and compresses bytes it holds, not files it reads back.
    json_files = [p.read_bytes() for p in args.dist.rglob("*.json")]
    plain_dumps = [
        p.read_bytes() for p in (args.dist / "dumps").rglob("*") if p.suffix in (".json", ".ndjson")
    ]
    flats = {v: list(iter_flat(vi)) for v, vi in index.versions.items()}
    scratch = Path(tempfile.mkdtemp(dir=args.dist.parent))
    parts: dict[str, float] = {}

    copy_times: list[float] = []

    def copy() -> None:
        shutil.rmtree(scratch / "copy", ignore_errors=True)
        os.sync()
        start_time = time.perf_counter()
        subprocess.run(["cp", "-r", str(args.dist), str(scratch / "copy")], check=True)
        copy_times.append(time.perf_counter() - start_time)

    def start() -> None:
        code = "import generator.pipeline as p; p._import_stages(); import generator.load.validate"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)

    def validate(files: list) -> Callable[[], None]:
        def run() -> None:
            for file in files:
                model = EVENT_MODELS[(file.version, file.mode)]
                for line in lines[file]:
                    model.model_validate_json(line)

        return run

    def sqlite() -> None:
        for version, rows in flats.items():
            path = scratch / f"{version}.db"
            path.unlink(missing_ok=True)
            write_database(path, rows, {"as_of": "x"})

    for _ in range(args.repeat):
        copy()
    copy_time = min(copy_times)
    shutil.rmtree(scratch / "copy")
    parts["write the output (cp -r of dist/)"] = copy_time
    parts["interpreter and imports"] = best(args.repeat, start)
    parts["validate every record (pydantic-core)"] = best(args.repeat, validate(list(lines)))
    parts["pretty-print every record (orjson)"] = best(
        args.repeat,
        lambda: [orjson.dumps(orjson.loads(r), option=orjson.OPT_INDENT_2) for r in records],
    )
    parts["gzip the dumps (zlib)"] = best(
        args.repeat,
        lambda: [gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) for data in plain_dumps],
    )
    parts["sha256 of every JSON file (manifest, data package)"] = best(
        args.repeat, lambda: [hashlib.sha256(data).digest() for data in json_files]
    )
    parts["SQLite dumps (from flat rows)"] = best(args.repeat, sqlite)
    full_floor = sum(parts.values())

    # 10 changed: one line in 150 of each file, as bench.run changes them.
    changed = [f for f in lines]
    some = {f: lines[f][:: max(len(lines[f]) // 10, 1)][:10] for f in changed}
    inc: dict[str, float] = {}
    inc["interpreter and imports"] = parts["interpreter and imports"]
    inc["digest every line (find the changed ones)"] = best(args.repeat, lambda: [digest(r) for r in records])
    inc["validate the changed lines"] = best(
        args.repeat,
        lambda: [EVENT_MODELS[(f.version, f.mode)].model_validate_json(x) for f in changed for x in some[f]],
    )
    inc["SQLite dumps (from flat rows)"] = parts["SQLite dumps (from flat rows)"]

    def rewrite_dumps() -> None:
        for data in plain_dumps:
            (scratch / "dump").write_bytes(data)
            hashlib.sha256(data).digest()

    inc["rewrite and hash the plain dumps"] = best(args.repeat, rewrite_dumps)

    def land() -> None:
        folder = scratch / "land"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for n in range(args.rewritten):
            (folder / f"{n}.new").write_bytes(b"x")
            (folder / f"{n}").write_bytes(b"y")
        start_time = time.perf_counter()
        for n in range(args.rewritten):
            os.replace(folder / f"{n}.new", folder / f"{n}")
        land_times.append(time.perf_counter() - start_time)

    land_times: list[float] = []
    for _ in range(args.repeat):
        land()
    inc[f"land {args.rewritten} rewritten files (rename)"] = min(land_times)
    inc_floor = sum(inc.values())
    shutil.rmtree(scratch, ignore_errors=True)

    events = len(index.versions["2.3.0"].facets)
    print(f"Lower bounds for {events:,} events per version ({args.corpus}), best of {args.repeat}:")
    print("\nFull build (CPU-bound parts, each alone):")
    for name, seconds in parts.items():
        print(f"  {seconds:6.2f} s  {name}")
    print(
        f"  {full_floor:6.2f} s  sum; over 2 cores at best {full_floor / 2:.2f} s "
        f"= {full_floor / 2 / copy_time:.1f}x `cp -r` ({copy_time:.2f} s)"
    )
    print("\n10 changed (in sequence):")
    for name, seconds in inc.items():
        print(f"  {seconds:6.2f} s  {name}")
    print(f"  {inc_floor:6.2f} s  sum (the SQLite and dump parts could overlap the rest on a second core)")


if __name__ == "__main__":
    main()
