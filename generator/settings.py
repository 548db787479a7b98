"""One object carries every build option; functions take it, nothing reads globals."""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

#: GitHub Pages publishes at most 1 GB; 900 MB leaves room for HTML pages and other stages.
DEFAULT_MAX_BYTES = 900_000_000
#: Cloudflare Pages' free plan allows 20,000 files, the tightest file limit of the hosts we
#: target; GitHub Pages deploys one tar artifact, which stays quick to upload at this size.
DEFAULT_MAX_FILES = 20_000
#: Two processes where the machine has two cores and can fork (see forked.py).
DEFAULT_JOBS = 2 if (os.cpu_count() or 1) > 1 and hasattr(os, "fork") else 1
#: The repository's templates/ (the HTML layouts and static assets ship with the code).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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
    #: Budget for the whole of dist/: the planner drops list variants that would exceed it.
    max_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = DEFAULT_MAX_FILES
    #: LL2 list URLs to precompute before any planned family (what the site's clients send).
    precompute: tuple[str, ...] = ()
    #: Ignore the build cache: validate and write everything (same bytes, just slower).
    clean: bool = False

    #: Custom domain for GitHub Pages (written to dist/CNAME); None = no CNAME file.
    cname: str | None = None
    #: Processes: 2 builds the dumps and human site in a second process (same bytes).
    jobs: int = DEFAULT_JOBS

    def fingerprint(self) -> str:
        """The options that shape the output (paths, `clean` and `jobs` do not)."""
        now = None if self.now is None else self.now.isoformat()
        return (
            f"base_url={self.base_url!r} now={now} strict={self.strict} "
            f"max_bytes={self.max_bytes} max_files={self.max_files} precompute={self.precompute!r} "
            f"cname={self.cname!r}"
        )

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
