"""Shared base and small objects that both API versions use in the same shape."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of every LL2 object: strict JSON types, unknown fields reported as drift."""

    model_config = ConfigDict(extra="forbid", strict=True)


class IdName(Record):
    id: int
    name: str


class EventType(Record):
    id: int
    name: str


class DatePrecision(Record):
    """`date_precision` / `net_precision`: how exact a date is (id 0 = second ... year)."""

    id: int
    name: str
    abbrev: str
    description: str


class Language(Record):
    id: int
    name: str
    code: str


class InfoURL(Record):
    priority: int
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
    start_time: datetime | None
    end_time: datetime | None


class Update(Record):
    id: int
    profile_image: str | None
    comment: str | None
    info_url: str | None
    created_by: str | None
    created_on: datetime
