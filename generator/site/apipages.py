"""Browsable API pages: beside every JSON answer, its HTML view in the spirit of `?format=api`.

The page shows the endpoint's description (Markdown in content/api/{version}.md), the request
line, status and headers, the JSON pretty-printed with every URL the mirror serves linked to
its page (other http(s) URLs link out), paging links and a link to the raw index.json.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import orjson
from markupsafe import Markup, escape

from generator.api import VERSIONS
from generator.fingerprint import digest
from generator.mirror import Answer, Tally
from generator.output import StagedOutput
from generator.query import Query, endpoint_parts, query_path
from generator.records import refs_key
from generator.settings import BuildSettings
from generator.site.chrome import content_pages, make_chrome
from generator.site.fragments import LIST_DEPTH, Fragments, at_top
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


_TABS = [b"\t" * depth for depth in range(256)]


def _tabs_utf8(pretty: bytes) -> bytes:
    """orjson's two-space indentation as tabs (the smallest readable form), line by line on
    UTF-8 (JSON strings hold no raw newline, so every line break indents)."""
    return b"\n".join([_TABS[(len(line) - len(body)) >> 1] + body for line in pretty.split(b"\n") for body in (line.lstrip(b" "),)])


def json_html(value: object, link: Callable[[str], str | None]) -> Markup:
    """Parsed JSON pretty-printed (tab-indented: the smallest readable form) and escaped, each
    URL string linked where `link` gives an href."""
    pretty = _tabs_utf8(orjson.dumps(value, option=orjson.OPT_INDENT_2)).decode()
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


#: Stands in for a list page's records while its envelope is pretty-printed (never a URL).
_RESULTS = "@@ll2-static-results@@"
#: Event ids that stand in for the real one while a detail page's shell renders.
_STAND_IN_IDS = (918273645546372819, 827364554637281991)
#: Stands in for the page's JSON while the template renders the rest of the page.
_JSON_SLOT = "@@ll2-static-json@@"
#: A JSON string that is an http(s) URL, in UTF-8 (a literal start: found at C speed).
_HTTP_TOKEN = re.compile(rb'"(https?://[^"\\\s]*)"')
_SPACE = re.compile(r"\s")  # what `\s` is in _URL_TOKEN (a str pattern: Unicode too)


def _text_utf8(raw: bytes) -> bytes:
    return raw.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def _unescape(text: str) -> str:
    """Inverse of `_text`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token_link(raw: bytes, event_href: Callable[[str], str | None]) -> bytes | None:
    """The linked form of one escaped URL token (quotes included), or None: left as text."""
    if b"thespacedevs" not in raw.lower():
        return None
    url = _unescape(raw.decode())
    if _SPACE.search(url):
        return None
    href = event_href(url)
    if href is None:
        return None
    rel = "" if href.startswith("/") else ' rel="nofollow noopener noreferrer"'
    return f'"<a href="{escape(href)}"{rel}>'.encode() + raw + b'</a>"'


#: How many URL tokens' decisions record_html keeps (they repeat across records).
_SEEN_TOKENS = 1 << 16


def record_html(record: bytes, event_href: Callable[[str], str | None], seen: dict[bytes, bytes | None] | None = None) -> bytes:
    """`json_html(orjson.loads(record), event_href)` for a record, as UTF-8, fast: escaped in
    one pass, and only URLs that can name an LL2 event (a thespacedevs host, any case: what
    MirrorLinker.event_href can link) are looked at; each distinct URL once, where `seen`
    keeps the decisions between calls.

    URLs are found in the escaped text, where a URL's "&" reads "&amp;" (escaping adds no
    quote, backslash or space, so it never makes or breaks a token). A token is skipped where
    `_URL_TOKEN` would not match it: after a backslash, or holding Unicode whitespace."""
    pretty = orjson.dumps(orjson.loads(record), option=orjson.OPT_INDENT_2)
    text = _text_utf8(_tabs_utf8(pretty))
    seen = {} if seen is None else seen
    parts: list[bytes] = []
    last = 0
    for match in _HTTP_TOKEN.finditer(text):
        raw = match.group(1)
        if raw in seen:
            link = seen[raw]
        else:
            if len(seen) >= _SEEN_TOKENS:
                seen.clear()
            link = seen[raw] = _token_link(raw, event_href)
        if link is None or text[match.start() - 1 : match.start()] == b"\\":
            continue
        parts.append(text[last : match.start()])
        parts.append(link)
        last = match.end()
    if not parts:
        return text
    parts.append(text[last:])
    return b"".join(parts)


#: A marker in a list shell: what the page's value n goes in place of.
_MARK = re.compile(rb"@@ll2-static-mark-(\d+)@@")


def _fill(parts: list[bytes], values: list[str | None]) -> bytes:
    """A list shell split at its markers (text, marker number, text, ...) with each marker
    replaced by its value, escaped as the template's autoescaping would."""
    filled = list(parts)
    for n in range(1, len(parts), 2):
        filled[n] = str(escape(values[int(parts[n])])).encode()
    return b"".join(filled)


class ApiPages:
    """The hook `mirror.emit` calls with each JSON answer: writes its browsable page beside it."""

    family = "api-html"

    def __init__(
        self, index: SnapshotIndex, settings: BuildSettings, renderer: Renderer, chrome: Chrome, store: Path
    ) -> None:
        self.index = index
        self.links = SiteLinks(settings)
        self.linker = MirrorLinker(index, settings, self.links)
        self.renderer = renderer
        self.chrome = chrome
        # A record is on many pages (lists, subsets, page sizes, variants): pretty-print and
        # link it once, kept between builds by its bytes and what its links depend on. URLs
        # repeat across records (agencies, images): `seen` decides each once, in bounded memory.
        seen: dict[bytes, bytes | None] = {}
        self.fragments = Fragments(lambda record: record_html(record, self._outside, seen), store)
        self._links_salt = digest(b"fragment", settings.base_url.encode())
        self._detail_shells: dict[tuple[str, str | None], list[bytes] | None] = {}
        # The list being written: its shells by which paging links are present (None: none).
        self._list_shells_of: Query | None = None
        self._list_shells: dict[tuple[Query, tuple[bool, ...]], list[bytes] | None] = {}
        self.salt = b""  # set by for_build: digest of everything a page shows beyond its JSON
        self.descriptions: dict[str, Markup | None] = {}
        for version in VERSIONS:
            path = settings.content_dir / "api" / f"{version}.md"
            text = path.read_text(encoding="utf-8") if path.is_file() else None
            self.descriptions[version] = (
                None if text is None else render_markdown(text, settings.base_path)
            )

    @classmethod
    def for_build(
        cls, index: SnapshotIndex, settings: BuildSettings, now: datetime, store: Path
    ) -> "ApiPages":
        """The hook for one build, with the site's shared layout; rendered records kept in `store`."""
        links = SiteLinks(settings)
        chrome = make_chrome(settings, links, content_pages(settings), now)
        pages = cls(index, settings, Renderer(settings.templates_dir), chrome, store)
        # Beyond its JSON a page shows the layout (links, page titles, the snapshot's time) and
        # its version's description: a change elsewhere in content/ leaves the pages alone.
        shown = [repr(chrome), settings.fingerprint(), *(str(d) for d in pages.descriptions.values())]
        pages.salt = digest(*(text.encode() for text in shown))
        return pages

    def close(self) -> None:
        """Keep the rendered records for the next build."""
        self.fragments.save()
        self.fragments.close()

    def __call__(self, out: StagedOutput, answer: Answer, key: bytes, tally: Tally) -> None:
        relpath = query_path(replace(answer.query, format="api"))
        size, _ = out.write_keyed(relpath, digest(b"api-html", self.salt, key), lambda: self.render(answer, relpath))
        tally.add(self.family, size)

    def render(self, answer: Answer, relpath: str) -> bytes:
        """The page's bytes: the template rendered around a slot, the JSON put in the slot."""
        if answer.query.is_detail:
            shell = self._detail_shell(answer) or self._shell(answer, relpath)
        else:
            shell = self._list_shell(answer, relpath)
        before, slot, after = shell.partition(_JSON_SLOT.encode())
        assert slot and _JSON_SLOT.encode() not in after, "the JSON slot must appear once"
        return b"".join((before, *self._answer_html(answer), after))

    def _shell(self, answer: Answer, relpath: str) -> bytes:
        view = self.view(answer, Markup(_JSON_SLOT))
        return self.renderer.render("api.html", relpath, chrome=self.chrome, page=view)

    def _detail_shell(self, answer: Answer) -> bytes | None:
        """A detail page's shell from its kind's (version and mode): the template rendered once
        with a stand-in id, which is then replaced by the real one. The kind is checked once
        with a second stand-in; if the ids do not map one to one, pages render in full."""
        query = answer.query
        kind = (query.version, query.mode)
        if kind not in self._detail_shells:
            shells = [
                self._shell(replace(answer, query=replace(query, event_id=stand_in)), "detail shell")
                for stand_in in _STAND_IN_IDS
            ]
            parts = shells[0].split(str(_STAND_IN_IDS[0]).encode())
            same = str(_STAND_IN_IDS[1]).encode().join(parts) == shells[1]
            self._detail_shells[kind] = parts if same and len(parts) > 1 else None
        parts = self._detail_shells[kind]
        return None if parts is None else str(query.event_id).encode().join(parts)

    def _list_shell(self, answer: Answer, relpath: str) -> bytes:
        """A list page's shell from its list's: the pages of one list differ only in their
        request line, raw link, paging links and note. The template is rendered once per list
        and set of paging links present, with a marker for each of those, then the page's
        own values (escaped as the template escapes them) put in. The first page of each is
        also rendered in full and compared; where they differ, pages render in full."""
        view = self.view(answer, Markup(_JSON_SLOT))
        values = [view.request_line, view.raw_href, *(link.href for link in view.paging if link.href), view.paging_note]
        marks = [f"@@ll2-static-mark-{n}@@" for n in range(len(values))]
        key = (answer.query.with_offset(0), tuple(link.href is not None for link in view.paging))
        if key[0] != self._list_shells_of:
            self._list_shells_of, self._list_shells = key[0], {}
        if key in self._list_shells:
            parts = self._list_shells[key]
            if parts is not None:
                return _fill(parts, values)
        full = self.renderer.render("api.html", relpath, chrome=self.chrome, page=view)
        if key not in self._list_shells:
            hrefs = iter(marks[2:-1])
            marked = replace(
                view,
                request_line=marks[0],
                raw_href=marks[1],
                paging=[replace(link, href=next(hrefs)) if link.href else link for link in view.paging],
                paging_note=marks[-1],
            )
            shell = self.renderer.render("api.html", "list shell", chrome=self.chrome, page=marked)
            parts = _MARK.split(shell)
            self._list_shells[key] = parts if _fill(parts, values) == full else None
        return full

    def view(self, answer: Answer, json: Markup) -> ApiPageView:
        """The view model of one answer's page, showing `json` as its JSON."""
        query = answer.query
        spec = VERSIONS[query.version]
        paging: list[PageLink] = []
        note = None
        if not query.is_detail:
            paging, note = self._paging(query, answer)
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
            json_html=json,
            raw_href=self.links.href(query_path(query)),
            paging=paging,
            paging_note=note,
            modes=modes,
        )

    def _answer_html(self, answer: Answer) -> list[bytes]:
        """The page's JSON as UTF-8 parts: the envelope, each record's fragment in place.

        Gives exactly `json_html(value, link)` of the parsed answer: records contain no
        envelope URLs, and pretty-printing is the same at any depth but for the leading tabs."""
        version, mode = answer.query.version, answer.query.mode
        fragments = [
            self.fragments.get(
                key,
                lambda event_id=event_id: answer.read(event_id),
                lambda event_id=event_id, key=key: digest(
                    self._links_salt, key, refs_key(self.index, version, mode, (event_id,))
                ),
            )
            for event_id, key in zip(answer.ids, answer.digests, strict=True)
        ]
        if answer.query.is_detail:
            return [at_top(fragments[0])]
        own_pages = frozenset(u for u in (answer.next_url, answer.previous_url) if u)

        def link(url: str) -> str | None:
            return self.linker.page_href(url) if url in own_pages else self._outside(url)

        head = {"count": answer.count, "next": answer.next_url, "previous": answer.previous_url}
        if not fragments:
            return [str(json_html({**head, "results": []}, link)).encode()]
        envelope = str(json_html({**head, "results": [_RESULTS]}, link)).encode()
        before, slot, after = envelope.partition(f'{LIST_DEPTH.decode()}"{_RESULTS}"'.encode())
        assert slot, "the envelope's results slot"
        parts = [before]
        for i, fragment in enumerate(fragments):
            parts += (b",\n", fragment) if i else (fragment,)
        parts.append(after)
        return parts

    def _outside(self, url: str) -> str | None:
        """A URL in a record: linked when it names an event the mirror serves, else plain text
        (linking every image and agency URL would make list pages a third larger)."""
        return self.linker.event_href(url)

    def _paging(self, query: Query, answer: Answer) -> tuple[list[PageLink], str]:
        """First/previous/next/last links and 'page n of N' for a list page."""
        count = answer.count
        pages = max(1, math.ceil(count / query.limit))
        number = query.offset // query.limit + 1
        page_query = replace(query, format="api")

        def at(offset: int, usable: bool) -> str | None:
            return self.links.api(page_query.with_params(offset=offset or None)) if usable else None

        links = [
            PageLink("« first", at(0, number > 1)),
            PageLink(
                "‹ previous", at(max(query.offset - query.limit, 0), answer.previous_url is not None)
            ),
            PageLink("next ›", at(query.offset + query.limit, answer.next_url is not None)),
            PageLink("last »", at((pages - 1) * query.limit, number < pages)),
        ]
        events = "1 event" if count == 1 else f"{count} events"
        return links, f"page {number} of {pages} ({events}, {query.limit} per page)"
