"""Run part of the build in a second process, to use the machine's second core.

`forked(work)` forks; the child runs `work()` and sends its result (or its exception) back
through a pipe, then ends with `os._exit`, so it never runs the parent's cleanup (which would
remove the staging folder both are writing into). The parent calls `join()` for the result;
if the parent leaves the block without joining (an error of its own), the child is killed
and reaped first. Fork before starting any thread: a child gets only the forking thread, and
locks other threads held stay held.
"""

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TypeVar

from generator.errors import ChildFailed

T = TypeVar("T")
U = TypeVar("U")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def can_fork() -> bool:
    """Whether this process can fork safely: the platform has fork and no other thread runs
    (a child would inherit the locks other threads hold; Python 3.12 warns about it)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _die_with(parent: int) -> None:
    """Have the kernel kill this (forked) process when its parent dies, on Linux; if the
    parent died already, end now."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: it ends on writing its result
        return
    if os.getppid() != parent:
        os._exit(1)


def _run_child(work: Callable[[], object], pipe: int) -> None:
    code = 0
    try:
        payload = pickle.dumps((True, work()))
    except BaseException as error:  # everything goes back to the parent
        code = 1
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        try:
            payload = pickle.dumps((False, (error, detail)))
        except Exception:
            payload = pickle.dumps((False, (None, detail)))
    try:
        with os.fdopen(pipe, "wb") as handle:
            handle.write(payload)
    finally:
        os._exit(code)


@contextmanager
def forked(work: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Start `work` in a child process; yield the function that waits for its result."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _die_with(parent)
        os.close(read_end)
        _run_child(work, write_end)
    os.close(write_end)
    joined = False

    def join() -> T:
        nonlocal joined
        with os.fdopen(read_end, "rb") as handle:
            payload = handle.read()  # read to the end before waiting: the pipe may be full
        _, status = os.waitpid(pid, 0)
        joined = True
        if not payload:
            raise ChildFailed(f"the build's second process died ({_describe(status)}) without a result")
        ok, value = pickle.loads(payload)
        if ok:
            return value  # type: ignore[no-any-return]
        error, detail = value
        if isinstance(error, BaseException):
            raise error
        raise ChildFailed(f"the build's second process failed: {detail}")

    try:
        yield join
    finally:
        if not joined:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            try:
                os.close(read_end)
            except OSError:
                pass


def both(here: Callable[[], T], there: Callable[[bool], U], parallel: bool) -> tuple[T, U]:
    """`here()` in this process and `there(True)` in a forked child at the same time, where
    `parallel` and forking is safe; else `here()` then `there(False)`, both in this process
    (`there`'s argument, named `in_child` by its callers, says which)."""
    if parallel and can_fork():
        with forked(lambda: there(True)) as join:
            mine = here()
            return mine, join()
    mine = here()
    return mine, there(False)


class Background:
    """Work started now and finished by the end of the block: in a forked child where
    `parallel` and forking is safe (its result is not needed, only that it succeeded), else
    right away in this process. Leaving the block joins the child and raises its error."""

    def __init__(self, parallel: bool) -> None:
        self._parallel = parallel
        self._stack = ExitStack()
        self._joins: list[Callable[[], object]] = []

    def start(self, work: Callable[[], object]) -> None:
        if self._parallel and can_fork():
            self._joins.append(self._stack.enter_context(forked(work)))
        else:
            work()

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        with self._stack:  # kills and reaps a child not joined (this block failed)
            if kind is None:
                for join in self._joins:
                    join()


class Shares:
    """Units of work, numbered 0..count-1, that two processes take in turn, each unit taken by
    exactly one: whichever is idle takes the next. The numbers wait in a pipe filled (and its
    writing end closed) before the fork; reading one byte takes one, atomically."""

    def __init__(self, count: int) -> None:
        if not 0 < count <= 256:
            raise ValueError(f"{count} units: a pipe of one-byte tokens holds 1 to 256")
        self.count = count
        read_end, write_end = os.pipe()
        os.write(write_end, bytes(range(count)))
        os.close(write_end)
        self._read_end = read_end

    def take(self) -> Iterator[int]:
        """The units this process takes, until none is left."""
        while token := os.read(self._read_end, 1):
            yield token[0]

    def close(self) -> None:
        os.close(self._read_end)

    def __enter__(self) -> "Shares":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
