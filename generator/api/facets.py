"""The few fields of an event that lists filter, search and order on, taken from its model."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


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

    def __post_init__(self) -> None:
        if self.date is not None and self.utc_day is None:
            day = self.date.astimezone(UTC)
            object.__setattr__(self, "utc_day", (day.year, day.month, day.day))


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
    """Facets as a JSON-able list (for the build cache)."""
    return [
        f.id,
        f.name,
        f.slug,
        None if f.date is None else f.date.isoformat(),
        None if f.last_updated is None else f.last_updated.isoformat(),
        f.type_id,
        list(f.agency_ids),
        list(f.program_ids),
        list(f.video_urls),
    ]


def facets_from_row(row: list[Any]) -> Facets:
    """Inverse of facets_to_row."""
    return Facets(
        id=row[0],
        name=row[1],
        slug=row[2],
        date=None if row[3] is None else datetime.fromisoformat(row[3]),
        last_updated=None if row[4] is None else datetime.fromisoformat(row[4]),
        type_id=row[5],
        agency_ids=tuple(row[6]),
        program_ids=tuple(row[7]),
        video_urls=tuple(row[8]),
    )
