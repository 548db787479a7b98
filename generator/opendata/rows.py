"""One event as flat rows: the CSV/SQLite columns and the related objects it links to.

Works on the parsed JSON of a validated record (2.2.0, or 2.3.0 `detailed`: the modes that
carry agencies, programs and launches), so it needs no model and keeps only one event in
memory. Column names, types and meanings are declared once here, for the CSV, its Table
Schema in datapackage.json and the SQLite `events` table.
"""

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, cast

from generator.api.times import parse_utc


@dataclass(frozen=True)
class Column:
    """One flat column: name, Table Schema type, and what it holds."""

    name: str
    type: str  # Table Schema type: integer, string, boolean, datetime
    description: str


#: The columns of the events CSV, in order. Lists are `;`-joined (video URLs: space-joined).
CSV_COLUMNS: tuple[Column, ...] = (
    Column("id", "integer", "LL2 event id"),
    Column("url", "string", "the event's LL2 API URL, as LL2 sent it"),
    Column("name", "string", "event name"),
    Column("slug", "string", "URL slug"),
    Column("type_id", "integer", "event type id"),
    Column("type_name", "string", "event type name, e.g. Docking"),
    Column("date", "datetime", "when the event happens, UTC (empty: no date yet)"),
    Column("date_precision", "string", "how exact `date` is, e.g. Minute, Day, Month"),
    Column("last_updated", "datetime", "when LL2 last changed the event, UTC"),
    Column("location", "string", "where the event happens"),
    Column("webcast_live", "boolean", "true while a webcast is live"),
    Column("duration", "string", "ISO 8601 duration, when known"),
    Column("description", "string", "event description (may contain newlines)"),
    Column("image_url", "string", "event image (2.2.0 `feature_image`, 2.3.0 `image.image_url`)"),
    Column("agency_ids", "string", "ids of the event's agencies, `;`-joined"),
    Column("program_ids", "string", "ids of the event's programs, `;`-joined"),
    Column("launch_ids", "string", "ids (UUIDs) of the event's launches, `;`-joined"),
    Column("expedition_ids", "string", "ids of the event's expeditions, `;`-joined"),
    Column("spacestation_ids", "string", "ids of the event's space stations, `;`-joined"),
    Column("astronaut_ids", "string", "ids of the event's astronauts, `;`-joined (2.3.0 only)"),
    Column("video_urls", "string", "webcast URLs (`vid_urls[].url`), space-joined"),
)
LIST_COLUMNS = {
    "agency_ids": "agencies",
    "program_ids": "programs",
    "launch_ids": "launches",
    "expedition_ids": "expeditions",
    "spacestation_ids": "spacestations",
    "astronaut_ids": "astronauts",
}


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """A text cell that no spreadsheet runs: one starting with `= + - @`, tab or carriage
    return gets a leading `'` (OWASP's advice), which spreadsheets show as text. For the CSV
    only: JSON, NDJSON and SQLite keep every value as LL2 sent it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def utc_text(value: str | None) -> str | None:
    """An ISO 8601 time as UTC text `YYYY-MM-DDTHH:MM:SSZ`, which sorts as time sorts."""
    if value is None:
        return None
    stamp = parse_utc(value).astimezone(UTC)
    # LL2 event times are whole seconds; keep a fraction when one is sent, rather than lose it.
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if stamp.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return stamp.strftime(pattern)


def _name(value: Any) -> str | None:
    """`type`/`status` objects as their name; 2.2.0 sends some as plain strings."""
    name = value.get("name") if isinstance(value, dict) else value
    return cast("str | None", name)  # as sent: the models validated it


@dataclass
class FlatEvent:
    """One event's scalar columns and the related rows it links to, in the record's order."""

    row: dict[str, Any]
    agencies: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, abbrev, type, url
    programs: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, type, url
    launches: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, slug, net, status, url
    expeditions: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, start, end, station, url
    spacestations: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, status, url
    astronauts: list[tuple[Any, ...]] = field(default_factory=list)  # id, name, status, url
    videos: list[tuple[Any, ...]] = field(default_factory=list)  # url, title, publisher, source, priority

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form (for the build memo); tuples become lists."""
        return {"row": self.row} | {name: getattr(self, name) for name in RELATED}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "FlatEvent":
        """Inverse of to_json."""
        return cls(
            value["row"],
            **{
                name: [tuple(item) if isinstance(item, list) else item for item in value[name]]
                for name in RELATED
            },
        )

    def csv_row(self) -> list[str]:
        """The CSV cells: empty for null, `true`/`false` for booleans, lists joined; text
        cells guarded against formula injection (`formula_safe`)."""
        cells: list[str] = []
        for column in CSV_COLUMNS:
            if column.name in LIST_COLUMNS:
                related = getattr(self, LIST_COLUMNS[column.name])
                cells.append(formula_safe(";".join(str(item[0]) for item in related)))
            elif column.name == "video_urls":
                cells.append(formula_safe(" ".join(v[0] for v in self.videos)))
            else:
                value = self.row[column.name]
                if isinstance(value, bool):
                    cells.append("true" if value else "false")
                elif value is None:
                    cells.append("")
                else:
                    cells.append(formula_safe(str(value)) if column.type == "string" else str(value))
        return cells


RELATED = ("agencies", "programs", "launches", "expeditions", "spacestations", "astronauts", "videos")


def _station(station: dict[str, Any]) -> tuple[Any, ...]:
    return (station["id"], station["name"], _name(station.get("status")), station["url"])


def flatten(record: dict[str, Any]) -> FlatEvent:
    """Flat columns of one parsed 2.2.0 or 2.3.0 `detailed` event."""
    image = record.get("image")
    image_url = image.get("image_url") if isinstance(image, dict) else record.get("feature_image")
    row = {
        "id": record["id"],
        "url": record["url"],
        "name": record["name"],
        "slug": record["slug"],
        "type_id": record["type"]["id"],
        "type_name": record["type"]["name"],
        "date": utc_text(record.get("date")),
        "date_precision": _name(record.get("date_precision")),
        "last_updated": utc_text(record.get("last_updated")),
        "location": record.get("location"),
        "webcast_live": record.get("webcast_live"),
        "duration": record.get("duration"),
        "description": record.get("description"),
        "image_url": image_url,
    }
    flat = FlatEvent(row)
    for a in record.get("agencies") or ():
        flat.agencies.append((a["id"], a["name"], a.get("abbrev"), _name(a.get("type")), a["url"]))
    for p in record.get("program") or ():
        flat.programs.append((p["id"], p["name"], _name(p.get("type")), p["url"]))
    for launch in record.get("launches") or ():
        flat.launches.append(
            (
                launch["id"],
                launch["name"],
                launch.get("slug"),
                utc_text(launch.get("net")),
                _name(launch.get("status")),
                launch["url"],
            )
        )
    for x in record.get("expeditions") or ():
        station = x.get("spacestation")
        flat.expeditions.append(
            (
                x["id"],
                x["name"],
                utc_text(x.get("start")),
                utc_text(x.get("end")),
                _station(station) if station else None,
                x["url"],
            )
        )
    for s in record.get("spacestations") or ():
        flat.spacestations.append(_station(s))
    for person in record.get("astronauts") or ():
        flat.astronauts.append((person["id"], person["name"], _name(person.get("status")), person["url"]))
    for v in record.get("vid_urls") or ():
        flat.videos.append((v["url"], v.get("title"), v.get("publisher"), v.get("source"), v.get("priority")))
    return flat
