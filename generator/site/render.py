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


def markdown_title(text: str, fallback: str) -> str:
    """The first level-1 heading of a Markdown text, or `fallback`."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
