#!/usr/bin/env python3
"""Entry point: `python build.py --help`. The work is in generator/."""

import os
import sys
from typing import NoReturn

from generator.cli import main


def leave(code: int) -> NoReturn:
    """End the process now: every file is closed and every forked child joined by then. No
    interpreter teardown, which frees a build's objects one by one (0.1-0.15 s after a
    1,500-event build; bench/timeline.py)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing left to tell it
            pass
    os._exit(code)


if __name__ == "__main__":
    leave(main(leave=leave))
