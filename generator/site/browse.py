"""Browsable API pages as shells: a few small static pages that render any answer in the page.

Instead of an HTML page beside every JSON answer, the build writes one shell template
(templates/api.html) at each list endpoint (`/2.3.0/events/index.html`, `.../upcoming/`, ...)
and as `404.html`, which GitHub Pages serves at any missing path (an event's folder, a
variant's folder, any query string on a host that ignores them). The shell's script
(templates/static/browse.js) reads the page's URL, maps it with the shared JS engine
(dist/ll2-static.js, the one the JS client is), loads the JSON file or, for a list with no
file, computes it from dist/compact/, and renders it as LL2's `?format=api` view.
"""

from collections.abc import Callable
from dataclasses import dataclass

import orjson
from markupsafe import Markup

from generator.api.openapi import OPENAPI_PATH
from generator.api.versions import SUBSETS, VERSIONS
from generator.distpaths import CLIENT_PATH
from generator.settings import BuildSettings
from generator.site.links import SiteLinks
from generator.site.render import Renderer, render_markdown
from generator.site.views import Chrome, EventSummary

BROWSE_JS = "static/browse.js"
#: The human pages an answer can link back to (site/indexes.py writes them).
HUMAN_FAMILIES = ("types", "agencies", "programs", "years")


@dataclass(frozen=True)
class ShellView:
    """What api.html shows before its script runs."""

    title: str
    client_href: str
    browse_href: str
    human_pages: str  # JSON: the base URL and the ids of the human index pages
    descriptions: list[tuple[str, Markup]]
    raw_href: str | None  # the JSON file this shell's own URL answers (for <noscript>)
    openapi_href: str  # the mirror's OpenAPI (the Events part of LL2's 2.3.0 document)


def human_pages(events: list[EventSummary], base_url: str) -> str:
    """The human index pages that exist (by family, the ids or years that have one)."""
    pages = {
        "base_url": base_url.rstrip("/"),
        "types": sorted({e.type.id for e in events}),
        "agencies": sorted({a.id for e in events for a in e.agencies}),
        "programs": sorted({p.id for e in events for p in e.programs}),
        "years": sorted({e.date.year for e in events if e.date}),
    }
    return orjson.dumps(pages).decode()


def shell_paths() -> list[tuple[str, str | None]]:
    """Where shells go: (HTML path, the JSON file beside it); 404.html answers everything else."""
    out: list[tuple[str, str | None]] = []
    for spec in VERSIONS.values():
        for subset in SUBSETS:
            folder = f"{spec.version}/{spec.endpoint}/" + ("" if subset == "all" else f"{subset}/")
            out.append((f"{folder}index.html", f"{folder}index.json"))
    return [*out, ("404.html", None)]


def write_shells(
    events: list[EventSummary],
    settings: BuildSettings,
    links: SiteLinks,
    renderer: Renderer,
    chrome: Chrome,
    write: Callable[[str, bytes], None],
) -> None:
    """Every shell page, through `write(relpath, bytes)`."""
    descriptions = []
    for version in VERSIONS:
        path = settings.content_dir / "api" / f"{version}.md"
        if path.is_file():
            descriptions.append(
                (version, render_markdown(path.read_text(encoding="utf-8"), settings.base_path))
            )
    pages = human_pages(events, settings.base_url)
    for relpath, raw in shell_paths():
        view = ShellView(
            title="Not found" if raw is None else "Browsable API",
            client_href=links.href(CLIENT_PATH),
            browse_href=links.href(BROWSE_JS),
            human_pages=pages,
            descriptions=descriptions,
            raw_href=None if raw is None else links.href(raw),
            openapi_href=links.href(OPENAPI_PATH),
        )
        template = "404.html" if raw is None else "api.html"
        write(relpath, renderer.render(template, relpath, chrome=chrome, page=view))
