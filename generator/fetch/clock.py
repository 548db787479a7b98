"""Time at the edge: the fetcher asks a Clock for 'now' and to wait, so tests never sleep."""

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the fetcher needs of time."""

    def now(self) -> datetime:
        """The current time, UTC-aware."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` (backoff, Retry-After)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def stamp(value: datetime) -> str:
    """UTC time as LL2 writes it, to the second: 2025-12-04T17:06:15Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
