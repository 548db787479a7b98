"""What a person watching a build sees: after ~2 s, one status line on a terminal (what the
build is doing, the files written so far, the time), updated twice a second; nothing in CI
logs or tests.

The build's steps (steps.py) say what they are doing with `status(...)`; the CLI runs the
build inside `BuildProgress`.
A forked second process (generator/output/parallel.py) does not report: the files it writes are counted
when its part lands, and the final report counts every file of dist/ either way.
"""

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

_state: dict[str, object] = {"doing": "starting", "files": None}


def status(doing: str, files: Callable[[], int] | None = None) -> None:
    """What the build is doing now, and how to count the files written so far (if known)."""
    _state["doing"] = doing
    if files is not None:
        _state["files"] = files


class BuildProgress:
    """A status line on `stream` when it is a terminal and the build outlasts `after` seconds."""

    def __init__(self, stream: TextIO, after: float = 2.0, every: float = 0.5, force: bool = False) -> None:
        self.stream, self.after, self.every = stream, after, every
        self.enabled = force or stream.isatty()
        self._done = threading.Event()
        self._shown = False
        self._thread = threading.Thread(target=self._run, name="build-progress", daemon=True)

    def line(self, elapsed: float) -> str:
        count = _state["files"]
        files = f", {count():,} files" if callable(count) else ""
        return f"building: {_state['doing']}{files} ({elapsed:.0f} s)"

    def _run(self) -> None:
        began = time.monotonic()
        if self._done.wait(self.after):
            return
        while not self._done.is_set():
            self.stream.write(f"\r\x1b[K{self.line(time.monotonic() - began)}")
            self.stream.flush()
            self._shown = True
            self._done.wait(self.every)

    def __enter__(self) -> "BuildProgress":
        _state.update(stage="starting", files=None)
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        if self.enabled:
            self._thread.join()
            if self._shown:
                self.stream.write("\r\x1b[K")  # the report follows on a clean line
                self.stream.flush()
