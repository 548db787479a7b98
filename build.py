#!/usr/bin/env python3
"""Entry point: `python build.py --help`. The work is in generator/."""

import os
import sys

from generator.cli import main

if __name__ == "__main__":
    code = main()
    # Every file is closed and every forked child joined by now: leave without the
    # interpreter's teardown, which frees a build's objects one by one (0.1-0.15 s after a
    # 1,500-event build; bench/timeline.py).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing left to tell it
            pass
    os._exit(code)
