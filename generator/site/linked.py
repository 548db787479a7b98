"""The API lists the human site links from its listings, so that the build precomputes them.

A type, agency, program or year page links the API list of the same events: the newest
version that has the value (2.3.0, else 2.2.0, which has no `year`), in its default mode, page
size and order: browsable (the endpoint's shell with the query: a 200 on GitHub Pages, where
the list's folder would be 404.html) and as JSON (the list's `index.json`).
`precompute.candidates` puts these lists first after `--precompute`'s, so the planner keeps
them before any family it plans itself: the JSON link resolves and the shell loads a file.
"""

from generator.api.facets import values_of
from generator.api.query import FILTERS, Query, normalise
from generator.api.surface import FILTERS as FILTERS_TABLE
from generator.api.surface import filter_named
from generator.api.versions import version_key
from generator.load.validate import SnapshotIndex

#: Site family -> the LL2 filter of its API list (the surface's `site` column).
PARAMETERS = {row.site[0]: row.name for row in FILTERS_TABLE if row.site}


class LinkedLists:
    """Which version answers each (family, value) the site lists, from the snapshot's facets."""

    def __init__(self, index: SnapshotIndex) -> None:
        newest_first = sorted(
            index.versions.values(), key=lambda v: version_key(v.spec.version), reverse=True
        )
        self._values: list[tuple[str, dict[str, set[int]]]] = []
        for vindex in newest_first:
            facets = vindex.facets.values()
            values = {
                site: {v for f in facets for v in values_of(f, filter_named(name).facet)}
                for site, name in PARAMETERS.items()
            }
            filters = FILTERS[vindex.spec.version]
            self._values.append(
                (vindex.spec.version, {k: v for k, v in values.items() if PARAMETERS[k] in filters})
            )

    def query(self, family: str, value: int) -> Query | None:
        """The first page of the list the site links for one value, or None (no version has it)."""
        for version, values in self._values:
            if value in values.get(family, ()):
                return normalise(version, "all", None, [(PARAMETERS[family], str(value))])
        return None

    def all(self) -> list[Query]:
        """Every list the site links, in family and value order, each once."""
        seen: dict[Query, None] = {}
        for family in PARAMETERS:
            for value in sorted({v for _, values in self._values for v in values.get(family, ())}):
                query = self.query(family, value)
                if query is not None:
                    seen.setdefault(query)
        return list(seen)
