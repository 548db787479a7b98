"""What derives from the versions of the surface (`surface.py`): their order, the newest, every mode."""

from generator.api.surface import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PAGE_SIZES,
    SUBSETS,
    VERSIONS,
    VersionSpec,
    version_key,
)

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "PAGE_SIZES", "SUBSETS", "VERSIONS", "VersionSpec", "version_key"]


#: The newest version served: the one people are pointed at, and whose ids the fetch lists
#: to find deletions (both versions share one database).
NEWEST = max(VERSIONS, key=version_key)
#: Every mode-bearing version's modes, in the table's order (the nginx maps' `mode` values).
ALL_MODES = tuple(dict.fromkeys(m for spec in VERSIONS.values() for m in spec.modes if m))
