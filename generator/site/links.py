"""Links that work at the host's root and under a project sub-path, and the mirror's own URLs.

Every internal href is `{base_path}/{relpath}` (root-relative with the base path), so a page
links correctly wherever it is served from, 404.html included (GitHub Pages serves it at any
missing path). Absolute URLs (feeds, sitemap) need `--base-url` with a scheme and host.
"""

from dataclasses import replace
from urllib.parse import urlsplit

from generator.errors import QueryError
from generator.query import Query, parse_request, query_dir
from generator.settings import BuildSettings
from generator.validate import SnapshotIndex

#: Hosts whose /{version}/{endpoint}/... URLs appear in records and name what we mirror.
LL2_HOSTS = frozenset({"ll.thespacedevs.com", "lldev.thespacedevs.com"})


class SiteLinks:
    """hrefs and absolute URLs of files and folders in dist/."""

    def __init__(self, settings: BuildSettings) -> None:
        self.base_path = settings.base_path
        parts = urlsplit(settings.base_url)
        self.origin = (
            settings.base_url.rstrip("/")
            if parts.scheme in ("http", "https") and parts.netloc
            else None
        )

    def href(self, relpath: str = "") -> str:
        """Root-relative href of `relpath` ('' = home, 'events/' = a folder's index.html)."""
        return f"{self.base_path}/{relpath}"

    def absolute(self, relpath: str = "") -> str | None:
        """Full URL of `relpath`, or None when no absolute --base-url was given."""
        return None if self.origin is None else f"{self.origin}/{relpath}"

    def api(self, query: Query) -> str:
        """href of the browsable page (folder) that answers `query`."""
        return self.href(query_dir(query) + "/")


class MirrorLinker:
    """Decides which URLs in a JSON answer the mirror serves, and where their page is."""

    def __init__(self, index: SnapshotIndex, settings: BuildSettings, links: SiteLinks) -> None:
        self._ids = {v: frozenset(vi.facets) for v, vi in index.versions.items()}
        self._settings = settings
        self._own = settings.url("")
        self._links = links

    def event_href(self, url: str) -> str | None:
        """Browsable page of an LL2 event URL found in a record, if the mirror has that event."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.hostname not in LL2_HOSTS:
            return None
        try:
            query = parse_request(url)
        except QueryError:
            return None  # another endpoint (agencies, launches...): not mirrored
        if query.event_id is None or query.event_id not in self._ids.get(query.version, ()):
            return None
        return self._links.api(replace(query, format="api"))

    def page_href(self, url: str) -> str | None:
        """Browsable page of one of the mirror's own next/previous URLs."""
        if not url.startswith(self._own):
            return None
        try:
            return self._links.api(
                replace(parse_request(url, self._settings.base_path), format="api")
            )
        except QueryError:
            return None
