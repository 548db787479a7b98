#!/usr/bin/env python3
"""Entry point: `python build.py --help`. The work is in generator/."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
