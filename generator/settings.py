"""One object carries every build option; functions take it, nothing reads globals."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

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
    #: Custom domain for GitHub Pages (written to dist/CNAME); None = no CNAME file.
    cname: str | None = None

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
