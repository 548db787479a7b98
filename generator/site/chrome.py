"""The parts every page shares: navigation, search box, feeds, and the Markdown content pages."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.api.query import Query
from generator.api.versions import NEWEST
from generator.errors import ContentError
from generator.settings import BuildSettings
from generator.site.links import SiteLinks
from generator.site.render import markdown_title
from generator.site.safety import slug_segment
from generator.site.views import Chrome, NavItem

CSS = "static/site.css"
JS = "static/site.js"
ICON = "static/favicon.svg"
SEARCH = "search/"
SEARCH_INDEX = "search/index.json"
ATOM = "feeds/updated.atom"
SLIPS_ATOM = "feeds/slips.atom"
ICS_ALL = "calendar/upcoming.ics"


@dataclass(frozen=True)
class ContentPage:
    """One Markdown page of content/pages/: served at /{name}/."""

    name: str
    title: str
    text: str
    source: Path

    @property
    def relpath(self) -> str:
        return f"{self.name}/"


def content_pages(settings: BuildSettings) -> list[ContentPage]:
    """Every content/pages/*.md, by file name; a name that is not a plain slug is an error."""
    folder = settings.content_dir / "pages"
    pages = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        if slug_segment(path.stem) != path.stem:
            raise ContentError(
                f"{path}: page file names must be lower-case words and hyphens (e.g. about.md)"
            )
        text = path.read_text(encoding="utf-8")
        pages.append(ContentPage(path.stem, markdown_title(text, path.stem.replace("-", " ")), text, path))
    return pages


def make_chrome(settings: BuildSettings, links: SiteLinks, pages: list[ContentPage], now: datetime) -> Chrome:
    """The shared layout's view model."""
    return Chrome(
        base=links.base_path,
        home_href=links.href(),
        css_href=links.href(CSS),
        icon_href=links.href(ICON),
        js_href=links.href(JS),
        search_href=links.href(SEARCH),
        nav=(
            NavItem("Events", links.href("events/")),
            NavItem("API", links.api(Query(NEWEST, format="api"))),
            NavItem("Feeds", links.href("feeds/")),
            NavItem("Data", links.href("data/")),
        ),
        atom_href=links.href(ATOM),
        ics_href=links.href(ICS_ALL),
        pages=tuple(NavItem(p.title, links.href(p.relpath)) for p in pages),
        as_of=f"{now:%Y-%m-%d %H:%M} UTC",
        as_of_iso=f"{now:%Y-%m-%dT%H:%M:%SZ}",
    )
