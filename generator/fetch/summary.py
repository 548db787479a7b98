"""`--summary-json`: made writable before the run, so that a place it cannot be written stops
the run before the snapshot is touched (a failed run leaves the snapshot as it was).

The file is created beside its target first (`.NAME.tmp-PID`), filled when the run ends and
renamed over the target: the target is never half written.
"""

import os
from pathlib import Path
from typing import IO, Any

import orjson

from generator.errors import SettingsError


class SummaryFile:
    """The summary's file, opened before the run; `write` lands it, `discard` drops it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._temp: Path | None = None
        self._handle: IO[bytes] | None = None

    def __enter__(self) -> "SummaryFile":
        if self.path is None:
            return self
        if self.path.is_dir():
            raise SettingsError(f"--summary-json {self.path}: is a folder, not a file")
        temp = self.path.parent / f".{self.path.name}.tmp-{os.getpid()}"
        try:
            self._handle = open(temp, "wb")  # noqa: SIM115 - closed in write() or __exit__
        except OSError as exc:
            raise SettingsError(
                f"--summary-json {self.path}: cannot be written ({exc.strerror or exc}); nothing was fetched"
            ) from None
        self._temp = temp
        return self

    def write(self, summary: dict[str, Any]) -> None:
        """Write the summary and put it in place."""
        if self._handle is None or self._temp is None or self.path is None:
            return
        handle, self._handle = self._handle, None
        with handle:
            handle.write(orjson.dumps(summary) + b"\n")
        os.replace(self._temp, self.path)
        self._temp = None

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
