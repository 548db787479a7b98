"""What a person watching a fetch sees: one updating status line on a terminal, else nothing.

CI logs get the single summary line the CLI prints at the end (FetchReport.line()).
"""

from typing import TextIO

from generator.fetch.envelope import Page
from generator.fetch.plan import Walk
from generator.fetch.quota import RequestQuota


class Progress:
    """Status line on `stream` when it is a terminal (tests pass `force=True`)."""

    def __init__(self, stream: TextIO, force: bool = False) -> None:
        self.stream = stream
        self.quota: RequestQuota | None = None  # set by run_fetch
        self.enabled = force or stream.isatty()
        self.requests = 0
        self.records = 0

    def _left(self) -> int:
        return self.quota.left() if self.quota else 0

    def _show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()

    def on_request(self, url: str) -> None:
        self.requests += 1
        self._show(f"request {self.requests}: GET {url} (budget left {self._left()})")

    def on_wait(self, seconds: float, reason: str) -> None:
        self._show(f"waiting {seconds:.0f}s: {reason} (budget left {self._left()})")

    def on_page(self, walk: Walk, page: Page) -> None:
        self.records += len(page.records)
        total = walk.counts[-1] if walk.counts else 0
        self._show(
            f"{walk.file if walk.role != 'reconcile' else 'id listing'} ({walk.role}): page "
            f"{walk.pages}, {walk.records}/{total} records; {self.requests} requests, "
            f"{self.records} records this run, budget left {self._left()}"
        )

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
