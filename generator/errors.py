"""Every error ll2-static raises on purpose, as one small tree.

    LL2StaticError                  base: the CLI prints "Error: ..." and exits 1
    ├── ContentError                the snapshot in content/ is unusable (missing file, bad metadata)
    │   └── ValidationFailed        records failed validation; carries every Problem found
    ├── QueryError                  a URL or query that the mirror cannot map to a path
    ├── FetchError                  talking to LL2 failed (fetcher)
    │   ├── RateLimited             LL2 said 429 and the run's budget cannot wait it out
    │   └── UpstreamError           5xx, timeouts, truncated or non-JSON bodies, after retries
    ├── BudgetError                 the planned site would not fit the size/file budget
    ├── SettingsError               a build option that cannot work (--cname, --dist); exit 2
    ├── RenderError                 a template failed; names the template and the page
    ├── OutputError                 a path that would leave dist/, or one written twice
    ├── BuildLocked                 another build holds the lock of this dist/ (output/lock.py)
    ├── DistInFlux                  a reader met a live build landing in dist/ (output/settle.py)
    └── ChildFailed                 the build's second process died or failed (output/parallel.py)

Each error carries the file, line, event id, URL or template it is about in its message.
"""

from dataclasses import dataclass


class LL2StaticError(Exception):
    """Base of all expected failures: message is for a person, no traceback needed."""


class ContentError(LL2StaticError):
    """The snapshot in content/ cannot be read as a snapshot."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record: where, which event, which field, what."""

    file: str
    line: int
    event_id: int | None
    field: str
    message: str

    def __str__(self) -> str:
        event = "?" if self.event_id is None else str(self.event_id)
        return f"{self.file}:{self.line}: event {event}: {self.field}: {self.message}"


class ValidationFailed(ContentError):
    """Records failed validation; `problems` lists all of them, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the snapshot; nothing was written:\n{lines}")


class QueryError(LL2StaticError):
    """A path or query string that does not name anything the mirror serves."""


class BadFilterValue(QueryError):
    """A filter value LL2 rejects with 400 Bad Request (`field` names the parameter)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"LL2 answers 400 Bad Request: {field}: {reason}")
        self.field, self.reason = field, reason


class FetchError(LL2StaticError):
    """Fetching from LL2 failed."""


class RateLimited(FetchError):
    """LL2 answered 429; `retry_after` is seconds to wait, when it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UpstreamError(FetchError):
    """LL2 failed (5xx, timeout, truncated or non-JSON body) after every retry."""


class BudgetError(LL2StaticError):
    """The site would exceed its byte or file budget."""


class SettingsError(LL2StaticError):
    """A build option whose value cannot work; names the option and an example."""


class RenderError(LL2StaticError):
    """A template failed to render a page."""


class OutputError(LL2StaticError):
    """A path that would escape the output folder, or one written twice."""


class BuildLocked(LL2StaticError):
    """Another build holds the lock of this dist/."""


class DistInFlux(LL2StaticError):
    """A live build is landing its files in dist/ right now."""


class ChildFailed(LL2StaticError):
    """The second process ended without a result, or with an error that could not be sent."""
