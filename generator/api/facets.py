"""The few fields of an event that lists filter, search and order on, taken from its model."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from generator.api.surface import FACETS


@dataclass(frozen=True, slots=True)
class Facets:
    """What the query engine needs of one event; small, so every event's fits in memory."""

    id: int
    name: str
    slug: str
    date: datetime | None
    last_updated: datetime | None
    type_id: int
    agency_ids: tuple[int, ...]
    program_ids: tuple[int, ...]
    video_urls: tuple[str, ...]
    #: (year, month, day) of `date` in UTC, for the year/month/day filters; computed once.
    utc_day: tuple[int, int, int] | None = field(default=None, compare=False)

    # The date's UTC parts, as the year/month/day filters read them (surface.DATE_PARTS).
    @property
    def year(self) -> int | None:
        return None if self.utc_day is None else self.utc_day[0]

    @property
    def month(self) -> int | None:
        return None if self.utc_day is None else self.utc_day[1]

    @property
    def day(self) -> int | None:
        return None if self.utc_day is None else self.utc_day[2]

    def __post_init__(self) -> None:
        if self.date is not None and self.utc_day is None:
            day = self.date.astimezone(UTC)
            object.__setattr__(self, "utc_day", (day.year, day.month, day.day))


def values_of(f: Facets, facet: str) -> tuple[Any, ...]:
    """The values one event has of a facet (`surface.FilterSpec.facet`): none, one, or a
    tuple's."""
    value = getattr(f, facet)
    return value if isinstance(value, tuple) else () if value is None else (value,)


def facets_of(event: Any) -> Facets:
    """Facets of a validated 2.2.0 event or 2.3.0 detailed event."""
    return Facets(
        id=event.id,
        name=event.name,
        slug=event.slug,
        date=event.date,
        last_updated=event.last_updated,
        type_id=event.type.id,
        agency_ids=tuple(a.id for a in event.agencies),
        program_ids=tuple(p.id for p in event.program or ()),
        video_urls=tuple(v.url for v in event.vid_urls),
    )


def facets_to_row(f: Facets) -> list[Any]:
    """Facets as a JSON-able list (for the build cache), in `surface.FACETS`' order."""
    row: list[Any] = []
    for spec in FACETS:
        value = getattr(f, spec.name)
        if spec.kind == "datetime":
            value = None if value is None else value.isoformat()
        elif spec.kind in ("ints", "strs"):
            value = list(value)
        row.append(value)
    return row


def facets_from_row(row: list[Any]) -> Facets:
    """Inverse of facets_to_row."""
    fields: dict[str, Any] = {}
    for spec, value in zip(FACETS, row, strict=True):
        if spec.kind == "datetime":
            value = None if value is None else datetime.fromisoformat(value)
        elif spec.kind in ("ints", "strs"):
            value = tuple(value)
        fields[spec.name] = value
    return Facets(**fields)
