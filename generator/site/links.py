"""Links that work at the host's root and under a project sub-path.

Every internal href is `{base_path}/{relpath}` (root-relative with the base path), so a page
links correctly wherever it is served from, 404.html included (GitHub Pages serves it at any
missing path). Absolute URLs (feeds, sitemap) need `--base-url` with a scheme and host.
"""

from dataclasses import replace
from urllib.parse import urlsplit

from generator.api.query import FILTERS, Query, normalise, query_url
from generator.api.versions import VERSIONS
from generator.settings import BuildSettings

#: Hosts whose /{version}/{endpoint}/... URLs appear in records and name what we mirror.
LL2_HOSTS = frozenset({"ll.thespacedevs.com", "lldev.thespacedevs.com"})
#: An event id no record has, standing for the id in the URL made once a version.
_ID_MARK = "987654321987"


class SiteLinks:
    """hrefs and absolute URLs of files and folders in dist/."""

    def __init__(self, settings: BuildSettings) -> None:
        self._event_api: dict[str, list[str]] = {}
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
        """href of the browsable page of a list, where every host serves a file (GitHub Pages:
        status 200): the endpoint's shell with the query and `format=api`
        (`/2.3.0/events/?type__ids=17&format=api`); the list's own folder has no page, and
        Pages would answer it with 404.html, status 404."""
        return self.href(query_url(replace(query, format="api")).lstrip("/"))

    def event_api(self, version: str, event_id: int) -> str | None:
        """href of a browsable page of one event with status 200 on every host: the event's
        folder has no page (Pages: 404.html, status 404), so it is the endpoint's shell asked
        for the list of its `id` in its detail mode (the same record); None where the version
        has no `id` filter (2.2.0)."""
        if "id" not in FILTERS[version]:
            return None
        if version not in self._event_api:  # made once a version: a site links every event
            mode = VERSIONS[version].default_detail_mode
            pairs = [("id", _ID_MARK)] + ([("mode", mode)] if mode else [])
            self._event_api[version] = self.api(normalise(version, "all", None, pairs)).split(_ID_MARK)
        before, after = self._event_api[version]
        return f"{before}{event_id}{after}"
