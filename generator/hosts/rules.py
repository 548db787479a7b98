"""Host rules emitted into dist/: a Netlify `_redirects` and an nginx include.

Both map an unchanged LL2 request (`/2.3.0/events/?type__ids=2,8&mode=list`) onto the file of
its canonical query. Neither host can sort or de-duplicate a list, so the rules are built from
what was precomputed:

- Netlify matches named query parameters. Values that are the same in a URL and in a mirror
  path (whole numbers, modes, single orderings) use placeholders (`type__ids=:type__ids`);
  others (lists such as `2,8`) get one rule per precomputed value. Spellings of the defaults
  (`limit=10`, `offset=0`, `mode=normal`) get rules of their own; rules with more parameters
  come first, so the most specific precomputed file wins.
- nginx builds the canonical path parameter by parameter with `map`s: each maps the raw value
  to its path segment (`limit=500` -> `/limit-100`, `8,2` -> `/type__ids-2.8`). A value it
  cannot put in canonical form maps to a segment no file has, so nginx answers 404 and never
  the answer to another query. A single value no event of the snapshot has (`type__ids=999`)
  is LL2's empty list; an unknown event, an event outside the subset asked
  (`upcoming/{id}/`) or a path LL2 does not have is LL2's JSON 404. It serves `index.json`
  to `Accept: application/json` or `?format=json`, and the browsable pages' shell to browsers
  and `?format=api`.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import permutations, product
from urllib.parse import quote, quote_plus

from generator.api.query import (
    ALIASES,
    DEFAULT_ORDERING,
    FILTERS,
    ORDERING_FIELDS,
    Query,
    _ordering,
    encode_value,
)
from generator.api.surface import FILTERS as SURFACE_FILTERS
from generator.api.surface import PRESENTATION
from generator.api.versions import ALL_MODES, DEFAULT_LIMIT, SUBSETS, VERSIONS

REDIRECTS_PATH = "_redirects"
#: LL2's answers that are not files of a query: a list with no events, and its 404 (Django
#: REST framework's compact JSON).
EMPTY_LIST = b'{"count":0,"next":null,"previous":null,"results":[]}'
NOT_FOUND = b'{"detail":"Not found."}'
NOT_FOUND_PATH = "404.json"
NGINX_HTTP_PATH = "nginx/ll2-static-http.conf"
NGINX_SERVER_PATH = "nginx/ll2-static-server.conf"
NGINX_UPSTREAM_PATH = "nginx/ll2-static-upstream.conf"
#: The upstream nginx sends the API to in NGINX_UPSTREAM_PATH (declared by whoever includes
#: it: workerd with dist/edge/workerd.capnp, or `build.py serve`).
UPSTREAM = "ll2s_upstream"
#: DRF's 405, with the method asked.
METHOD_NOT_ALLOWED = '{"detail":"Method \\"$request_method\\" not allowed."}'
#: A whole number as LL2 reads one: int() refuses more than 4,300 digits (a 400).
_INT_VALUE = "0|-?[1-9][0-9]{0,4299}"
_MISSING = "/~not-precomputed"
_EMPTY = "/~empty"
_NO_SHELL = "~no-shell"
_OWN_MAPS = {*PRESENTATION, *(p for spec in VERSIONS.values() for p in spec.upcoming_params)}
_LIST_PARAMS = {row.name for row in SURFACE_FILTERS if row.kind in ("int_list", "number_list")}
_LIST_MODES = {spec.default_list_mode for spec in VERSIONS.values()}
_DETAIL_DEFAULTS = {spec.default_detail_mode for spec in VERSIONS.values()}


@functools.cache
def _placeholder_safe(value: str) -> bool:
    """True when a value reads the same in a query string and in a mirror path."""
    return bool(value) and encode_value(value) == value and "." not in value


@functools.cache
def _spelled_out(name: str, value: str) -> bool:
    """Whether nginx needs `value` of `name` in a map: all but single whole numbers of list
    filters and the values of parameters with maps of their own (asked once per pair)."""
    single_int = name in _LIST_PARAMS and re.fullmatch(_INT_VALUE, value)
    return not single_int and name not in _OWN_MAPS


@dataclass
class RuleSet:
    """What was precomputed, reduced to what the rules need: parameter shapes and values."""

    # (version, subset) -> parameter names -> explicit (name, value) tuples
    shapes: dict[tuple[str, str], dict[tuple[str, ...], set[tuple[tuple[str, str], ...]]]] = field(
        default_factory=dict
    )
    # parameter -> canonical values that need spelling out in nginx maps
    values: dict[str, set[str]] = field(default_factory=dict)
    # parameter -> the single values some event of the snapshot has (others: an empty list)
    snapshot_values: dict[str, set[str]] = field(default_factory=dict)
    # (version, subset) -> ids of the events in that subset (upcoming/{id}/, previous/{id}/)
    members: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, first: Query) -> None:
        """Record one precomputed list (its first page; every page has an offset)."""
        params = [(k, v) for k, v in first.params if k != "offset"]
        names = tuple(k for k, _ in params)
        explicit = tuple((k, v) for k, v in params if not _placeholder_safe(v))
        by_shape = self.shapes.setdefault((first.version, first.subset), {})
        by_shape.setdefault(names, set()).add(explicit)
        for name, value in params:
            if _spelled_out(name, value):  # a value nginx's maps cannot derive
                self.values.setdefault(name, set()).add(value)


# -- Netlify ---------------------------------------------------------------------------------


def _list_path(version: str, subset: str) -> str:
    spec = VERSIONS[version]
    return f"/{version}/{spec.endpoint}/" + ("" if subset == "all" else f"{subset}/")


def _netlify_rules(rules: RuleSet) -> Iterable[tuple[int, int, str]]:
    """(parameters, literal values, rule line) for every list shape and default spelling."""
    for (version, subset), by_shape in sorted(rules.shapes.items()):
        spec = VERSIONS[version]
        source = _list_path(version, subset)
        defaults = [("limit", str(DEFAULT_LIMIT)), ("offset", "0")]
        if spec.default_list_mode:
            defaults.append(("mode", spec.default_list_mode))
        for names, explicit_set in sorted(by_shape.items()):
            for explicit in sorted(explicit_set):
                fixed = dict(explicit)
                for with_offset in (True, False):
                    shape = sorted(set(names) | ({"offset"} if with_offset else set()))
                    query = [f"{n}={quote(fixed[n], safe=',:') if n in fixed else ':' + n}" for n in shape]
                    target = source + "".join(
                        f"{n}-{encode_value(fixed[n]) if n in fixed else ':' + n}/" for n in shape
                    )
                    optional = [d for d in defaults if d[0] not in shape]
                    for keep in product((False, True), repeat=len(optional)):
                        extra = [f"{n}={v}" for (n, v), k in zip(optional, keep, strict=True) if k]
                        params = query + extra
                        literals = sum(":" not in p for p in params)
                        yield (
                            len(params),
                            literals,
                            f"{source} {' '.join(params)} {target}index.json 200!",
                        )


def netlify_redirects(rules: RuleSet) -> bytes:
    """The `_redirects` file: query rules (most parameters first), then details and bare lists.

    Netlify takes the first rule whose parameters the request has; at equal numbers of
    parameters a literal (`mode=normal`) must win over a placeholder (`mode=:mode`).
    """
    lines = ["# ll2-static: LL2 query strings -> precomputed files (generated; do not edit)"]
    # Browsers ask for ?format=api (Netlify cannot read Accept): the browsable pages' shell.
    for spec in VERSIONS.values():
        for subset in SUBSETS:
            shell = _list_path(spec.version, subset)
            lines.append(f"{shell} format=api {shell}index.html 200!")
        base = f"/{spec.version}/{spec.endpoint}"
        if spec.modes != (None,):
            lines.append(f"{base}/* format=api mode=:mode {base}/index.html 200!")
        lines.append(f"{base}/* format=api {base}/index.html 200!")
    lines += [line for _, _, line in sorted(_netlify_rules(rules), key=lambda r: (-r[0], -r[1]))]
    for spec in VERSIONS.values():
        base = f"/{spec.version}/{spec.endpoint}"
        modes = [m for m in spec.modes if m and m != spec.default_detail_mode]
        # An event under a subset is its own file, for the events in that subset only.
        for subset in SUBSETS[1:]:
            for event_id in rules.members.get((spec.version, subset), []):
                for mode in modes:
                    lines.append(
                        f"{base}/{subset}/{event_id}/ mode={mode} {base}/{event_id}/mode-{mode}/index.json "
                        "200!"
                    )
                lines.append(f"{base}/{subset}/{event_id}/ {base}/{event_id}/index.json 200!")
        for mode in modes:
            lines.append(f"{base}/:id/ mode={mode} {base}/:id/mode-{mode}/index.json 200!")
        lines.append(f"{base}/:id/ {base}/:id/index.json 200!")
    # What no rule or file answers under an API version: LL2's JSON 404 (404.html elsewhere).
    lines += [f"/{version}/* /{NOT_FOUND_PATH} 404" for version in VERSIONS]
    return ("\n".join(lines) + "\n").encode()


# -- nginx -----------------------------------------------------------------------------------


def _q(text: str) -> str:
    """An nginx string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _spellings(name: str, value: str) -> set[str]:
    """Raw query-string spellings of a canonical value that nginx should recognise, as map
    keys: `$arg_` values are not decoded, and a key that starts with `~` or is a word of the
    map block (`default`, ...) must be escaped to be read literally."""
    items = value.split(",")
    orders = permutations(items) if name in _LIST_PARAMS and len(items) <= 3 else [items]
    out = set()
    for order in orders:
        text = ",".join(order)
        for spelling in (text, quote(text, safe=",:"), quote_plus(text, safe=",:")):
            for comma in (",", "%2C"):  # nginx map keys ignore case
                out.add(_literal(spelling.replace(",", comma)))
    return out


def _literal(key: str) -> str:
    """A map key that nginx reads as this text, never as a regex or a keyword. Long keys
    become anchored regexes: they would not fit nginx's default map hash bucket."""
    if len(key.encode()) > 40:
        return "~^" + re.escape(key) + "$"
    if key.startswith("~") or key.lower() in ("default", "hostnames", "include", "volatile"):
        return "\\" + key
    return key


def _exact(key: str) -> str:
    """A map key matched with case, as DRF reads `mode` and `ordering` (nginx matches a
    plain key ignoring case: `mode=LIST` would be list mode, where LL2 gives the default)."""
    return "~^" + re.escape(key) + "$" if re.search("[A-Za-z]", key) else _literal(key)


def _map(source: str, target: str, entries: list[tuple[str, str]], default: str) -> list[str]:
    lines = [f"map {source} ${target} {{", f"    default {_q(default)};"]
    seen: set[str] = set()
    for key, value in entries:
        if key not in seen:  # nginx refuses a key given twice
            seen.add(key)
            lines.append(f"    {_q(key)} {_q(value)};")
    return lines + ["}"]


def _param_map(name: str, values: set[str], snapshot_values: set[str] | None = None) -> list[str]:
    """The map of one parameter: its raw value -> its path segment. With `snapshot_values`
    (the single values the snapshot has), any other single whole number is `_EMPTY`."""
    aliases = [alias for alias, target in ALIASES.items() if target == name]
    if aliases:  # `date__gt__lt` is `date__lt`: read "value|" or "|value"; both given: 404
        source = '"' + "|".join(f"$arg_{n}" for n in [name, *aliases]) + '"'
        blank = "|" * len(aliases)

        def keys(spelling: str) -> list[str]:
            return [blank[:i] + spelling + blank[i:] for i in range(len(aliases) + 1)]
    else:
        source, blank = f"$arg_{name}", ""

        def keys(spelling: str) -> list[str]:
            return [spelling]

    entries = [(blank, "")]
    for value in sorted(values):
        for spelling in sorted(_spellings(name, value)):
            entries += [(key, f"/{name}-{encode_value(value)}") for key in keys(spelling)]
    if name in _LIST_PARAMS:
        if snapshot_values is not None:  # a single value no event has: LL2's empty list
            for value in sorted(snapshot_values, key=int):
                entries += [(key, f"/{name}-{value}") for key in keys(value)]
            entries.append((f"~^({_INT_VALUE})$", _EMPTY))
        else:
            entries.append((f"~^({_INT_VALUE})$", f"/{name}-$1"))
    return _map(source, f"ll2s_{name}", entries, _MISSING)


def _type_map(values: set[str], snapshot_values: set[str]) -> list[str]:
    """`type=N` means `type__ids=N` (one file); both given: only the simple cases. A single
    type no event has is an empty list."""
    entries = [(":", "")]
    for value in sorted(values):
        for spelling in sorted(_spellings("type__ids", value)):
            entries.append((f":{spelling}", f"/type__ids-{encode_value(value)}"))
    for value in sorted(snapshot_values, key=int):
        entries += [(key, f"/type__ids-{value}") for key in (f":{value}", f"{value}:", f"{value}:{value}")]
    entries += [
        (f"~^:({_INT_VALUE})$", _EMPTY),
        (f"~^({_INT_VALUE}):$", _EMPTY),
        (f"~^({_INT_VALUE}):\\1$", _EMPTY),
    ]
    return _map('"$arg_type:$arg_type__ids"', "ll2s_type__ids", entries, _MISSING)


def _ordering_map() -> list[str]:
    terms = [f"{sign}{name}" for name in ORDERING_FIELDS for sign in ("", "-")]
    spellings = terms + [f"{a},{b}" for a in terms for b in terms if a != b]
    entries = []
    for subset in SUBSETS:
        prefix = "" if subset == "all" else f"/{subset}"
        entries.append((_exact(f"{prefix}:"), ""))
        # No known field named at all: DRF drops every term, so the default order.
        entries.append((f"~^{prefix}:((?!{'|'.join(ORDERING_FIELDS)}).)*$", ""))
        for spelling in spellings:
            canonical = _ordering(spelling)
            segment = "" if canonical == DEFAULT_ORDERING[subset] else f"/ordering-{encode_value(canonical)}"
            for comma in (",", "%2C"):
                entries.append((_exact(f"{prefix}:{spelling.replace(',', comma)}"), segment))
    return _map('"$ll2s_subset:$arg_ordering"', "ll2s_ordering", entries, _MISSING)


def _fixed_maps(spec_modes: list[str]) -> list[str]:
    out: list[str] = []
    # As DRF: no number, zero or negative -> the default; over 100 -> 100. A '+' in a raw
    # query string is a space to LL2 but reads as a sign here: the same number either way.
    not_positive = [("", ""), ("~^[^0-9]*$", ""), ("~^[-+]?0+$", ""), ("~^-[0-9]+$", "")]
    out += _map(
        "$arg_limit",
        "ll2s_limit",
        not_positive
        + [
            ("~^\\+?0*10$", ""),
            ("~^\\+?0*([1-9][0-9]?)$", "/limit-$1"),
            ("~^\\+?0*[1-9][0-9]{2,}$", "/limit-100"),
        ],
        _MISSING,
    )
    out += _map(
        "$arg_offset",
        "ll2s_offset",
        not_positive + [("~^\\+?0*([1-9][0-9]*)$", "/offset-$1")],
        _MISSING,
    )
    # An unknown mode is the default mode at LL2, so anything else maps to no segment.
    out += _map(
        "$arg_mode", "ll2s_mode", [(_exact(m), f"/mode-{m}") for m in spec_modes if m not in _LIST_MODES], ""
    )
    out += _map(
        "$arg_mode",
        "ll2s_detail_mode",
        [(_exact(m), f"/mode-{m}") for m in spec_modes if m not in _DETAIL_DEFAULTS],
        "",
    )
    out += _map(
        "$arg_hide_recent_previous",
        "ll2s_hide_recent_previous",
        [
            ("", ""),
            ("~*^(true|1|yes|on)$", "/hide_recent_previous-true"),
            ("~*^(false|0|no|off)$", ""),
        ],
        _MISSING,
    )
    # The browsable pages' shell (a list endpoint's index.html) for browsers, else no file.
    out += _map(
        '"$arg_format:$http_accept"',
        "ll2s_shell",
        [
            ("~^json:", _NO_SHELL),
            ("~^api:", "index.html"),
            ("~^:.*application/json", _NO_SHELL),
            ("~^:.*text/html", "index.html"),
        ],
        _NO_SHELL,
    )
    return out


def _segments(version: str, maps: set[str]) -> str:
    """The canonical path tail of a list request: one map variable per parameter, in name order."""
    names = (set(FILTERS[version]) | {"limit", "offset", "ordering", "search"}) - {"type"}
    spec = VERSIONS[version]
    names |= ({"mode"} if spec.has_modes else set()) | set(spec.upcoming_params)
    return "".join(f"${{ll2s_{n}}}" for n in sorted(names) if n in maps) + "${ll2s_repeat}"


def _members_map(version: str, rules: RuleSet) -> list[str]:
    """1 where an event asked for under a subset (`/upcoming/{id}/`) is in it, or under none."""
    entries = [("~^:", "1")]
    for subset in SUBSETS[1:]:
        ids = rules.members.get((version, subset), [])
        if ids:
            entries.append((f"~^/{subset}:({'|'.join(map(str, ids))})$", "1"))
    return _map('"$ll2s_event_subset:$ll2s_event"', f"ll2s_member_{version.replace('.', '_')}", entries, "0")


def _json_text(body: bytes) -> str:
    """An nginx string literal holding a JSON body."""
    return _q(body.decode())


#: Every API answer: LL2's CORS header, `Vary: Accept` (JSON or the page), and DRF's 405 for a
#: method other than GET or HEAD.
_API_HEADERS = [
    "    add_header Access-Control-Allow-Origin * always;",
    "    add_header Vary Accept;",
    "    add_header Allow GET always;",
    f'    if ($request_method !~ "^(GET|HEAD)$") {{ return 405 {_q(METHOD_NOT_ALLOWED)}; }}',
]


def nginx_include(rules: RuleSet) -> tuple[bytes, bytes]:
    """(http-context maps, server-context locations) for serving dist/ as the LL2 API."""
    http = ["# ll2-static: include in the http {} block (generated; do not edit)"]
    modes = list(ALL_MODES)
    http += _fixed_maps(modes)
    http += _ordering_map()
    http += _type_map(rules.values.get("type__ids", set()), rules.snapshot_values.get("type__ids", set()))
    fixed_maps = {
        "limit",
        "offset",
        "mode",
        "ordering",
        "hide_recent_previous",
        "format",
        "type__ids",
        "type",
    }
    params = sorted((set().union(*FILTERS.values()) | {"search"}) - fixed_maps)
    for name in params:
        http += _param_map(name, rules.values.get(name, set()), rules.snapshot_values.get(name))
    # LL2 reads the last of a repeated parameter (`program` adds them up), nginx's $arg_ the
    # first: refuse to guess.
    repeatable = "|".join(sorted(set(params) | fixed_maps | set(ALIASES)))
    http += _map("$args", "ll2s_repeat", [(f"~(^|&)({repeatable})=[^&]*&(.*&)?\\2=", _MISSING)], "")
    maps = set(params) | fixed_maps
    for spec in VERSIONS.values():
        # A list with a value no event has (and nothing nginx could not read) is empty; at
        # an offset LL2's empty page links a previous one: not guessed.
        tail = _segments(spec.version, maps)
        empty = f"~^(?!.*({_MISSING}|/offset-)).*{_EMPTY}"
        http += _map(f'"{tail}"', f"ll2s_empty_{spec.version.replace('.', '_')}", [(empty, "1")], "")
        http += _members_map(spec.version, rules)
    server = ["# ll2-static: include in the server {} block whose root is dist/ (generated)"]
    json_types = "\n".join(
        [
            "    types { application/json json; text/html html; }",
            "    default_type application/json;",
            *_API_HEADERS,
        ]
    )
    for spec in VERSIONS.values():
        base = f"/{spec.version}/{spec.endpoint}"
        pattern = base.replace(".", "\\.")
        name = spec.version.replace(".", "_")
        tail = _segments(spec.version, maps)
        detail_mode = "${ll2s_detail_mode}" if spec.modes != (None,) else ""
        server += [
            # Django's APPEND_SLASH: a path LL2 has, without its slash, is a 301 to it.
            f'location ~ "^{pattern}(/upcoming|/previous)?(/[0-9]+)?$" {{',
            "    default_type text/html;",
            "    add_header Access-Control-Allow-Origin * always;",
            "    return 301 $uri/$is_args$args;",
            "}",
            f'location ~ "^{pattern}(?<ll2s_subset>/upcoming|/previous)?/$" {{',
            json_types,
            f'    try_files "{base}${{ll2s_subset}}/${{ll2s_shell}}" '
            f'"{base}${{ll2s_subset}}{tail}/index.json" @ll2s_list_{name};',
            "}",
            f"location @ll2s_list_{name} {{",
            "    default_type application/json;",
            *_API_HEADERS,
            f"    if ($ll2s_empty_{name}) {{ return 200 {_json_text(EMPTY_LIST)}; }}",
            # No file: only an upstream answers it (ll2-static-upstream.conf).
            f"    return 404 {_json_text(NOT_FOUND)};",
            "}",
            f'location ~ "^{pattern}(?<ll2s_event_subset>/upcoming|/previous)?/(?<ll2s_event>[0-9]+)/$" {{',
            json_types,
            f"    if ($ll2s_member_{name} = 0) {{ return 404 {_json_text(NOT_FOUND)}; }}",
            f'    try_files "{base}/${{ll2s_shell}}" "{base}/${{ll2s_event}}{detail_mode}/index.json" '
            "@ll2s_not_found;",
            "}",
            # The mirror's own paths (next/previous links, the JS client) as plain files,
            # typed; a folder is the shell for browsers; nothing there: LL2's JSON 404.
            f'location ~ "^/{pattern.split("/")[1]}/" {{',
            json_types,
            '    location ~ "\\.(json|html)$" { try_files $uri @ll2s_not_found; }',
            f'    try_files "{base}/${{ll2s_shell}}" $uri/index.json @ll2s_not_found;',
            "}",
        ]
    server += _site_rules()
    server += [
        # Any other path of the API's (a first segment starting with a digit): LL2's 404.
        'location ~ "^/[0-9]" {',
        "    default_type application/json;",
        *_API_HEADERS,
        f"    return 404 {_json_text(NOT_FOUND)};",
        "}",
        "location @ll2s_not_found {",
        "    default_type application/json;",
        *_API_HEADERS,
        f"    return 404 {_json_text(NOT_FOUND)};",
        "}",
    ]
    return ("\n".join(http) + "\n").encode(), ("\n".join(server) + "\n").encode()


def _site_rules() -> list[str]:
    """The site's own answers (server context): its 404.html for a missing file (and for a
    URL nginx refuses outright, LL2's JSON 404 on the API's paths), a folder's 301 to its
    slash as a relative Location, DRF's JSON 405 for methods other than GET and HEAD."""
    return [
        "absolute_redirect off;",
        "error_page 404 /404.html;",
        "error_page 400 =404 /~ll2s-refused;",
        "error_page 405 = @ll2s_method;",
        "location / {",
        '    if ($request_method !~ "^(GET|HEAD)$") { return 405; }',
        "}",
        "location = /404.html { }  # the site's page, not an API path",
        # A URL nginx refuses before any location (`/%00`, `/../..`): LL2's 404 on the API's
        # paths, the site's page elsewhere.
        "location = /~ll2s-refused {",
        "    internal;",
        "    default_type application/json;",
        "    add_header Access-Control-Allow-Origin * always;",
        f'    if ($request ~ "^[A-Z]+ /[0-9]") {{ return 404 {_json_text(NOT_FOUND)}; }}',
        "    rewrite ^ /404.html break;",
        "}",
        "location @ll2s_method {",
        "    types { }",
        "    default_type application/json;",
        "    add_header Allow GET always;",
        "    add_header Access-Control-Allow-Origin * always;",
        f"    return 405 {_q(METHOD_NOT_ALLOWED)};",
        "}",
    ]


def nginx_upstream_include() -> bytes:
    """Server-context rules that answer every query: the API's paths (a first segment starting
    with a digit, as the worker reads them) go to `upstream ll2s_upstream` (the edge worker
    under workerd, or `build.py serve`), which reads the files, computes the rest and writes
    LL2's links on this origin; everything else is dist/'s files, with the site's 404.html, a
    folder's 301 to its slash and DRF's JSON 405 for other methods."""
    lines = [
        "# ll2-static: include in the server {} block whose root is dist/ (generated), with",
        f"# `upstream {UPSTREAM} {{ server 127.0.0.1:8788; }}` in http {{}} (docs/hosts.md)",
        'location ~ "^/[0-9]" {',
        f"    proxy_pass http://{UPSTREAM};",
        "    proxy_http_version 1.1;",
        '    proxy_set_header Connection "";',
        "    proxy_set_header Host $http_host;",
        "    proxy_set_header X-Forwarded-Proto $scheme;",
        "    proxy_intercept_errors off;",
        "}",
        *_site_rules(),
    ]
    return ("\n".join(lines) + "\n").encode()
