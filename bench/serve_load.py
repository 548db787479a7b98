"""Concurrent load on a running `build.py serve`: N requests from T threads, wall time.

python -m bench.serve_load http://127.0.0.1:8000/2.3.0/events/?limit=5 --requests 1000 --threads 200
"""

import argparse
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url: str) -> int:
    """The status, or 0 when the connection failed (refused, reset, timed out)."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            return int(response.status)
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=200)
    args = parser.parse_args()
    start = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        statuses = list(pool.map(fetch, [args.url] * args.requests))
    elapsed = time.perf_counter() - start
    ok = sum(1 for s in statuses if s == 200)
    print(
        f"{args.requests} requests from {args.threads} threads: {elapsed:.2f} s "
        f"({ok} answered 200, {statuses.count(0)} failed)"
    )


if __name__ == "__main__":
    main()
