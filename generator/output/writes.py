"""Writing bytes into a new file in pieces of at most `PIECE` bytes.

Measured on the benchmark machine (Linux 6.18 in a VM whose free memory goes back to the host,
ext4; `python -m bench.writes`, 8 rounds): 75 new files of 1.7 MB (a 2.2.0 `limit=100` page)
took 0.03-0.31 s written whole or in 256 KiB pieces, depending on the state of memory, and
0.035-0.039 s every time in 64 KiB pieces (16 KiB: 0.06 s, more system calls). Our reading:
a large write lets ext4 give the file large folios, taken from free memory the host had
reclaimed and must fault back in; small pieces get small folios from memory still in use. On
a machine without that cost, the pieces cost a few more system calls and nothing else.
"""

import os
from typing import BinaryIO

#: Largest single write (see above).
PIECE = 1 << 16


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of `data` to the file descriptor, `PIECE` bytes at a time at most."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:PIECE]) :]


def write_file(path: str, data: bytes | memoryview) -> None:
    """Create (or truncate) the file at `path` and write `data` into it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_pieces(handle: BinaryIO, data: bytes | memoryview) -> None:
    """`handle.write(data)` in `PIECE`-sized writes (a buffered file passes a large write
    through to the kernel whole)."""
    view = memoryview(data)
    for start in range(0, len(view), PIECE):
        handle.write(view[start : start + PIECE])
