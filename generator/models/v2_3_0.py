"""LL2 2.3.0 events (`/2.3.0/events/`) in the three response modes.

Shapes from the official 2.3.0 OpenAPI schemas `EventEndpointList`, `EventEndpointNormal` and
`EventEndpointDetailed` (../shared/reference). The spec's length limits are documentation,
not validation: real records break them (event 1304's first vid_url description).
"""

from datetime import date, datetime
from typing import Literal

from generator.models import common
from generator.models.common import (
    DatePrecision,
    EventType,
    IdName,
    InfoURL,
    Record,
    Update,
)


class VidURL(common.VidURL):
    live: bool


class ImageLicense(Record):
    id: int
    name: str
    priority: int
    link: str | None


class ImageVariant(Record):
    id: int
    type: IdName
    image_url: str


class Image(Record):
    id: int
    name: str
    image_url: str
    thumbnail_url: str
    credit: str | None
    license: ImageLicense
    single_use: bool
    variants: list[ImageVariant]


class AgencyMini(Record):
    response_mode: str
    id: int
    url: str
    name: str
    abbrev: str | None
    type: IdName | None


class LaunchStatus(Record):
    id: int
    name: str
    abbrev: str
    description: str


class LaunchBasic(Record):
    id: str
    url: str
    name: str
    response_mode: str
    slug: str
    launch_designator: str | None
    status: LaunchStatus | None
    last_updated: datetime
    net: datetime | None
    net_precision: DatePrecision | None
    window_end: datetime | None
    window_start: datetime | None
    image: Image | None
    infographic: str | None
    # 2.3.1 adds this; accept it without calling it drift.
    launch_service_provider: AgencyMini | None = None


class MissionPatch(Record):
    id: int
    name: str
    priority: int
    image_url: str
    agency: AgencyMini | None
    response_mode: str


class SpaceStationNormal(Record):
    id: int
    url: str
    name: str
    image: Image | None
    status: IdName
    founded: date
    deorbited: date | None
    description: str
    orbit: str | None
    type: IdName


class SpacewalkList(Record):
    response_mode: str
    id: int
    url: str
    name: str
    start: datetime | None
    end: datetime | None
    duration: str | None
    location: str | None


class ExpeditionNormal(Record):
    id: int
    url: str
    name: str
    start: datetime
    end: datetime | None
    response_mode: str
    spacestation: SpaceStationNormal
    mission_patches: list[MissionPatch]
    spacewalks: list[SpacewalkList]


class ProgramNormal(Record):
    response_mode: str
    id: int
    url: str
    name: str
    image: Image | None
    info_url: str | None
    wiki_url: str | None
    description: str | None
    agencies: list[AgencyMini]
    start_date: datetime | None
    end_date: datetime | None
    mission_patches: list[MissionPatch]
    type: IdName


class AstronautNormal(Record):
    id: int
    url: str
    name: str
    status: IdName
    agency: AgencyMini | None
    image: Image | None


class EventList(Record):
    """`mode=list`: the compact shape."""

    id: int
    url: str
    name: str
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]
    image: Image | None
    date: datetime | None
    slug: str
    type: EventType
    description: str
    webcast_live: bool
    location: str | None
    date_precision: DatePrecision | None
    response_mode: Literal["list"]
    duration: str | None


class EventNormal(EventList):
    """`mode=normal`: list + update log and last change."""

    response_mode: Literal["normal"]  # type: ignore[assignment]
    updates: list[Update]
    last_updated: datetime


class EventDetailed(EventNormal):
    """`mode=detailed`, also what `/2.3.0/events/{id}/` returns."""

    response_mode: Literal["detailed"]  # type: ignore[assignment]
    agencies: list[AgencyMini]
    launches: list[LaunchBasic]
    expeditions: list[ExpeditionNormal]
    spacestations: list[SpaceStationNormal]
    program: list[ProgramNormal] | None
    astronauts: list[AstronautNormal] | None
