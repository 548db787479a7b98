"""Browsable API pages: beside every JSON answer, its HTML view in the spirit of `?format=api`.

The page shows the endpoint's description (Markdown in content/api/{version}.md), the request
line, status and headers, the JSON pretty-printed with every URL the mirror serves linked to
its page (other http(s) URLs link out), paging links and a link to the raw index.json.
"""

import functools
from collections import OrderedDict
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

import orjson
from markupsafe import Markup, escape

from generator.api import VERSIONS
from generator.fingerprint import digest
from generator.mirror import Tally
from generator.output import StagedOutput
from generator.query import Query, endpoint_parts, query_path
from generator.settings import BuildSettings
from generator.site.chrome import content_pages, make_chrome
from generator.site.links import MirrorLinker, SiteLinks
from generator.site.render import Renderer, render_markdown
from generator.site.views import Chrome
from generator.validate import SnapshotIndex

#: Status and headers as LL2's browsable view shows them (seed page of event 1185).
STATUS_LINES = ("HTTP 200 OK", "Allow: GET", "Content-Type: application/json", "Vary: Accept")
#: A JSON string that may be a URL: http(s) or root-relative; never preceded by a backslash,
#: so it is a whole string token (quotes inside JSON strings are always escaped).
_URL_TOKEN = re.compile(r'(?<!\\)"((?:https?://|/)[^"\\\s]*)"')


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str | None  # None: shown but not a link (no such page)


@dataclass(frozen=True)
class ApiPageView:
    """Everything api.html shows, computed here."""

    title: str
    crumbs: list[PageLink]
    description: Markup | None
    request_line: str
    status_lines: tuple[str, ...]
    json_html: Markup
    raw_href: str
    paging: list[PageLink]
    paging_note: str | None
    modes: list[PageLink]


def request_target(query: Query) -> str:
    """The LL2 request line's target for `query`, e.g. /2.3.0/events/?limit=100&format=api."""
    path = "/" + "/".join(endpoint_parts(query)) + "/"
    return f"{path}?{urlencode([*query.params, ('format', 'api')])}"


def _text(raw: str) -> str:
    """Escape for an element's text: quotes need none there, which keeps JSON readable and small."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tabs(pretty: str) -> str:
    """orjson's two-space indentation as tabs, deepest first (str.replace runs at C speed)."""
    depth = 1
    while "\n" + "  " * depth in pretty:
        depth += 1
    for level in range(depth - 1, 0, -1):
        pretty = pretty.replace("\n" + "  " * level, "\n" + "\t" * level)
    return pretty


def json_html(value: object, link: Callable[[str], str | None]) -> Markup:
    """Parsed JSON pretty-printed (tab-indented: the smallest readable form) and escaped, each
    URL string linked where `link` gives an href."""
    pretty = _tabs(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())
    parts: list[str] = []
    last = 0
    for match in _URL_TOKEN.finditer(pretty):
        value = match.group(1)
        href = link(value)
        if href is None:
            continue
        parts.append(_text(pretty[last : match.start()]))
        rel = "" if href.startswith("/") else ' rel="nofollow noopener noreferrer"'
        parts.append(f'"<a href="{escape(href)}"{rel}>{_text(value)}</a>"')
        last = match.end()
    parts.append(_text(pretty[last:]))
    return Markup("".join(parts))


#: Records whose browsable JSON is kept for reuse: one version and mode of 3,000 events,
#: about 100 MB at most (pages are written a mode at a time, see mirror.write_json_mirror).
FRAGMENTS = 3072
#: Stands in for a list page's records while its envelope is pretty-printed (never a URL).
_RESULTS = "@@ll2-static-results@@"


def indent_fragment(fragment: str, tabs: str) -> str:
    """A pretty-printed value moved `tabs` deeper: what orjson would print at that depth."""
    return tabs + fragment.replace("\n", "\n" + tabs)


class ApiPages:
    """The hook `mirror.emit` calls with each JSON answer: writes its browsable page beside it."""

    family = "api-html"

    def __init__(
        self, index: SnapshotIndex, settings: BuildSettings, renderer: Renderer, chrome: Chrome
    ) -> None:
        self.links = SiteLinks(settings)
        self.linker = MirrorLinker(index, settings, self.links)
        self.renderer = renderer
        # URLs repeat across pages (agencies, images): decide each once, in bounded memory.
        self._outside = functools.lru_cache(maxsize=1 << 16)(self._outside_href)
        self.chrome = chrome
        # A record is on many pages (lists, subsets, page sizes, variants): pretty-print and
        # link it once. Keyed by its compact bytes' digest, kept as UTF-8, bounded.
        self._fragments: OrderedDict[bytes, bytes] = OrderedDict()
        self.salt = b""  # set by for_build: digest of settings, now and the Markdown shown
        self.descriptions: dict[str, Markup | None] = {}
        for version in VERSIONS:
            path = settings.content_dir / "api" / f"{version}.md"
            text = path.read_text(encoding="utf-8") if path.is_file() else None
            self.descriptions[version] = (
                None if text is None else render_markdown(text, settings.base_path)
            )

    @classmethod
    def for_build(cls, index: SnapshotIndex, settings: BuildSettings, now: datetime, salt: str = "") -> "ApiPages":
        """The hook for one build, with the site's shared layout.

        `salt` names what the pages depend on beyond their JSON (the Markdown they show)."""
        links = SiteLinks(settings)
        chrome = make_chrome(settings, links, content_pages(settings), now)
        pages = cls(index, settings, Renderer(settings.templates_dir), chrome)
        pages.salt = digest(salt.encode(), settings.fingerprint().encode(), now.isoformat().encode())
        return pages

    def __call__(self, out: StagedOutput, query: Query, body: Callable[[], bytes], key: bytes, tally: Tally) -> None:
        page = replace(query, format="api")
        relpath = query_path(page)

        def render() -> bytes:
            return self.renderer.render("api.html", relpath, chrome=self.chrome, page=self.view(query, body()))

        size, _ = out.write_keyed(relpath, digest(b"api-html", self.salt, key), render)
        tally.add(self.family, size)

    def view(self, query: Query, body: bytes) -> ApiPageView:
        """The view model of one answer's page."""
        spec = VERSIONS[query.version]
        paging: list[PageLink] = []
        note = None
        own_pages: frozenset[str] = frozenset()
        value = orjson.loads(body)
        if not query.is_detail:
            paging, note = self._paging(query, value)
            own_pages = frozenset(u for u in (value["next"], value["previous"]) if u)

        def link(url: str) -> str | None:
            if url in own_pages:
                return self.linker.page_href(url)
            return self._outside(url)

        what = (
            f"{query.version} event {query.event_id}"
            if query.is_detail
            else f"{query.version} {query.subset} events"
        )
        crumbs = [
            PageLink("Home", self.links.href()),
            PageLink(f"API {query.version}", self.links.api(Query(query.version, format="api"))),
        ]
        if query.subset != "all":
            crumbs.append(
                PageLink(
                    query.subset, self.links.api(Query(query.version, query.subset, format="api"))
                )
            )
        if query.is_detail:
            crumbs.append(PageLink(str(query.event_id), None))
        modes = []
        if query.is_detail and spec.modes != (None,):
            modes = [
                PageLink(
                    str(m),
                    None
                    if m == query.mode
                    else self.links.api(replace(query, format="api").with_params(mode=m)),
                )
                for m in spec.modes
            ]
        return ApiPageView(
            title=f"{'Event Instance' if query.is_detail else 'Event List'}: {what}",
            crumbs=crumbs,
            description=self.descriptions[query.version],
            request_line=f"GET {request_target(query)}",
            status_lines=STATUS_LINES,
            json_html=self._answer_html(query, value, link),
            raw_href=self.links.href(query_path(query)),
            paging=paging,
            paging_note=note,
            modes=modes,
        )

    def _fragment(self, record: bytes) -> str:
        """One record pretty-printed and linked (at depth 0), from the cache when it can."""
        key = digest(record)
        cached = self._fragments.get(key)
        if cached is not None:
            self._fragments.move_to_end(key)
            return cached.decode()
        text = str(json_html(orjson.loads(record), self._outside))
        self._fragments[key] = text.encode()
        if len(self._fragments) > FRAGMENTS:
            self._fragments.popitem(last=False)
        return text

    def _answer_html(self, query: Query, value: dict[str, object], link: Callable[[str], str | None]) -> Markup:
        """The page's JSON: the envelope, with each record's cached fragment put in place.

        Gives exactly `json_html(value, link)`: records contain no envelope URLs, and
        pretty-printing is the same at any depth but for the leading tabs."""
        if query.is_detail:
            data = orjson.dumps(value)
            return Markup(self._fragment(data))
        results = value.get("results")
        if not isinstance(results, list) or not results:
            return json_html(value, link)
        head = str(json_html({**value, "results": [_RESULTS]}, link))
        fragments = []
        for record in results:
            data = orjson.dumps(record)
            fragments.append(indent_fragment(self._fragment(data), "\t\t"))
        return Markup(head.replace(f'\t\t"{_RESULTS}"', ",\n".join(fragments), 1))

    def _outside_href(self, url: str) -> str | None:
        """A URL in a record: linked when it names an event the mirror serves, else plain text
        (linking every image and agency URL would make list pages a third larger)."""
        return self.linker.event_href(url)

    def _paging(self, query: Query, head: dict[str, object]) -> tuple[list[PageLink], str]:
        """First/previous/next/last links and 'page n of N' for a list page."""
        count = head["count"]
        assert isinstance(count, int)
        pages = max(1, math.ceil(count / query.limit))
        number = query.offset // query.limit + 1
        page_query = replace(query, format="api")

        def at(offset: int, usable: bool) -> str | None:
            return self.links.api(page_query.with_params(offset=offset or None)) if usable else None

        links = [
            PageLink("« first", at(0, number > 1)),
            PageLink(
                "‹ previous", at(max(query.offset - query.limit, 0), head["previous"] is not None)
            ),
            PageLink("next ›", at(query.offset + query.limit, head["next"] is not None)),
            PageLink("last »", at((pages - 1) * query.limit, number < pages)),
        ]
        events = "1 event" if count == 1 else f"{count} events"
        return links, f"page {number} of {pages} ({events}, {query.limit} per page)"
