"""Links that work at the host's root and under a project sub-path.

Every internal href is `{base_path}/{relpath}` (root-relative with the base path), so a page
links correctly wherever it is served from, 404.html included (GitHub Pages serves it at any
missing path). Absolute URLs (feeds, sitemap) need `--base-url` with a scheme and host.
"""

from urllib.parse import urlsplit

from generator.api.query import Query, query_dir
from generator.settings import BuildSettings

#: Hosts whose /{version}/{endpoint}/... URLs appear in records and name what we mirror.
LL2_HOSTS = frozenset({"ll.thespacedevs.com", "lldev.thespacedevs.com"})


class SiteLinks:
    """hrefs and absolute URLs of files and folders in dist/."""

    def __init__(self, settings: BuildSettings) -> None:
        self.base_path = settings.base_path
        parts = urlsplit(settings.base_url)
        self.origin = (
            settings.base_url.rstrip("/") if parts.scheme in ("http", "https") and parts.netloc else None
        )

    def href(self, relpath: str = "") -> str:
        """Root-relative href of `relpath` ('' = home, 'events/' = a folder's index.html)."""
        return f"{self.base_path}/{relpath}"

    def absolute(self, relpath: str = "") -> str | None:
        """Full URL of `relpath`, or None when no absolute --base-url was given."""
        return None if self.origin is None else f"{self.origin}/{relpath}"

    def api(self, query: Query) -> str:
        """href of the browsable page that answers `query`: its folder, and for an event
        `?format=api` (the event's folder has no page of its own: a static host serves the
        shell, 404.html, there; nginx and Netlify serve it for `format=api`)."""
        return self.href(query_dir(query) + "/") + ("?format=api" if query.is_detail else "")
