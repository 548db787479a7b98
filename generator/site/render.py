"""Templates and Markdown: one strict, autoescaping Jinja environment for every page."""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from generator.errors import RenderError

if TYPE_CHECKING:
    import jinja2

# Our own Markdown links root-relative (/about/); under a sub-path they need the base path.
_ROOT_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


class Renderer:
    """Renders templates from `templates_dir` to bytes; a failure names template and page.

    Jinja and Markdown load with the first renderer (an up-to-date build needs neither).
    `compiled`: a folder where Jinja keeps each template compiled (keyed by its source's
    checksum, so an edited template is compiled again): a rebuild compiles none."""

    def __init__(self, templates_dir: Path, compiled: Path | None = None) -> None:
        if not (templates_dir / "base.html").is_file():
            raise RenderError(f"{templates_dir}: no base.html here; is this the templates folder?")
        import jinja2

        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates do not change during a build: no stat per page
            bytecode_cache=None if compiled is None else _bytecode_cache(compiled),
        )

    def render(self, template: str, target: str, **context: Any) -> bytes:
        """The page rendered from `template` with `context`, UTF-8."""
        import jinja2

        try:
            return self.env.get_template(template).render(**context).encode()
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {template}: rendering {target}: {exc}") from exc


def _bytecode_cache(folder: Path) -> "jinja2.BytecodeCache":
    import jinja2

    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def render_markdown(text: str, base_path: str) -> Markup:
    """Our own (trusted) Markdown as HTML, its root-relative links moved under `base_path`."""
    import markdown

    html = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="html")
    base = escape(base_path)  # an attribute value: the base path is data, whatever it holds
    return Markup(_ROOT_LINK.sub(lambda m: f"{m.group(1)}{base}/", " " + html)[1:])


#: A value Markdown passes through as it is (letters, digits, `.,:+-`, single inner spaces):
#: one that can be left out of a text and put back into its HTML.
_PLAIN = re.compile(r"[0-9A-Za-z.,:+-]+( [0-9A-Za-z.,:+-]+)*")


class Blanks:
    """Values left out of a Markdown text (each replaced by a token Markdown leaves alone),
    so that the text's HTML can be remembered by the rest and the values put back: a page
    whose numbers change is rendered without Markdown."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def __call__(self, value: str) -> str:
        """`value` in the text: a token for it, or itself unless it is plain."""
        if not _PLAIN.fullmatch(value):
            return value
        self.values.append(value)
        return self._token(len(self.values) - 1)

    @staticmethod
    def _token(n: int) -> str:
        return f"LLSTATICBLANK{n:05d}Z"

    def fill(self, html: str) -> str | None:
        """The HTML with the values back in place of their tokens (None: a token is not
        there exactly once, and the text must be rendered with its values)."""
        for n, value in enumerate(self.values):
            token = self._token(n)
            if html.count(token) != 1:
                return None
            html = html.replace(token, value)
        return html


def markdown_title(text: str, fallback: str) -> str:
    """The first level-1 heading of a Markdown text, or `fallback`."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
