"""Run the command line and SIGKILL itself right after a chosen rename, as a crash would.

    python -m tests.kill_at NAME ARGS...

The process kills itself right after the first `os.rename` whose source folder is named NAME
(e.g. `snapshot`: the first of a fetch's two swap renames), before anything else runs.
"""

import os
import signal
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    name, args = sys.argv[1], sys.argv[2:]
    real = os.rename

    def rename(source: Any, target: Any, *rest: Any, **options: Any) -> None:
        real(source, target, *rest, **options)
        if Path(os.fsdecode(source)).name == name:
            os.kill(os.getpid(), signal.SIGKILL)

    os.rename = rename  # type: ignore[assignment]
    from generator.cli import main as cli

    sys.exit(cli(args))


if __name__ == "__main__":
    main()
