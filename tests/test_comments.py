"""Every repository file a comment or docstring names exists.

Comments of the generator, build.py, bench/ and the JS name files (`load/records.py`,
`generator/api/query.py`, `browse.js`); a move or a rename leaves them pointing nowhere. A
name is a path where it resolves against the repository root, `generator/`, the commenting
file's own folder, or the folders files are named from by convention (the templates, the
static assets, the snapshot folder). Names of what the build writes into dist/ are not
repository files and are skipped: those under `dist/`, with a placeholder, or in `OUTPUTS`.
"""

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What the comments of these files are read from.
SCANNED = ("generator/**/*.py", "build.py", "bench/**/*.py", "generator/**/*.js", "templates/static/*.js")
#: Where a bare name may live besides the root, generator/ and the file's folder: Jinja's
#: templates, the site's static assets, the snapshot folder (snapshot.json, history.ndjson).
CONVENTIONAL = ("templates", "templates/static", "content/snapshot")
#: Files the build writes (dist/, the nginx include) or a command's argument: not in the repository.
OUTPUTS = {
    "404.html",
    "index.html",
    "index.json",
    "manifest.json",
    "changes.json",
    "datapackage.json",
    "robots.txt",
    "_worker.js",
    "ll2-static.js",  # dist/'s copy of client/ll2-static.js
    "ll2-static-upstream.conf",
    "LL2-SPEC.json",
}

_EXTENSIONS = "py|js|md|json|toml|html|css|capnp|ndjson|yml|yaml|txt|sh|cfg|conf"
#: A path-like token: optional folders, then a name with a known extension.
_PATH = re.compile(rf"(?<![\w/.{{$<-])((?:[\w.{{}}-]+/)*[\w-]+\.(?:{_EXTENSIONS}))\b")
_PLACEHOLDER = re.compile(r"\{|\.\.\.|\bNN\b")
#: JS comments: /* ... */ blocks and // to the end of a line (not the // of a URL).
_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)


def python_comments(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each comment and docstring."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                yield node.body[0].lineno, doc


def js_comments(source: str) -> Iterator[tuple[int, str]]:
    for match in _JS_COMMENT.finditer(source):
        yield source.count("\n", 0, match.start()) + 1, match.group()


def named_paths(path: Path) -> Iterator[tuple[int, str]]:
    """(line, name) of each repository path-like name in `path`'s comments."""
    source = path.read_text()
    comments = python_comments(source) if path.suffix == ".py" else js_comments(source)
    for line, text in comments:
        for match in _PATH.finditer(text):
            name = match.group(1)
            if name.startswith(("dist/", "../")) or _PLACEHOLDER.search(name):
                continue
            if name.rpartition("/")[2] not in OUTPUTS:
                yield line, name


def resolves(name: str, commenting: Path, root: Path = ROOT) -> bool:
    bases = [root, root / "generator", commenting.parent, *(root / c for c in CONVENTIONAL)]
    return any((base / name).exists() for base in bases)


def missing_names(root: Path = ROOT) -> list[str]:
    files = sorted({f for pattern in SCANNED for f in root.glob(pattern)})
    return [
        f"{f.relative_to(root)}:{line}: {name}"
        for f in files
        for line, name in named_paths(f)
        if not resolves(name, f, root)
    ]


def test_every_file_a_comment_names_exists() -> None:
    assert missing_names() == []


def test_a_stale_name_is_found_and_outputs_and_urls_are_not(tmp_path: Path) -> None:
    (tmp_path / "generator" / "load").mkdir(parents=True)
    (tmp_path / "generator" / "load" / "records.py").write_text("")
    (tmp_path / "generator" / "load" / "here.py").write_text(
        '"""Reads records.py and load/records.py, then gone.py (see generator/old/place.py)."""\n'
        "# writes dist/manifest.json, index.json and {version}.json\n"
    )
    (tmp_path / "generator" / "engine.js").write_text(
        '// see generator/query.py; "https://host/2.3.0/events/index.json"\n'
        "var a = 1; /* and load/records.py,\n * load/stale.js */\n"
    )
    assert missing_names(tmp_path) == [
        "generator/engine.js:1: generator/query.py",
        "generator/engine.js:2: load/stale.js",
        "generator/load/here.py:1: gone.py",
        "generator/load/here.py:1: generator/old/place.py",
    ]
