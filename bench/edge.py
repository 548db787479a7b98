"""The edge worker under workerd at real size: latency, CPU time and memory of mixed queries.

    python -m bench.edge [--events 1500] [--queries 1000] [--out /tmp/bench-edge] [--seed 7]

Builds the generated corpus (bench/corpus.py) with --edge, runs dist/_worker.js in workerd on
loopback (tests/edge_worker.py) and sends `--queries` requests one at a time, in a seeded mix:
precomputed files (core lists, variants, events) and computed lists (any limit 1-100, offsets,
filters and their combinations, search, orderings, subsets, every mode), a tenth of them
computed 100-record detailed pages. Per request: the latency seen by the client, the CPU time
workerd's threads used meanwhile (/proc/PID/task/*/schedstat, ns: an upper bound of the
isolate's CPU, since it includes the HTTP server and the disk service standing in for
Pages' assets), and the static files read (the worker's X-Edge-Reads). Memory: the isolate's
JS heap and ArrayBuffer backing stores (what Cloudflare's 128 MB counts), read over the
DevTools protocol (workerd's --inspector-addr; aiohttp, a test dependency, speaks WebSocket)
every 50 queries, and workerd's whole resident set (VmRSS, VmHWM). Prints Markdown.
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.settings import BuildSettings  # noqa: E402
from tests.edge_worker import free_port, serve  # noqa: E402

#: Cloudflare Workers' free plan: 10 ms of CPU per request.
FREE_CPU_MS = 10.0


def cpu_ns(pid: int) -> int:
    """CPU time (ns) every thread of a process has used so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):
            pass  # a thread that just ended
    return total


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def workerd_pid(port: int) -> int:
    """The workerd process listening on `port` (the one serve() started)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if cmdline and cmdline[0].endswith(b"workerd") and b"serve" in cmdline:
                config = Path(cmdline[-2].decode() if cmdline[-1] == b"" else cmdline[-1].decode())
                if config.is_file() and f"127.0.0.1:{port}" in config.read_text():
                    return int(proc.name)
    raise RuntimeError(f"no workerd on port {port}")


def mixed_queries(
    rng: random.Random, count: int, manifest: list[str], events: dict[str, list[int]]
) -> list[tuple[str, str]]:
    """(kind, URL) pairs, a tenth each of: events by id (any mode, some under upcoming/ or
    previous/), three tenths lists the build precomputed (from its manifest), four tenths
    other lists (any limit 1-100, offsets, filters and their combinations, search, orderings,
    subsets, modes), and a tenth 100-record detailed pages of such lists."""
    types, agencies, years = list(range(1, 19)), [44, 63, 27, 37, 16, 121, 141], list(range(2015, 2030))
    lists = [q for q in manifest if not q.rstrip("/").split("?")[0].split("/")[-1].isdigit()]
    out: list[tuple[str, str]] = []
    for n in range(count):
        kind = n % 10
        version = rng.choice(["2.3.0", "2.3.0", "2.2.0"])
        endpoint = "events" if version == "2.3.0" else "event"
        subset = rng.choice(["", "", "upcoming/", "previous/"])
        if kind == 0:
            mode = rng.choice(["", "?mode=list", "?mode=normal"]) if version == "2.3.0" else ""
            out.append(("event", f"/{version}/{endpoint}/{subset}{rng.choice(events[version])}/{mode}"))
            continue
        if kind < 4:
            out.append(("list", rng.choice(lists)))
            continue
        params = {"limit": str(rng.randint(1, 100)), "offset": str(rng.choice([0, 0, rng.randint(1, 400)]))}
        if kind == 9:
            version, endpoint, params = "2.3.0", "events", {"limit": "100", "mode": "detailed"}
            params["offset"] = str(rng.choice([0, 100, 200]))
        elif version == "2.3.0":
            params["mode"] = rng.choice(["list", "normal", "detailed"])
        filters = [
            ("type__ids", lambda: ",".join(map(str, rng.sample(types, rng.randint(1, 3))))),
            ("agency__ids", lambda: str(rng.choice(agencies))),
            ("search", lambda: rng.choice(["docking", "eva", "station crew", "landing"])),
            ("ordering", lambda: rng.choice(["-last_updated", "date", "-date,last_updated"])),
        ]
        if version == "2.3.0":
            filters.append(("year", lambda: str(rng.choice(years))))
            filters.append(("date__gte", lambda: f"{rng.choice(years)}-0{rng.randint(1, 9)}-01"))
        for name, value in rng.sample(filters, rng.randint(0 if kind != 9 else 1, 3)):
            params[name] = value()
        query = "&".join(f"{k}={v}" for k, v in params.items())
        out.append(
            ("100-record detailed page" if kind == 9 else "list", f"/{version}/{endpoint}/{subset}?{query}")
        )
    return out


def isolate_heap(port: int) -> int:
    """Bytes the worker's isolate holds: V8's used heap and its ArrayBuffers' backing stores."""
    import aiohttp

    async def ask() -> dict[str, int]:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                target = json.loads(await response.text())[0]["webSocketDebuggerUrl"]
            async with session.ws_connect(target) as socket:
                await socket.send_json({"id": 1, "method": "Runtime.getHeapUsage"})
                async for message in socket:
                    reply = json.loads(message.data)
                    if reply.get("id") == 1:
                        return reply["result"]
        raise RuntimeError("no answer from the inspector")

    usage = asyncio.run(ask())
    return usage["usedSize"] + usage.get("backingStorageSize", 0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-edge"))
    parser.add_argument(
        "--max-files",
        type=int,
        default=20_000,
        help="the build's file budget (default: Cloudflare Pages' 20,000, so events "
        "come from the shards; 0: no cap, events are files)",
    )
    args = parser.parse_args()
    import orjson

    content, dist = args.out / f"content-{args.events}", args.out / f"dist-{args.events}"
    if not (content / "snapshot" / "snapshot.json").exists():
        write_corpus(content / "snapshot", args.events, seed=args.seed)
    build(BuildSettings(content_dir=content, dist_dir=dist, edge=True, max_files=args.max_files or None))
    manifest = [e["query"] for e in orjson.loads((dist / "manifest.json").read_bytes())["entries"]]
    rng = random.Random(args.seed)
    events = {
        v: [row[0] for row in orjson.loads((dist / "edge" / f"{v}.json").read_bytes())["events"]]
        for v in ("2.2.0", "2.3.0")
    }
    queries = mixed_queries(rng, args.queries, manifest, events)
    files = sum(1 for p in dist.rglob("*") if p.is_file())
    edge_files = sorted((dist / "edge").rglob("*"))
    edge_bytes = sum(p.stat().st_size for p in edge_files if p.is_file())

    inspector = free_port()
    with (
        serve(dist, args.out / "workerd", inspector=inspector) as base,
        httpx.Client(base_url=base, timeout=60, headers={"accept": "application/json"}) as client,
    ):
        pid = workerd_pid(int(base.rsplit(":", 1)[1]))
        rss_start, heap_start = memory_kib(pid, "VmRSS"), isolate_heap(inspector)
        heaps = []
        cold = client.get(
            "/2.3.0/events/?limit=100&mode=detailed&ordering=-last_updated&type__ids=1,2,3,4,5,6,7,8,9"
        )
        cold_reads = int(cold.headers["x-edge-reads"])
        results: dict[str, list[tuple[float, float, int]]] = {}
        held = 0
        for n, (label, url) in enumerate(queries):
            if n % 50 == 49:
                heaps.append(isolate_heap(inspector))
            before_cpu, before = cpu_ns(pid), time.perf_counter()
            response = client.get(url)
            elapsed, cpu = (time.perf_counter() - before) * 1000, (cpu_ns(pid) - before_cpu) / 1e6
            assert response.status_code in (200, 404), (url, response.status_code, response.text[:200])
            label = f"{label}, {response.headers['x-edge-source']}"
            results.setdefault(label, []).append((elapsed, cpu, int(response.headers["x-edge-reads"])))
            held = max(held, int(response.headers["x-edge-held"]))
        heaps.append(isolate_heap(inspector))
        rss_end, rss_peak = memory_kib(pid, "VmRSS"), memory_kib(pid, "VmHWM")

    every = [r for rows in results.values() for r in rows]
    print(
        f"## Edge worker: {args.events} events, {len(every)} queries "
        f"(python -m bench.edge --events {args.events} --max-files {args.max_files})\n"
    )
    print(
        "By kind and by where the answer came from (X-Edge-Source: file, computed, or missing: "
        "an event outside the subset asked, LL2's 404).\n"
    )
    print(
        f"dist/: {files:,} files; edge data {sum(1 for p in edge_files if p.is_file())} files, "
        f"{edge_bytes:,} bytes; "
        f"_worker.js {(dist / '_worker.js').stat().st_size:,} bytes\n"
    )
    print("| queries | n | latency median | p99 | CPU median | p99 | within 10 ms CPU | files read (max) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, rows in [*sorted(results.items()), ("all", every)]:
        lat, cpu, reads = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        within = sum(c <= FREE_CPU_MS for c in cpu) / len(cpu)
        print(
            f"| {label} | {len(rows)} | {statistics.median(lat):.1f} ms | {percentile(lat, 0.99):.1f} ms | "
            f"{statistics.median(cpu):.1f} ms | {percentile(cpu, 0.99):.1f} ms | {within:.1%} | "
            f"{max(reads)} |"
        )
    print(
        f"\nA computed 100-record detailed page in a fresh isolate read {cold_reads} static files "
        f"(the file it tries, the facet index, the shards)."
    )
    print(
        "The isolate's memory (JS heap and ArrayBuffers, sampled every 50 queries): "
        f"{heap_start / 2**20:.1f} MiB "
        f"before the first request, at most {max(heaps) / 2**20:.1f} MiB, {heaps[-1] / 2**20:.1f} MiB at "
        "the end."
    )
    print(
        f"workerd's memory: {rss_start / 1024:.0f} MiB resident before the first request, "
        f"{rss_end / 1024:.0f} MiB "
        f"after, peak {rss_peak / 1024:.0f} MiB (the whole process: runtime, HTTP server, disk service, "
        "isolate); "
        f"the worker held at most {held / 2**20:.1f} MiB of record shards (X-Edge-Held)."
    )


if __name__ == "__main__":
    main()
