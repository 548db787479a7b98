"""The code's floors (docs/layout.md, "Floors"): a module imports from its own floor or the ones
below, never from a floor above, and no modules import each other in a circle.

Every `import` of every module of generator/ counts: at the top, inside functions and under
`TYPE_CHECKING` (a reader, mypy and an import-graph tool follow those too).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "generator"

#: Lowest first. A unit is a top-level module or folder of generator/; units on the same floor
#: may import each other (no circle).
FLOORS: tuple[tuple[str, ...], ...] = (
    ("__init__", "errors", "settings", "common", "distpaths", "progress"),
    ("api",),
    ("output",),
    ("load",),
    ("incremental",),
    ("context",),
    ("mirror",),
    ("opendata",),
    ("site",),
    ("client",),
    ("variants",),
    ("hosts",),
    ("pipeline", "steps"),
    ("responder", "fetch", "serve", "cli"),
)

#: The one upward import allowed, (importer, imported) -> why (named in docs/layout.md): none.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    """One import statement's target: who imports what, and where it is written."""

    file: str  # relative to the folder holding the package
    line: int
    importer: str
    imported: str


def _module_name(path: Path, top: Path) -> str:
    parts = path.relative_to(top).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(top: Path, name: str) -> bool:
    path = top.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(top: Path, package: str) -> list[Import]:
    """Every import of `package` by its own modules (`top` holds the package folder)."""
    found = []
    for path in sorted((top / package).rglob("*.py")):
        importer = _module_name(path, top)
        in_package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importer's package up
                    anchor = in_package[: len(in_package) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from pkg import mod` imports the module pkg.mod; `from mod import name`, mod
                targets = [
                    f"{base}.{alias.name}" if _is_module(top, f"{base}.{alias.name}") else base
                    for alias in node.names
                ]
            rel = path.relative_to(top).as_posix()
            for target in dict.fromkeys(targets):
                if target == package or target.startswith(package + "."):
                    found.append(Import(rel, node.lineno, importer, target))
    return found


def unit_of(module: str) -> str:
    """The top-level module or folder of the package a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def floor_of(floors: tuple[tuple[str, ...], ...], module: str) -> int:
    unit = unit_of(module)
    for number, units in enumerate(floors):
        if unit in units:
            return number
    raise AssertionError(f"{module}: {unit} is on no floor; add it to FLOORS and docs/layout.md")


def upward(
    imports: list[Import], floors: tuple[tuple[str, ...], ...], allowed: set[tuple[str, str]]
) -> list[str]:
    """One line per import of a higher floor that `allowed` does not list."""
    return [
        f"{i.file}:{i.line}: {i.importer} imports {i.imported}, a floor above "
        f"({unit_of(i.importer)} is below {unit_of(i.imported)})"
        for i in imports
        if floor_of(floors, i.imported) > floor_of(floors, i.importer)
        and (i.importer, i.imported) not in allowed
    ]


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: each strongly connected part of more than one node, or a
    node importing itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1 or node in edges.get(node, ()):
                    found.append(sorted(part))
    return found


def graph(imports: list[Import]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for i in imports:
        edges.setdefault(i.importer, set()).add(i.imported)
    return edges


def unit_graph(imports: list[Import]) -> dict[str, set[str]]:
    """Which units import which."""
    edges: dict[str, set[str]] = {}
    for i in imports:
        if unit_of(i.importer) != unit_of(i.imported):
            edges.setdefault(unit_of(i.importer), set()).add(unit_of(i.imported))
    return edges


# -- generator/ ---------------------------------------------------------------------------------


def test_no_module_imports_from_a_floor_above() -> None:
    imports = imports_of(ROOT, PACKAGE)
    assert len(imports) > 300  # the walk sees the whole package
    assert upward(imports, FLOORS, set(ALLOWED_UPWARD)) == []


def test_the_allowed_upward_imports_are_few_and_still_real() -> None:
    assert len(ALLOWED_UPWARD) <= 1
    seen = {(i.importer, i.imported) for i in imports_of(ROOT, PACKAGE)}
    stale = set(ALLOWED_UPWARD) - seen
    assert not stale, f"no longer imported, remove from the lists: {sorted(stale)}"
    layout = (ROOT / "docs/layout.md").read_text(encoding="utf-8")
    for importer, imported in ALLOWED_UPWARD:
        assert importer in layout and imported in layout  # named with its reason


def test_every_unit_is_on_a_floor_and_named_in_the_layout() -> None:
    units = {unit_of(_module_name(p, ROOT)) for p in (ROOT / PACKAGE).rglob("*.py")}
    on_floors = [unit for floor in FLOORS for unit in floor]
    assert sorted(on_floors) == sorted(units)  # each once, none missing or gone
    section = (ROOT / "docs/layout.md").read_text(encoding="utf-8").split("## Floors", 1)[1]
    section = section.split("\n## ", 1)[0]
    for unit in on_floors:
        assert unit == "__init__" or f"`{unit}" in section, unit


def test_no_import_circles() -> None:
    imports = imports_of(ROOT, PACKAGE)
    assert circles(graph(imports)) == []
    assert circles(unit_graph(imports)) == []


# -- the checker itself, on a package made for it --------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


FAKE_FLOORS = (("__init__",), ("low",), ("high",))


def test_an_upward_import_is_reported_by_file_and_line(tmp_path: Path) -> None:
    top = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/base.py": "import pkg.low\n\n\ndef late():\n    from pkg.high import roof\n",
            "low/typed.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..high.roof import X\n"
            ),
            "high/__init__.py": "",
            "high/roof.py": "from pkg.low import base\nX = 1\n",
        },
    )
    imports = imports_of(top, "pkg")
    assert upward(imports, FAKE_FLOORS, set()) == [
        "pkg/low/base.py:5: pkg.low.base imports pkg.high.roof, a floor above (low is below high)",
        "pkg/low/typed.py:3: pkg.low.typed imports pkg.high.roof, a floor above (low is below high)",
    ]
    assert upward(imports, FAKE_FLOORS, {("pkg.low.base", "pkg.high.roof")}) == [
        "pkg/low/typed.py:3: pkg.low.typed imports pkg.high.roof, a floor above (low is below high)"
    ]
    # and the circle it closes: base -> roof -> base
    assert circles(graph(imports)) == [["pkg.high.roof", "pkg.low.base"]]
    assert circles(unit_graph(imports)) == [["high", "low"]]


def test_a_package_that_only_looks_down_passes(tmp_path: Path) -> None:
    top = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "from pkg.low.base import f\n",
            "low/base.py": "def f():\n    return 1\n",
            "high/__init__.py": "",
            "high/roof.py": "from pkg.low import base, f\nfrom . import other\n",
            "high/other.py": "import os\n",
        },
    )
    imports = imports_of(top, "pkg")
    assert {(i.importer, i.imported) for i in imports} == {
        ("pkg.low", "pkg.low.base"),
        ("pkg.high.roof", "pkg.low.base"),
        ("pkg.high.roof", "pkg.low"),
        ("pkg.high.roof", "pkg.high.other"),
    }
    assert upward(imports, FAKE_FLOORS, set()) == []
    assert circles(graph(imports)) == []
