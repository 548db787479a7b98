"""LL2 2.3.0 events (`/2.3.0/events/`) in the three response modes.

Shapes from the official 2.3.0 OpenAPI schemas `EventEndpointList`, `EventEndpointNormal` and
`EventEndpointDetailed` (../shared/reference). The spec's length limits are documentation,
not validation: real records break them (event 1304's first vid_url description).
"""

from datetime import date
from typing import Literal

import generator.api.models.common as common
from generator.api.models.common import (
    DatePrecision,
    EventType,
    Id,
    IdName,
    InfoURL,
    Int64,
    Record,
    Stamp,
    Update,
)


class VidURL(common.VidURL):
    live: bool


class ImageLicense(Record):
    id: Id
    name: str
    priority: Int64
    link: str | None


class ImageVariant(Record):
    id: Id
    type: IdName
    image_url: str


class Image(Record):
    id: Id
    name: str
    image_url: str
    thumbnail_url: str
    credit: str | None
    license: ImageLicense
    single_use: bool
    variants: list[ImageVariant]


class AgencyMini(Record):
    response_mode: str
    id: Id
    url: str
    name: str
    abbrev: str | None
    type: IdName | None


class LaunchStatus(Record):
    id: Id
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
    last_updated: Stamp
    net: Stamp | None
    net_precision: DatePrecision | None
    window_end: Stamp | None
    window_start: Stamp | None
    image: Image | None
    infographic: str | None
    # 2.3.1 adds this; accept it without calling it drift.
    launch_service_provider: AgencyMini | None = None


class MissionPatch(Record):
    id: Id
    name: str
    priority: Int64
    image_url: str
    agency: AgencyMini | None
    response_mode: str


class SpaceStationNormal(Record):
    id: Id
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
    id: Id
    url: str
    name: str
    start: Stamp | None
    end: Stamp | None
    duration: str | None
    location: str | None


class ExpeditionNormal(Record):
    id: Id
    url: str
    name: str
    start: Stamp
    end: Stamp | None
    response_mode: str
    spacestation: SpaceStationNormal
    mission_patches: list[MissionPatch]
    spacewalks: list[SpacewalkList]


class ProgramNormal(Record):
    response_mode: str
    id: Id
    url: str
    name: str
    image: Image | None
    info_url: str | None
    wiki_url: str | None
    description: str | None
    agencies: list[AgencyMini]
    start_date: Stamp | None
    end_date: Stamp | None
    mission_patches: list[MissionPatch]
    type: IdName


class AstronautNormal(Record):
    id: Id
    url: str
    name: str
    status: IdName
    agency: AgencyMini | None
    image: Image | None


class EventList(Record):
    """`mode=list`: the compact shape."""

    id: Id
    url: str
    name: str
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]
    image: Image | None
    date: Stamp | None
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
    last_updated: Stamp


class EventDetailed(EventNormal):
    """`mode=detailed`, also what `/2.3.0/events/{id}/` returns."""

    response_mode: Literal["detailed"]  # type: ignore[assignment]
    agencies: list[AgencyMini]
    launches: list[LaunchBasic]
    expeditions: list[ExpeditionNormal]
    spacestations: list[SpaceStationNormal]
    program: list[ProgramNormal] | None
    astronauts: list[AstronautNormal] | None
