"""Every option of a fetch run in one object; the CLI builds it, nothing reads the environment.

The API URL and the token are checked when the object is made (SettingsError, exit 2): only an
http(s) URL naming a host, and a token an HTTP header can carry (surrounding blanks stripped).
A `user:password@` in the URL is taken out of `api_url` into `login` (sent as HTTP Basic auth),
so the URL that is printed and saved never holds it.
"""

import base64
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from generator.errors import SettingsError

PRODUCTION_API = "https://ll.thespacedevs.com"
DEV_API = "https://lldev.thespacedevs.com"
TOKEN_VARIABLE = "LL2_API_TOKEN"

#: A host name, letter by letter (an IDN is checked in its ASCII form).
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?")


def split_api_url(text: str) -> tuple[str, tuple[str, str] | None]:
    """(the URL without credentials, (user, password) if it held any); SettingsError if it is
    not an http(s) URL of a host. Messages never repeat the URL: it may hold a password."""
    example = f"give the LL2 host, e.g. {PRODUCTION_API}"
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError as exc:
        raise SettingsError(f"--api-url is not a URL ({exc}); {example}") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"a {parts.scheme.lower()!r} URL" if parts.scheme.isascii() and parts.scheme else "no URL"
        raise SettingsError(f"--api-url must be an http:// or https:// URL, not {scheme}; {example}")
    host = parts.hostname or ""
    if not _valid_host(host):
        raise SettingsError(f"--api-url names no host that can be reached; {example}")
    if parts.query or parts.fragment:
        raise SettingsError(f"--api-url must not have a query or fragment; {example}")
    login = (unquote(parts.username or ""), unquote(parts.password or ""))
    netloc = parts.netloc.rpartition("@")[2]
    url = urlunsplit((parts.scheme.lower(), netloc, parts.path, "", ""))
    import httpx  # here: a build imports this module and needs no httpx

    try:  # what httpx refuses to send to (an IPv4 address past 255, a control character)
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise SettingsError(f"--api-url is not a URL ({exc}); {example}") from None
    return url, login if any(login) else None


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal (urlsplit has dropped the brackets)
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return False
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST_NAME.fullmatch(ascii_host))


def clean_token(token: str | None) -> str | None:
    """The token without surrounding blanks (None if nothing is left); SettingsError if it holds
    a character an HTTP header cannot carry. The message never shows the token."""
    token = (token or "").strip()
    if not token:
        return None
    if not all("!" <= c <= "~" for c in token):
        raise SettingsError(
            f"${TOKEN_VARIABLE} holds a space, a control or a non-ASCII character, which an HTTP "
            "header cannot carry (an LL2 key is 40 hex digits); check the secret"
        )
    return token


@dataclass(frozen=True)
class FetchSettings:
    content_dir: Path = Path("content")
    #: The LL2 host (http or https); credentials in it move to `login` (see the module's note).
    api_url: str = PRODUCTION_API
    #: LL2 API key, sent as `Authorization: Token ...` to the API host only; never printed.
    token: str | None = field(default=None, repr=False)
    #: (user, password) from the API URL, sent as HTTP Basic auth instead; never printed.
    login: tuple[str, str] | None = field(default=None, repr=False)
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
    #: Bytes of one response body, at most: a page is 100 records of about 18-22 KB (the seed's
    #: 2.3.0 detailed and 2.2.0 records), some 2.2 MB; reading stops past this and the run fails
    #: (a body of gigabytes would exhaust memory).
    max_body: int = 32 * 2**20

    def __post_init__(self) -> None:
        url, login = split_api_url(self.api_url)
        object.__setattr__(self, "api_url", url)
        object.__setattr__(self, "token", clean_token(self.token))
        if login is not None:
            object.__setattr__(self, "login", login)
        if self.token and self.login:
            raise SettingsError(
                f"--api-url holds a user name or password and ${TOKEN_VARIABLE} is set: both would be "
                "the Authorization header; give one"
            )

    @property
    def snapshot_dir(self) -> Path:
        return self.content_dir / "snapshot"

    @property
    def api_root(self) -> str:
        return self.api_url.rstrip("/")

    @property
    def authorization(self) -> str | None:
        """The Authorization header: the token, or HTTP Basic from the URL's credentials."""
        if self.token:
            return f"Token {self.token}"
        if self.login:
            pair = f"{self.login[0]}:{self.login[1]}".encode()
            return f"Basic {base64.b64encode(pair).decode('ascii')}"
        return None

    def secrets(self) -> tuple[str, ...]:
        """What must appear in nothing a run prints or writes: the token, the URL's credentials
        and the Authorization header made of them."""
        values = [self.token or "", *(self.login or ()), self.authorization or ""]
        return tuple(v for v in values if v)
