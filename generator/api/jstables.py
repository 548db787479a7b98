"""The JS engine's tables, generated from the surface (`surface.py`).

`python -m generator.api.jstables` rewrites the block between BEGIN and END in
`generator/client/ll2-static.js`; `--check` exits 1 when the block is stale
(tests/test_surface.py runs it).
"""

import json
import sys
from pathlib import Path

from generator.api.surface import (
    ALIASES,
    DATE_PARTS,
    DEFAULT_LIMIT,
    DEFAULT_ORDERING,
    FACETS,
    FILTERS,
    MAX_LIMIT,
    ORDERING_FIELDS,
    PRESENTATION,
    SUBSETS,
    VERSIONS,
    filters_of,
)

CLIENT = Path(__file__).resolve().parent.parent / "client" / "ll2-static.js"
BEGIN = "  // -- generated from generator/api/surface.py by python -m generator.api.jstables: do not edit"
END = "  // -- end of the generated tables"
#: Each kind of filter value -> the JS normaliser of the same name as query.PARSERS'.
JS_PARSERS = {
    "int": "int_",
    "int_list": "intList",
    "number_list": "numberList",
    "choice": "choice_",
    "str_list": "strList",
    "datetime": "datetime_",
    "slug": "slug_",
}


def _js(value: object) -> str:
    return json.dumps(value, separators=(", ", ": "))


def tables() -> str:
    """The generated block, markers included."""
    columns = {spec.name: spec.column for spec in FACETS} | {part: part for part in DATE_PARTS}
    lines = [
        BEGIN,
        f"  var DEFAULT_LIMIT = {DEFAULT_LIMIT}, MAX_LIMIT = {MAX_LIMIT};",
        f"  var SUBSETS = {_js(list(SUBSETS))};",
        "  var VERSIONS = {",
    ]
    for spec in VERSIONS.values():
        modes = [m for m in spec.modes if m]
        lines.append(
            f'    "{spec.version}": {{ endpoint: {_js(spec.endpoint)}, modes: {_js(modes)}, '
            f"listMode: {_js(spec.default_list_mode)}, detailMode: {_js(spec.default_detail_mode)}, "
            f"upcomingParams: {_js(list(spec.upcoming_params))} }},"
        )
    lines += [
        "  };",
        f"  var ORDERING_FIELDS = {_js(list(ORDERING_FIELDS))};",
        f"  var DEFAULT_ORDERING = {_js(DEFAULT_ORDERING)};",
        f"  var PRESENTATION = {_js(dict.fromkeys(PRESENTATION, 1))};",
        "  /* Each version's filters: name -> normaliser. */",
        "  var FILTERS = {",
    ]
    for version in VERSIONS:
        rows = sorted(filters_of(version), key=lambda f: f.name)
        lines.append(f'    "{version}": {{')
        lines += [f"      {row.name}: {JS_PARSERS[row.kind]}," for row in rows]
        lines.append("    },")
    lines += [
        "  };",
        f"  var ALIASES = {_js(ALIASES)};",
        "  /* The compact data's columns; the stamped ones are times (ms). */",
        f"  var FACETS = {_js([spec.column for spec in FACETS])};",
        f"  var STAMPED = {_js({spec.column: 1 for spec in FACETS if spec.kind == 'datetime'})};",
        "  /* The whole-number columns, read as BigInt: ids go up to 2^63-1, past a Number's 2^53. */",
        f"  var BIG = {_js({spec.column: 1 for spec in FACETS if spec.kind in ('int', 'ints')})};",
        "  /* Filters whose single values have a page of the human site: [its folder, its name]. */",
        f"  var SITE_LISTS = {_js({row.name: list(row.site) for row in FILTERS if row.site})};",
        "  /* Each filter's test: [test, the facet it reads, its kind of value]. */",
        "  var TESTS = {",
        *(f"    {row.name}: {_js([row.test, columns[row.facet], row.kind])}," for row in FILTERS),
        "  };",
        END,
    ]
    return "\n".join(lines) + "\n"


def render(source: str) -> str:
    """`source` with its generated block replaced by the current one."""
    start = source.index(BEGIN)
    end = source.index("\n", source.index(END)) + 1
    return source[:start] + tables() + source[end:]


def main(argv: list[str]) -> int:
    """[--check] [FILE]: rewrite FILE's block (default: the packaged client), or check it."""
    paths = [Path(a) for a in argv if a != "--check"]
    client = paths[0] if paths else CLIENT
    source = client.read_text(encoding="utf-8")
    try:
        fresh = render(source)
    except ValueError:
        print(f"Error: {client} has no generated block (a line {BEGIN.strip()!r} and its end)")
        return 1
    if "--check" in argv:
        if fresh != source:
            print(f"Error: {client.name}'s tables are stale: run python -m generator.api.jstables")
            return 1
        return 0
    if fresh != source:
        client.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
