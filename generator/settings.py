"""One object carries every build option; functions take it, nothing reads globals."""

import os
from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

#: "No limit" as a number: budgets are compared, never printed as such.
UNLIMITED = 1 << 62


@dataclass(frozen=True)
class HostProfile:
    """What a static host accepts: bytes of the whole site, files, bytes of one file."""

    name: str
    max_bytes: int
    max_files: int
    max_file_bytes: int
    note: str


#: `--host` profiles (docs/precompute.md): each sets the budget; --max-bytes/--max-files override.
HOSTS: dict[str, HostProfile] = {
    p.name: p
    for p in (
        # "Published GitHub Pages sites may be no larger than 1 GB"; no file count limit.
        HostProfile("github-pages", 1_000_000_000, UNLIMITED, UNLIMITED, "1 GB a site, no file limit"),
        # Cloudflare Pages' free plan: 20,000 files, 25 MiB a file, no total size limit.
        HostProfile("cloudflare-pages", UNLIMITED, 20_000, 25 * 1024 * 1024, "20,000 files, 25 MiB a file"),
        HostProfile("none", UNLIMITED, UNLIMITED, UNLIMITED, "no limit"),
    )
}
DEFAULT_HOST = "github-pages"

#: Two processes where the machine has two cores and can fork (see output/parallel.py).
DEFAULT_JOBS = 2 if (os.cpu_count() or 1) > 1 and hasattr(os, "fork") else 1
#: The repository's templates/ (the HTML layouts and static assets ship with the code).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Limits:
    """Ceilings for the whole of dist/: bytes and files, and bytes of any one file."""

    max_bytes: int = HOSTS[DEFAULT_HOST].max_bytes
    max_files: int = HOSTS[DEFAULT_HOST].max_files
    max_file_bytes: int = HOSTS[DEFAULT_HOST].max_file_bytes


@dataclass(frozen=True)
class BuildSettings:
    content_dir: Path = Path("content")
    dist_dir: Path = Path("dist")
    templates_dir: Path = TEMPLATES
    #: Where the site is served, e.g. https://user.github.io/ll2-static ("" = the host's root).
    base_url: str = ""
    #: The build's "now" for upcoming/previous; None = the snapshot's `as_of`.
    now: datetime | None = None
    #: Treat warnings (schema drift) as errors.
    strict: bool = False
    #: The host published to (HOSTS): sets the budget below unless it is given.
    host: str = DEFAULT_HOST
    #: Budget for the whole of dist/ (None: the host's): the planner drops list variants that
    #: would exceed it.
    max_bytes: int | None = None
    max_files: int | None = None
    #: LL2 list URLs to precompute before any planned family (what the site's clients send).
    precompute: tuple[str, ...] = ()
    #: Ignore the build cache: validate and write everything (same bytes, just slower).
    clean: bool = False

    #: Custom domain for GitHub Pages (written to dist/CNAME); None = no CNAME file.
    cname: str | None = None
    #: Processes: 2 builds the dumps and human site in a second process (same bytes).
    jobs: int = DEFAULT_JOBS
    #: Write dist/_worker.js and its data (generator/client/edge.py) for Cloudflare Pages' advanced mode.
    edge: bool = False

    @property
    def profile(self) -> HostProfile:
        return HOSTS[self.host]

    def limits(self) -> Limits:
        """Bytes, files and bytes a file that dist/ may hold: the host's, unless overridden."""
        profile = self.profile
        return Limits(
            profile.max_bytes if self.max_bytes is None else self.max_bytes,
            profile.max_files if self.max_files is None else self.max_files,
            profile.max_file_bytes,
        )

    def fingerprint(self) -> str:
        """The options that shape the output (paths, `clean` and `jobs` do not)."""
        now = None if self.now is None else self.now.isoformat()
        return (
            f"base_url={self.base_url!r} now={now} strict={self.strict} "
            f"budget={astuple(self.limits())} precompute={self.precompute!r} "
            f"cname={self.cname!r} edge={self.edge}"
        )

    @property
    def details_as_files(self) -> bool:
        """Whether every event gets its own files. Not with the worker on a host that caps
        files: the worker serves each event's bytes from the edge shards, and the files go
        to list variants instead."""
        return not (self.edge and self.limits().max_files < UNLIMITED)

    @property
    def snapshot_dir(self) -> Path:
        return self.content_dir / "snapshot"

    @property
    def base_path(self) -> str:
        """The path part of base_url: '/ll2-static' for https://user.github.io/ll2-static."""
        return urlsplit(self.base_url).path.rstrip("/")

    def url(self, relpath: str) -> str:
        """Public URL of a file or folder in dist/ (relpath has no leading slash)."""
        return f"{self.base_url.rstrip('/')}/{relpath}"
