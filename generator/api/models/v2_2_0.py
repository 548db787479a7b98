"""LL2 2.2.0 event (`/2.2.0/event/`): one shape, no response modes.

Shaped after the real record of event 1185 (../shared/seeds); fields whose presence differs
between that record and the 2024 Swagger example are optional (absent or null).
"""

from datetime import date
from typing import Any

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
    VidURL,
)


class AgencySerializerMini(Record):
    id: Id
    url: str
    name: str
    type: str | None


class AgencyBase(Record):
    """The fields every full agency shape starts with."""

    id: Id
    url: str
    name: str
    featured: bool
    type: str | None
    country_code: str
    abbrev: str
    description: str | None
    administrator: str | None
    founding_year: str | None
    launchers: str
    spacecraft: str


class Agency(AgencyBase):
    """Event agencies: the 'normal' agency shape."""

    parent: str | None
    image_url: str | None
    logo_url: str | None


class AgencyDetailed(AgencyBase):
    """Agencies of a launch's mission: the 'detailed' agency shape with launch statistics."""

    launch_library_url: str | None
    total_launch_count: Int64
    consecutive_successful_launches: Int64
    successful_launches: Int64
    failed_launches: Int64
    pending_launches: Int64
    consecutive_successful_landings: Int64
    successful_landings: Int64
    failed_landings: Int64
    attempted_landings: Int64
    info_url: str | None
    wiki_url: str | None
    logo_url: str | None
    image_url: str | None
    nation_url: str | None


class LaunchStatus(Record):
    id: Id
    name: str
    abbrev: str
    description: str


class RocketConfiguration(Record):
    id: Id
    url: str
    name: str
    family: str
    full_name: str
    variant: str


class Rocket(Record):
    id: Id
    configuration: RocketConfiguration


class Orbit(Record):
    id: Id
    name: str
    abbrev: str


class Mission(Record):
    id: Id
    name: str
    description: str | None
    launch_designator: str | None = None
    type: str | None
    orbit: Orbit | None
    agencies: list[AgencyDetailed]
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]


class PadLocation(Record):
    id: Id
    url: str
    name: str
    country_code: str
    description: str | None
    map_image: str | None
    timezone_name: str
    total_launch_count: Int64
    total_landing_count: Int64


class Pad(Record):
    id: Id
    url: str
    agency_id: Int64 | None = None
    agencies: list[dict[str, Any]] | None = None
    name: str
    description: str | None
    info_url: str | None
    wiki_url: str | None
    map_url: str | None
    latitude: str | None  # decimal string, kept as sent
    longitude: str | None
    location: PadLocation
    country_code: str
    map_image: str | None
    total_launch_count: Int64
    orbital_launch_attempt_count: Int64


class MissionPatch(Record):
    id: Id
    name: str
    priority: Int64
    image_url: str
    agency: AgencySerializerMini | None


class Program(Record):
    id: Id
    url: str
    name: str
    description: str | None
    agencies: list[AgencySerializerMini]
    image_url: str | None
    start_date: Stamp | None
    end_date: Stamp | None
    info_url: str | None
    wiki_url: str | None
    mission_patches: list[MissionPatch]
    type: IdName


class Launch(Record):
    id: str
    url: str
    slug: str
    name: str
    launch_designator: str | None = None
    status: LaunchStatus | None
    last_updated: Stamp
    net: Stamp | None
    window_end: Stamp | None
    window_start: Stamp | None
    net_precision: DatePrecision | None
    probability: Int64 | None
    weather_concerns: str | None
    holdreason: str | None = None
    failreason: str | None
    hashtag: str | None
    launch_service_provider: AgencySerializerMini | None
    rocket: Rocket
    mission: Mission | None
    pad: Pad
    webcast_live: bool
    image: str | None
    infographic: str | None
    program: list[Program]
    orbital_launch_attempt_count: Int64 | None
    location_launch_attempt_count: Int64 | None
    pad_launch_attempt_count: Int64 | None
    agency_launch_attempt_count: Int64 | None
    orbital_launch_attempt_count_year: Int64 | None
    location_launch_attempt_count_year: Int64 | None
    pad_launch_attempt_count_year: Int64 | None
    agency_launch_attempt_count_year: Int64 | None
    type: str


class SpaceStationStatus(Record):
    id: Id
    name: str


class SpaceStationMini(Record):
    id: Id
    url: str
    name: str
    status: SpaceStationStatus
    orbit: str | None
    image_url: str | None


class SpaceStation(Record):
    id: Id
    url: str
    name: str
    status: SpaceStationStatus
    founded: date
    description: str | None
    orbit: str | None
    image_url: str | None


class Spacewalk(Record):
    id: Id
    url: str
    name: str
    start: Stamp | None
    end: Stamp | None
    duration: str | None
    location: str | None


class Expedition(Record):
    id: Id
    url: str
    name: str
    start: Stamp
    end: Stamp | None
    spacestation: SpaceStationMini
    mission_patches: list[MissionPatch]
    spacewalks: list[Spacewalk]


class Event(Record):
    """One event of `/2.2.0/event/`, fields in the API's order."""

    id: Id
    url: str
    slug: str
    name: str
    updates: list[Update]
    last_updated: Stamp
    type: EventType
    description: str
    webcast_live: bool
    location: str | None
    news_url: str | None
    video_url: str | None
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]
    feature_image: str | None
    date: Stamp | None
    date_precision: DatePrecision | None
    duration: str | None
    agencies: list[Agency]
    launches: list[Launch]
    expeditions: list[Expedition]
    spacestations: list[SpaceStation]
    program: list[Program]
