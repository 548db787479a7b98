"""One page from LL2: within budget, honouring 429/Retry-After, retrying transient failures.

Every attempt counts against the budget (LL2 counts every request). Timeouts (per read, or
the whole response past its deadline: a server trickling its body), connection
errors, 5xx and truncated or non-JSON bodies are retried up to `max_retries` times, waiting
`backoff_base * 2**(n-1)` seconds (capped) with jitter between half and all of it, so runs
that fail together do not retry together. A 429 waits its Retry-After when that is at most
`max_wait`; longer, the run stops cleanly (RateLimited) and resumes next time. Other 4xx
(bad token, unknown path) fail at once: retrying cannot help; so does a body larger than
`max_body` (reading stops there) and one that echoes the API key (it is never kept). The key
and the URL's credentials are masked in every message (`secrets.Redactor`).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from generator.errors import FetchError, RateLimited, UpstreamError
from generator.fetch.clock import Clock
from generator.fetch.envelope import BadBody, Page, parse_page
from generator.fetch.options import FetchSettings
from generator.fetch.quota import RequestQuota
from generator.fetch.secrets import Redactor

#: Progress hooks: (url) before a request; (seconds, reason) before a wait.
OnRequest = Callable[[str], None]
OnWait = Callable[[float, str], None]


def _quiet_request(url: str) -> None:
    return None


def _quiet_wait(seconds: float, reason: str) -> None:
    return None


class LL2Client:
    """Fetches list pages from one LL2 host."""

    def __init__(
        self,
        http: httpx.Client,
        settings: FetchSettings,
        quota: RequestQuota,
        clock: Clock,
        rng: random.Random | None = None,
        on_request: OnRequest = _quiet_request,
        on_wait: OnWait = _quiet_wait,
    ) -> None:
        self.http = http
        self.settings = settings
        self.quota = quota
        self.clock = clock
        self.rng = rng or random.Random()
        self.on_request = on_request
        self.on_wait = on_wait
        #: LL2's clock: the Date of its latest response, and how far ours is behind it
        #: (seconds, + when LL2's is ahead). The run's times come from it (fetch/servertime.py).
        self.server_date: datetime | None = None
        self.clock_skew: float | None = None
        self._headers = {"Accept": "application/json"}
        if settings.authorization:
            self._headers["Authorization"] = settings.authorization
        self.redact = Redactor(settings.secrets())
        #: Pages received whole and well-formed this run, and the last failed attempt's problem.
        self.pages = 0
        self.last_problem: str | None = None

    def url(self, link: str) -> str:
        """`link` (LL2's absolute `next` link or a path) on our API host.

        Only the path and query of a link are kept, so the token only ever goes to the host
        the user chose, even if LL2 writes its links with another scheme or host name; a link
        whose path is not absolute or holds a blank, control or non-ASCII character is refused
        (FetchError): it could only make a URL that httpx or the socket layer chokes on.
        """
        try:
            parts = urlsplit(link)
        except ValueError:  # "http://[::1"
            parts = urlsplit("")
        query = f"?{parts.query}" if parts.query else ""
        if not parts.path.startswith("/") or not all("!" <= c <= "~" for c in parts.path + query):
            shown = repr(self.redact(link))[:100]
            raise FetchError(f"LL2's next link {shown} is not a link to a page of the API; the run stops")
        return f"{self.settings.api_root}{parts.path}{query}"

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds from a Retry-After header (seconds or HTTP date), None if absent or bad."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - self.clock.now()).total_seconds())

    def _note_date(self, response: httpx.Response) -> None:
        """Remember LL2's time from the response's Date header (ignored if absent or bad)."""
        try:
            when = parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        self.server_date = when
        self.clock_skew = (when - self.clock.now()).total_seconds()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def get_page(self, url: str) -> Page:
        """GET one list page; raise FetchError subclasses or QuotaSpent."""
        failures = 0
        while True:
            self.quota.take()
            self.on_request(url)
            outcome = self._attempt(url)
            if isinstance(outcome, Page):
                self.pages += 1
                return outcome
            failures += 1
            self.last_problem = f"GET {url}: {outcome.problem}"
            if failures > self.settings.max_retries:
                message = f"GET {url}: {outcome.problem}; gave up after {failures} attempts"
                if outcome.throttled:
                    raise RateLimited(message, outcome.wait)
                raise UpstreamError(message)
            if not self.quota.left():
                self.quota.take()  # raises QuotaSpent: no request is left to retry with, so no wait
            wait = self._backoff(failures) if outcome.wait is None else outcome.wait
            retry = "" if outcome.throttled else f", retry {failures}/{self.settings.max_retries}"
            self.on_wait(wait, f"{outcome.problem}{retry}")
            self.clock.sleep(wait)

    def _attempt(self, url: str) -> "Page | _Retry":
        """One request: the page, or what went wrong if trying again may help."""
        try:
            with self.http.stream(
                "GET", url, headers=self._headers, timeout=self.settings.timeout
            ) as response:
                self._note_date(response)
                body = self._read_within(
                    response, time.monotonic() + self.settings.deadline, self.settings.max_body
                )
        except httpx.TimeoutException:
            return _Retry("timed out")
        except httpx.TransportError as exc:
            return _Retry(self.redact(f"connection failed ({type(exc).__name__}: {exc})"))
        except _TooBig:
            raise FetchError(
                f"GET {url}: the response is larger than {self.settings.max_body:,} bytes, far more "
                "than any LL2 page; stopped reading it"
            ) from None
        except _TooSlow:
            return _Retry(
                f"no whole response within {self.settings.deadline:g}s (the server sends too slowly)"
            )
        status = response.status_code
        if status == 429:
            wait = self._retry_after(response)
            if wait is not None and wait > self.settings.max_wait:
                raise RateLimited(
                    f"GET {url}: rate limited by LL2 (429), Retry-After {wait:.0f}s "
                    f"is longer than this run waits ({self.settings.max_wait:.0f}s)",
                    wait,
                )
            return _Retry("rate limited (429)", wait, throttled=True)
        if status >= 500:
            return _Retry(f"HTTP {status}")
        if status != 200:
            detail = self.redact(body.decode("utf-8", "replace"))[:200].strip()
            hint = " (is LL2_API_TOKEN right?)" if status in (401, 403) else ""
            raise FetchError(f"GET {url}: HTTP {status}{hint}: {detail}")
        if self.redact.found_in(body):
            raise FetchError(
                f"GET {url}: the response holds the API key or the URL's credentials; refused, "
                "nothing of it is kept"
            )
        try:
            return parse_page(body)
        except BadBody as exc:
            return _Retry(str(exc))

    @staticmethod
    def _read_within(response: httpx.Response, deadline: float, limit: int) -> bytes:
        """The body, read as it arrives; _TooSlow once the whole response's deadline passes
        (checked after every chunk: one wait for bytes is bounded by the read timeout), _TooBig
        as soon as it is announced or read past `limit` bytes (decoded: a gzip bomb counts)."""
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > limit:
            raise _TooBig
        chunks = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise _TooBig
            if time.monotonic() > deadline:
                raise _TooSlow
        if time.monotonic() > deadline:
            raise _TooSlow
        return b"".join(chunks)


class _TooSlow(Exception):
    """The whole response did not arrive within the deadline."""


class _TooBig(Exception):
    """The body is larger than any LL2 page."""


@dataclass(frozen=True)
class _Retry:
    """A failed attempt worth repeating: why, and how long LL2 asked us to wait (if it did)."""

    problem: str
    wait: float | None = None
    throttled: bool = False
