"""The README and docs/*.md name files and commands: each file exists, each command runs.

A path in backticks is a file of the repository (`generator/serve.py`, or a short name that
docs/layout.md's table gives under its folder: `serve.py`) or a file of a built site
(`dist/404.html`, `dumps/2.3.0/events.csv`), checked against the seed's build. A command
(`python build.py ...`, `python -m MODULE ...`, in backticks or a sh block) must be accepted
by the command line as written: its subcommand and every option it names.
"""

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.api.query import parse_request, query_path
from generator.cli import make_parser
from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SOURCE = re.compile(r"\.(py|md|yml|toml|cjs|js|html|css|sh|json|txt)$")
#: Outputs only a build with an option writes (the seed's default build has none of them).
OPTION_OUTPUTS = {"_worker.js": "--edge", "_routes.json": "--edge", "edge": "--edge"}
#: Files of a bigger build than the seed's: the LL2 query each answers (checked to map there).
BIGGER_BUILDS = {
    "2.3.0/events/mode-list/type__ids-2.8/index.json": "/2.3.0/events/?type__ids=2,8&mode=list",
    "2.3.0/events/limit-100/mode-list/offset-100/index.json": "/2.3.0/events/?mode=list&limit=100&offset=100",
}
#: Named but made by a run, not committed (git-ignored or written by a fetch).
RUN_TIME = {"content/snapshot/progress/", ".ci/node", ".ci/node/", ".dist.cache/", ".dist.cache/build.lock"}
RUN_TIME |= {"test-artifacts/", "progress/"}
#: docs/layout.md's recipe for LL2 2.4.0 names the files it would add.
TO_ADD = {"generator/api/models/v2_4_0.py", "content/snapshot/2.4.0/", "content/api/2.4.0.md"}
TO_ADD |= {"content/api/2.3.1.md", "content/snapshot/2.3.1/", "tests/data/seed-snapshot/2.3.1/"}
# docs/layout.md's recipes, done on the scratch branch i26-scratch and never merged
TO_ADD |= {"api/models/v2_4_0.py", "opendata/ids.py", "dumps/{version}/{endpoint}.ids.txt"}
#: Code spans shaped like paths that are not files: actions, model names, pages of a listing.
NOT_FILES = {"EventEndpointList/Normal/Detailed", "page/2/", "page/3/"}
# a table's code (hosts.md), LL2's path segments (openapi.md), a file of another repository
# (openapi.md, its source), a pattern of paths (queries.md)
NOT_FILES |= {"n/a", "upcoming/", "previous/", "ll_2.3.0.json", "dist/.../index.json"}
NOT_FILES |= {"known.json"}  # openapi.md: a file that is gone on purpose, and must stay gone


def spans(page: Path) -> list[str]:
    """The text of every `code span` outside fenced blocks."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return [s.strip() for s in re.findall(r"`([^`\n]+)`", text)]


def as_glob(path: str) -> str:
    """`dumps/{version}/{endpoint}.csv` -> `dumps/*/*.csv`."""
    return re.sub(r"\{[^}]*\}|<[^>]*>", "*", path).rstrip("/")


def tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    files = done.stdout.split()
    folders = {str(Path(f).parent) + "/" for f in files} | {
        "/".join(f.split("/")[: i + 1]) + "/" for f in files for i in range(f.count("/"))
    }
    return files + sorted(folders)


def named_paths(dist_top: set[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(repository paths, site paths) named in the docs, each with the page naming it."""
    repo_top = {p.name for p in ROOT.iterdir()} - {".git"}
    in_repo, in_site = [], []
    for page in PAGES:
        for span in spans(page):
            if not re.fullmatch(r"[\w.{}*<>/-]+", span) or span.startswith(("../", "/", ".../", "actions/")):
                continue  # not a path; outside the repository; a URL path; a GitHub action
            if span in RUN_TIME | TO_ADD | NOT_FILES:
                continue
            first = span.split("/")[0]
            if first in OPTION_OUTPUTS:
                continue
            if span.startswith("dist/") or (first in dist_top and first not in repo_top):
                in_site.append((page.name, span.removeprefix("dist/")))
            elif "/" in span or SOURCE.search(span):
                in_repo.append((page.name, span))
    return in_repo, in_site


def test_every_file_the_docs_name_exists(seed_site: Path) -> None:
    files = tracked()
    dist_top = {p.name for p in seed_site.iterdir()}
    in_repo, in_site = named_paths(dist_top)
    assert len(in_repo) > 100 and len(in_site) > 20  # the docs do name files
    missing = []
    for page, path in in_repo:
        # a full path, or the end of one (docs/layout.md's table: `serve.py` in generator/)
        pattern = re.compile("(^|/)" + re.escape(as_glob(path)).replace(r"\*", "[^/]*") + "/?$")
        if not any(pattern.search(f) for f in files):
            missing.append((page, path))
            if "/" not in path and list(seed_site.rglob(as_glob(path))):
                missing.pop()  # a file name of the built site (`index.json`)
    for page, path in in_site:
        if path.split("/")[0] in OPTION_OUTPUTS or not path:
            continue
        if path in BIGGER_BUILDS:
            assert query_path(parse_request(BIGGER_BUILDS[path])) == path
        elif not list(seed_site.glob(as_glob(path))):
            missing.append((page, "dist/" + path))
    assert missing == [], "\n".join(f"{page}: {path}" for page, path in missing)


def commands() -> list[tuple[str, list[str]]]:
    """Every `python build.py ...` and `python -m ...` command of the docs, as argument lists."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        lines = spans(page)
        for block in re.findall(r"```(?:sh|bash)?\n(.*?)```", text, re.S):
            lines += [line.split("  #")[0] for line in block.splitlines()]
        for line in lines:
            for part in line.split("&&"):
                words = part.strip().removeprefix("$ ").split()
                while words and re.fullmatch(r"\w+=\S*", words[0]):  # VAR=value before the command
                    words.pop(0)
                if words[:2] == ["python", "build.py"] or words[:2] == ["python", "-m"]:
                    found.append((page.name, [w.strip("'\"[]") for w in words[1:] if w not in ("[", "]")]))
    return found


def test_every_build_py_command_the_docs_give_is_accepted_as_written() -> None:
    ran = 0
    for page, words in commands():
        if words[0] != "build.py":
            continue
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            try:
                make_parser().parse_args(words[1:])
            except SystemExit:
                pytest.fail(f"{page}: python {' '.join(words)}: {stderr.getvalue().strip()}")
        ran += 1
    assert ran > 15


def test_every_python_m_module_the_docs_give_exists_with_its_options() -> None:
    """`python -m bench.budget --events 1500 --doc docs/precompute.md`: the module is in the
    repository (or installed: pytest, pip) and its --help lists every option named."""
    helps: dict[str, str] = {}
    checked = 0
    for page, words in commands():
        if words[0] != "-m":
            continue
        module = words[1]
        if module in ("pytest", "pip"):
            continue
        source = ROOT / (module.replace(".", "/") + ".py")
        assert source.is_file(), f"{page}: python -m {module}: no {source.relative_to(ROOT)}"
        options = [w.split("=")[0] for w in words[2:] if w.startswith("--")]
        if options:
            assert "argparse" in source.read_text(encoding="utf-8"), f"{page}: {module} takes no options"
            if module not in helps:
                helps[module] = subprocess.run(
                    [sys.executable, "-m", module, "--help"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=60,
                ).stdout
            for option in options:
                assert re.search(rf"{re.escape(option)}\b", helps[module]), (
                    f"{page}: {module} has no {option}"
                )
        checked += 1
    assert checked > 10


def test_every_readme_section_the_docs_and_code_point_to_is_there() -> None:
    """`README ("How queries are read")` must name a heading the README has (that table moved
    to docs/queries.md once, and docs/edge.md kept pointing at the README)."""
    headings = set(re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M))
    pointers = []
    tests = [p for p in ROOT.glob("tests/*.py") if p.name != "test_docs.py"]  # not its own docstring
    files = [*PAGES, ROOT / "pyproject.toml", *ROOT.glob("generator/**/*.py"), *tests]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for section in re.findall(r"README(?:'s|,| \(| ?)\s*\"([^\"]+)\"", text):
            pointers.append((path.name, section))
    assert len(pointers) >= 4
    assert [(name, s) for name, s in pointers if s not in headings] == []
