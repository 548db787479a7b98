"""What `generator/common.py`'s `digest` hashes with: SHA-256 against BLAKE2b on this machine.

    python -m bench.digests

Times both over inputs the size of a small key (40 bytes) and of a snapshot record (9 KB, a
2.3.0 detailed event; a rebuild hashes every record of every snapshot file), and prints
microseconds a call.
"""

import hashlib
import os
import timeit

SIZES = (40, 9_000)
CALLS = 20_000


def main() -> int:
    for size in SIZES:
        data = os.urandom(size)
        blake = timeit.timeit(lambda d=data: hashlib.blake2b(d, digest_size=16).digest(), number=CALLS)
        sha = timeit.timeit(lambda d=data: hashlib.sha256(d).digest()[:16], number=CALLS)
        print(
            f"{size:>6,} bytes: BLAKE2b {blake / CALLS * 1e6:.2f} us, SHA-256 {sha / CALLS * 1e6:.2f} us"
            f" ({blake / sha:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
