"""Every option of a fetch run in one object; the CLI builds it, nothing reads the environment."""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PRODUCTION_API = "https://ll.thespacedevs.com"
DEV_API = "https://lldev.thespacedevs.com"


@dataclass(frozen=True)
class FetchSettings:
    content_dir: Path = Path("content")
    api_url: str = PRODUCTION_API
    #: LL2 API key, sent as `Authorization: Token ...` to the API host only; never printed.
    token: str | None = field(default=None, repr=False)
    #: Ignore high-water marks and saved incremental progress: fetch everything.
    full: bool = False
    #: Requests this run may make (retries count: LL2 counts every request).
    max_requests: int = 15
    #: Requests in any hour, across runs (LL2's free tier allows 15 an hour).
    per_hour: int = 15
    #: Ask for `last_updated__gte` this much before the high-water mark (clock skew, slow commits).
    overlap: timedelta = timedelta(minutes=10)
    #: How often an incremental run also lists every id (mode=list) to find deletions.
    reconcile_every: timedelta = timedelta(hours=24)
    #: Records per page: LL2's maximum.
    page_limit: int = 100
    #: Attempts after the first for one page on timeouts, connection errors, 5xx, bad bodies.
    max_retries: int = 4
    #: Backoff before retry n is up to min(backoff_cap, backoff_base * 2**(n-1)) seconds.
    backoff_base: float = 2.0
    backoff_cap: float = 60.0
    #: Longest Retry-After a run waits out; longer and the run stops cleanly (progress saved).
    max_wait: float = 120.0
    #: Seconds before a request times out (connecting, or waiting for the next bytes).
    timeout: float = 30.0
    #: Seconds for a whole response, headers to last byte: a server that trickles its body
    #: (a byte every few seconds) never trips `timeout`, but trips this; then it is retried.
    deadline: float = 120.0

    @property
    def snapshot_dir(self) -> Path:
        return self.content_dir / "snapshot"

    @property
    def api_root(self) -> str:
        return self.api_url.rstrip("/")
