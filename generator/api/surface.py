"""The LL2 surface the mirror answers, declared once: versions (endpoint, modes), subsets,
page sizes, orderings, the facets lists read, and the filters (name, kind of value, the test
it makes, the facet it reads, the versions that have it, the planner family and site listing of its lists).

Everything that lists these derives from here: `query.py`'s filter tables, `engine.py`'s
predicates, `facets.py`'s rows and `client/facetfile.py`'s columns, the planner's families,
the host rules' snapshot values, the site's API links, and the JS engine's tables (generated
into `client/ll2-static.js` by `python -m generator.api.jstables`; a test fails when stale).
"""

from dataclasses import dataclass

#: LL2's default page size; `next` links of LL2 carry `limit=10`.
DEFAULT_LIMIT = 10
#: DRF `max_limit` of LL2's LimitOffsetPagination: larger limits are clamped to this.
MAX_LIMIT = 100
#: Page sizes written for every list (the default and the maximum).
PAGE_SIZES = (DEFAULT_LIMIT, MAX_LIMIT)
#: List subsets: all events, upcoming (date >= now - 1 day) and previous (date < now).
SUBSETS = ("all", "upcoming", "previous")
#: Fields `ordering` takes (each ascending or, with `-`), and each subset's default ordering.
ORDERING_FIELDS = ("date", "last_updated")
DEFAULT_ORDERING = {"all": "date", "upcoming": "date", "previous": "-date"}
#: Parameters that page or present a list rather than select its events.
PRESENTATION = ("limit", "offset", "mode", "ordering")
#: Other spellings of a filter: the 2.3.0 spec spells `date__lt` as `date__gt__lt`.
ALIASES = {"date__gt__lt": "date__lt"}


@dataclass(frozen=True)
class VersionSpec:
    """One API version: where its events live and which response modes it has."""

    version: str
    endpoint: str  # path segment: "event" (2.2.0) or "events" (2.3.0)
    modes: tuple[str | None, ...]  # (None,) when the version has no `mode` parameter
    default_list_mode: str | None
    default_detail_mode: str | None
    facet_mode: str | None  # the mode whose records carry every filterable field
    #: Parameters only `/upcoming/` takes (2.3.0: `hide_recent_previous`).
    upcoming_params: tuple[str, ...] = ()

    @property
    def has_modes(self) -> bool:
        return self.modes != (None,)

    @property
    def lightest_mode(self) -> str | None:
        """The mode with the fewest fields (modes are listed lightest first): to list ids."""
        return self.modes[0]

    def snapshot_name(self, mode: str | None) -> str:
        """File name of this version/mode in content/snapshot/{version}/."""
        return f"{self.endpoint}.ndjson" if mode is None else f"{self.endpoint}.{mode}.ndjson"


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a version number: 2.10.0 after 2.3.0 (sort with reverse=True: newest first)."""
    return tuple(int(n) for n in version.split("."))


VERSIONS: dict[str, VersionSpec] = {
    "2.2.0": VersionSpec("2.2.0", "event", (None,), None, None, None),
    # The spec does not say which mode a list uses without `mode`; LL2 answers lists in
    # `normal` and `/events/{id}/` in `detailed`, and so do we.
    "2.3.0": VersionSpec(
        "2.3.0",
        "events",
        ("list", "normal", "detailed"),
        "normal",
        "detailed",
        "detailed",
        upcoming_params=("hide_recent_previous",),
    ),
}


@dataclass(frozen=True)
class FacetSpec:
    """One field of `facets.Facets`: its name there, its column name in the compact data
    (and the JS engine), and its kind: int, str, datetime, ints or strs (a tuple)."""

    name: str
    column: str
    kind: str


#: The facet file's columns, in order (`client/facetfile.py`, the JS engine's `facets`).
FACETS = (
    FacetSpec("id", "id", "int"),
    FacetSpec("name", "name", "str"),
    FacetSpec("slug", "slug", "str"),
    FacetSpec("date", "date", "datetime"),
    FacetSpec("last_updated", "last_updated", "datetime"),
    FacetSpec("type_id", "type", "int"),
    FacetSpec("agency_ids", "agencies", "ints"),
    FacetSpec("program_ids", "programs", "ints"),
    FacetSpec("video_urls", "videos", "strs"),
)
#: Facets computed from `date` (UTC), not stored: the year/month/day filters read them.
DATE_PARTS = ("year", "month", "day")


@dataclass(frozen=True)
class FilterSpec:
    """One filter parameter.

    kind: how its value is read and written canonically (`query.PARSERS`): int, int_list,
      number_list (LL2's NumberFilter: a decimal, its whole part compared), choice (a
      ModelChoiceFilter's 32-bit id), str_list, datetime, slug.
    test: what it asks of the facet: `is` (equal), `in` (the facet is one of the values),
      `overlaps` (the facet's tuple shares a value), or a bound (`gt`, `gte`, `lt`, `lte`).
    facet: the `Facets` field (or `DATE_PARTS` part) it reads.
    family: the planner's family of its single-value lists (None: not planned); families
      are planned in the order of this table.
    site: the human site's listing whose pages link its lists (`site/linked.py`), and the
      browsable page's name of one of those pages (`templates/static/browse.js`).
    """

    name: str
    kind: str
    test: str
    facet: str
    since: str  # the first version that has it
    family: str | None = None
    site: tuple[str, str] | None = None
    until: str | None = None  # the last version that has it (None: every newer one too)

    def in_version(self, version: str) -> bool:
        key = version_key(version)
        return version_key(self.since) <= key and (self.until is None or key <= version_key(self.until))


_FIRST = min(VERSIONS, key=version_key)
_NEW = "2.3.0"  # the filters LL2 added with the `events` endpoint
FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("type__ids", "int_list", "in", "type_id", _FIRST, "type", ("types", "Event type")),
    FilterSpec("agency__ids", "int_list", "overlaps", "agency_ids", _FIRST, "agency", ("agencies", "Agency")),
    FilterSpec("program", "int_list", "overlaps", "program_ids", _FIRST, "program", ("programs", "Program")),
    FilterSpec("year", "number_list", "in", "year", _NEW, "year", ("years", "Year")),
    FilterSpec("month", "number_list", "in", "month", _NEW, "month"),
    FilterSpec("type", "choice", "is", "type_id", _FIRST),
    FilterSpec("id", "int_list", "in", "id", _NEW),
    FilterSpec("day", "number_list", "in", "day", _NEW),
    FilterSpec("slug", "slug", "is", "slug", _NEW),
    FilterSpec("video_url", "str_list", "overlaps", "video_urls", _NEW),
    # The 2.2.0 seed page names the filter `last_updated`: django-filter's exact lookup.
    FilterSpec("last_updated", "datetime", "is", "last_updated", "2.2.0", until="2.2.0"),
    FilterSpec("last_updated__gte", "datetime", "gte", "last_updated", _FIRST),
    FilterSpec("last_updated__lte", "datetime", "lte", "last_updated", _FIRST),
    FilterSpec("date__gt", "datetime", "gt", "date", _NEW),
    FilterSpec("date__gte", "datetime", "gte", "date", _NEW),
    FilterSpec("date__lt", "datetime", "lt", "date", _NEW),
    FilterSpec("date__lte", "datetime", "lte", "date", _NEW),
)
#: Planner families that are not one filter's single values: `month` lists name a year too
#: (`year=Y&month=M`), and `type-pair` lists two values of the `type` family at once.
FAMILY_WITH = {"month": ("year",)}
PAIR_FAMILIES = {"type-pair": "type"}


def filters_of(version: str) -> tuple[FilterSpec, ...]:
    """The filters one version takes."""
    return tuple(f for f in FILTERS if f.in_version(version))


def filter_named(name: str) -> FilterSpec:
    """The filter row of one parameter name (KeyError when there is none)."""
    for row in FILTERS:
        if row.name == name:
            return row
    raise KeyError(name)


def family_filter(family: str) -> FilterSpec:
    """The filter whose values a family's lists take (a pair family's: its two values)."""
    family = PAIR_FAMILIES.get(family, family)
    return next(f for f in FILTERS if f.family == family)


def families() -> tuple[str, ...]:
    """The planner's families in its order: other orderings, then each filter's, then pairs."""
    return ("orderings", *(f.family for f in FILTERS if f.family), *PAIR_FAMILIES)
