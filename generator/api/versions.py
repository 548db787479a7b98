"""The LL2 API surface we mirror: versions, endpoint names, modes and their defaults."""

from dataclasses import dataclass

#: LL2's default page size; `next` links of LL2 carry `limit=10`.
DEFAULT_LIMIT = 10
#: DRF `max_limit` of LL2's LimitOffsetPagination: larger limits are clamped to this.
MAX_LIMIT = 100
#: Page sizes written for every list (the default and the maximum).
PAGE_SIZES = (DEFAULT_LIMIT, MAX_LIMIT)
#: List subsets: all events, upcoming (date >= now - 1 day) and previous (date < now).
SUBSETS = ("all", "upcoming", "previous")


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


#: The newest version served: the one people are pointed at, and whose ids the fetch lists
#: to find deletions (both versions share one database).
NEWEST = max(VERSIONS, key=version_key)
#: Every mode-bearing version's modes, in the table's order (the nginx maps' `mode` values).
ALL_MODES = tuple(dict.fromkeys(m for spec in VERSIONS.values() for m in spec.modes if m))
