"""The request quota: at most N requests per run and M in any hour (across runs)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from generator.fetch.clock import Clock

HOUR = timedelta(hours=1)
FUTURE_SLACK = timedelta(minutes=1)
#: A `not_before` further ahead than this was stamped by a clock that ran ahead (the runner
#: caps the waits it records at a day): not believed.
LONGEST_WAIT = timedelta(days=1, minutes=1)


class QuotaSpent(Exception):
    """Not an error: the run stops cleanly and saves its progress. `reason` says which budget."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class RequestQuota:
    """Counts requests; `take()` before each one raises QuotaSpent when none is left."""

    clock: Clock
    per_run: int
    per_hour: int
    #: Times of earlier requests (this and earlier runs); only the last hour matters.
    log: list[datetime] = field(default_factory=list)
    used: int = 0
    #: LL2 said (429, Retry-After) not to ask before this time: a run before it stops at once.
    not_before: datetime | None = None

    def _recent(self) -> list[datetime]:
        now = self.clock.now()
        # A request "in the future" was logged by a clock that ran ahead: it is not believed
        # (it would hold the hourly budget spent until that time comes).
        self.log = [t for t in self.log if now - HOUR < t <= now + FUTURE_SLACK]
        return self.log

    def left(self) -> int:
        """Requests that may still be made now."""
        return max(0, min(self.per_run - self.used, self.per_hour - len(self._recent())))

    def take(self) -> None:
        """Account for one request, or raise QuotaSpent."""
        if (
            self.not_before is not None
            and self.clock.now() < self.not_before <= self.clock.now() + LONGEST_WAIT
        ):
            raise QuotaSpent(
                f"LL2 asked (429 Retry-After) for no request before {self.not_before:%Y-%m-%dT%H:%M:%SZ}"
            )
        if self.used >= self.per_run:
            raise QuotaSpent(f"request budget of this run spent ({self.per_run})")
        recent = self._recent()
        if len(recent) >= self.per_hour:
            free_at = min(recent) + HOUR
            raise QuotaSpent(
                f"hourly budget spent ({self.per_hour} requests in the last hour; "
                f"the next is free at {free_at:%Y-%m-%dT%H:%M:%SZ})"
            )
        self.used += 1
        self.log.append(self.clock.now())
