"""Site plumbing for GitHub Pages and crawlers: assets, sitemap, robots.txt, .nojekyll, CNAME."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from generator.errors import SettingsError

if TYPE_CHECKING:  # the command line imports this module for --cname: keep it light
    from generator.output.staging import StagedOutput
    from generator.output.tally import Tally
    from generator.site.links import SiteLinks

_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def check_cname(cname: str) -> str:
    """The custom domain for GitHub Pages' CNAME file, lower-cased; an error if not a host name."""
    host = cname.strip().lower()
    if not _HOSTNAME.match(host):
        raise SettingsError(f"--cname: {cname!r} is not a host name such as events.example.org")
    return host


#: An http(s) URL a site can be published at: a scheme, a host (a name or an [IPv6] address),
#: an optional port and a path of unreserved characters and %XX escapes; nothing that HTML,
#: XML, JavaScript or robots.txt would read as anything but a URL.
_BASE_URL = re.compile(
    r"^https?://"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?"
    r"(?:/(?:[A-Za-z0-9._~+-]|%[0-9A-Fa-f]{2})*)*$"
)


def check_base_url(base_url: str) -> str:
    """The public URL of the site ('' = root-relative links); an error unless an http(s) URL."""
    if base_url == "" or (len(base_url) <= 2000 and _BASE_URL.match(base_url)):
        return base_url
    shown = repr(base_url) if len(base_url) <= 80 else repr(base_url[:77]) + "..."
    raise SettingsError(
        f"--base-url: {shown} is not an http(s) URL such as https://user.github.io/ll2-static "
        "(a host, then a path of letters, digits, '.', '_', '~', '+', '-' and %XX escapes)"
    )


def copy_assets(static_dir: Path, out: StagedOutput, tally: Tally) -> None:
    """templates/static/* to dist/static/ (CSS and JS: the site loads nothing from elsewhere)."""
    for path in sorted(static_dir.iterdir()):
        if path.is_file():
            data = path.read_bytes()
            out.write(f"static/{path.name}", data)
            tally.add("site", len(data))


def sitemap(relpaths: Iterable[str], links: SiteLinks) -> bytes:
    """sitemap.xml of the human pages (absolute URLs when --base-url has a host)."""
    ElementTree.register_namespace("", _SITEMAP)
    root = ElementTree.Element(f"{{{_SITEMAP}}}urlset")
    for relpath in relpaths:
        url = ElementTree.SubElement(root, f"{{{_SITEMAP}}}url")
        ElementTree.SubElement(url, f"{{{_SITEMAP}}}loc").text = links.absolute(relpath) or links.href(
            relpath
        )
    data: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def robots(links: SiteLinks) -> bytes:
    """robots.txt: everything may be crawled; the sitemap named when its URL is absolute."""
    lines = ["User-agent: *", "Allow: /"]
    sitemap_url = links.absolute("sitemap.xml")
    if sitemap_url:
        lines.append(f"Sitemap: {sitemap_url}")
    return ("\n".join(lines) + "\n").encode()


def write_plumbing(
    out: StagedOutput, links: SiteLinks, cname: str | None, pages: list[str], tally: Tally
) -> None:
    """.nojekyll (keep _-prefixed files), CNAME if asked, sitemap.xml and robots.txt."""
    files = {".nojekyll": b"", "sitemap.xml": sitemap(pages, links), "robots.txt": robots(links)}
    if cname:
        files["CNAME"] = (check_cname(cname) + "\n").encode()
    for name, data in files.items():
        out.write(name, data)
        tally.add("site", len(data))
