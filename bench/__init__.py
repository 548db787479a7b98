"""Benchmarks of the build (docs/benchmarks.md)."""

import os

#: The environment of every build a benchmark times: this one, except that Python may keep
#: compiled bytecode. This machine sets PYTHONDONTWRITEBYTECODE=1, so every build compiled
#: each of the ~100 modules it loads again from source (0.07-0.1 s a build, the same for a
#: full build and a rebuild); a normal install and GitHub's runners keep `__pycache__/`.
BUILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
