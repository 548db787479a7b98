"""Writing the site's pages: render, write into the staging folder, count, and remember the
human pages for the sitemap; keyed pages are left untouched when nothing they show changed."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator.common import digest
from generator.output.staging import StagedOutput
from generator.output.tally import Tally
from generator.site.render import Renderer
from generator.site.views import Chrome


@dataclass
class PageWriter:
    """Renders and writes pages, and remembers the human ones for the sitemap."""

    out: StagedOutput
    renderer: Renderer
    chrome: Chrome
    tally: Tally
    sitemap: list[str] = field(default_factory=list)

    @cached_property
    def _chrome_key(self) -> bytes:
        """The shared layout as keyed pages' keys hold it (made once: every page has it)."""
        return repr(self.chrome).encode()

    def page(self, folder: str, template: str, listed: bool = True, **context: Any) -> None:
        """Render `template` to `{folder}index.html` ('' is the home page)."""
        relpath = f"{folder}index.html"
        self.file(relpath, self.renderer.render(template, relpath, chrome=self.chrome, **context))
        if listed:
            self.sitemap.append(folder)

    def keyed_page(
        self, folder: str, template: str, key: bytes, context: Callable[[], dict[str, Any]]
    ) -> None:
        """`page`, unless the previous build wrote it with the same key (all it depends on
        besides the templates, which the build cache's code salt covers): then untouched."""
        relpath = f"{folder}index.html"
        key = digest(b"page", template.encode(), self._chrome_key, key)
        size, _ = self.out.write_keyed(
            relpath, key, lambda: self.renderer.render(template, relpath, chrome=self.chrome, **context())
        )
        self.tally.add("site", size)
        self.sitemap.append(folder)

    def keyed_file(
        self, relpath: str, key: bytes, produce: Callable[[], bytes], family: str = "site"
    ) -> None:
        """`file`, unless the previous build wrote it with the same key: then untouched."""
        size, _ = self.out.write_keyed(relpath, digest(b"file", key), produce)
        self.tally.add(family, size)

    def file(self, relpath: str, data: bytes, family: str = "site") -> None:
        self.out.write(relpath, data)
        self.tally.add(family, len(data))
