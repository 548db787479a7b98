"""Shared base and small objects that both API versions use in the same shape."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

#: The largest integer SQLite (and LL2's PostgreSQL bigint) holds.
INT64_MAX = 2**63 - 1
#: An object's id: LL2's ids are positive, and must fit SQLite's INTEGER.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
#: Any other whole number (counts, priorities): it must fit SQLite's INTEGER.
Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
#: The times the site can compute with (a day either side, four-digit years): 1000 to 9998.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
Stamp = Annotated[datetime, Field(ge=EARLIEST, le=LATEST)]


class Record(BaseModel):
    """Base of every LL2 object: strict JSON types, unknown fields reported as drift."""

    model_config = ConfigDict(extra="forbid", strict=True)


class IdName(Record):
    id: Id
    name: str


class EventType(Record):
    id: Id
    name: str


class DatePrecision(Record):
    """`date_precision` / `net_precision`: how exact a date is (id 0 = second ... year)."""

    id: Int64
    name: str
    abbrev: str
    description: str


class Language(Record):
    id: Id
    name: str
    code: str


class InfoURL(Record):
    priority: Int64
    source: str | None
    title: str | None
    description: str | None
    feature_image: str | None
    url: str
    type: IdName | None
    language: Language | None


class VidURL(InfoURL):
    """A webcast: an InfoURL with its publisher and times (2.3.0 adds `live`)."""

    publisher: str | None
    start_time: Stamp | None
    end_time: Stamp | None


class Update(Record):
    id: Id
    profile_image: str | None
    comment: str | None
    info_url: str | None
    created_by: str | None
    created_on: Stamp
