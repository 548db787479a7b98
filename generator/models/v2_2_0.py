"""LL2 2.2.0 event (`/2.2.0/event/`): one shape, no response modes.

Shaped after the real record of event 1185 (../shared/seeds); fields whose presence differs
between that record and the 2024 Swagger example are optional (absent or null).
"""

from datetime import date, datetime
from typing import Any

from generator.models.common import (
    DatePrecision,
    EventType,
    IdName,
    InfoURL,
    Record,
    Update,
    VidURL,
)


class AgencySerializerMini(Record):
    id: int
    url: str
    name: str
    type: str | None


class AgencyBase(Record):
    """The fields every full agency shape starts with."""

    id: int
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
    total_launch_count: int
    consecutive_successful_launches: int
    successful_launches: int
    failed_launches: int
    pending_launches: int
    consecutive_successful_landings: int
    successful_landings: int
    failed_landings: int
    attempted_landings: int
    info_url: str | None
    wiki_url: str | None
    logo_url: str | None
    image_url: str | None
    nation_url: str | None


class LaunchStatus(Record):
    id: int
    name: str
    abbrev: str
    description: str


class RocketConfiguration(Record):
    id: int
    url: str
    name: str
    family: str
    full_name: str
    variant: str


class Rocket(Record):
    id: int
    configuration: RocketConfiguration


class Orbit(Record):
    id: int
    name: str
    abbrev: str


class Mission(Record):
    id: int
    name: str
    description: str | None
    launch_designator: str | None = None
    type: str | None
    orbit: Orbit | None
    agencies: list[AgencyDetailed]
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]


class PadLocation(Record):
    id: int
    url: str
    name: str
    country_code: str
    description: str | None
    map_image: str | None
    timezone_name: str
    total_launch_count: int
    total_landing_count: int


class Pad(Record):
    id: int
    url: str
    agency_id: int | None = None
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
    total_launch_count: int
    orbital_launch_attempt_count: int


class MissionPatch(Record):
    id: int
    name: str
    priority: int
    image_url: str
    agency: AgencySerializerMini | None


class Program(Record):
    id: int
    url: str
    name: str
    description: str | None
    agencies: list[AgencySerializerMini]
    image_url: str | None
    start_date: datetime | None
    end_date: datetime | None
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
    last_updated: datetime
    net: datetime | None
    window_end: datetime | None
    window_start: datetime | None
    net_precision: DatePrecision | None
    probability: int | None
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
    orbital_launch_attempt_count: int | None
    location_launch_attempt_count: int | None
    pad_launch_attempt_count: int | None
    agency_launch_attempt_count: int | None
    orbital_launch_attempt_count_year: int | None
    location_launch_attempt_count_year: int | None
    pad_launch_attempt_count_year: int | None
    agency_launch_attempt_count_year: int | None
    type: str


class SpaceStationStatus(Record):
    id: int
    name: str


class SpaceStationMini(Record):
    id: int
    url: str
    name: str
    status: SpaceStationStatus
    orbit: str | None
    image_url: str | None


class SpaceStation(Record):
    id: int
    url: str
    name: str
    status: SpaceStationStatus
    founded: date
    description: str | None
    orbit: str | None
    image_url: str | None


class Spacewalk(Record):
    id: int
    url: str
    name: str
    start: datetime | None
    end: datetime | None
    duration: str | None
    location: str | None


class Expedition(Record):
    id: int
    url: str
    name: str
    start: datetime
    end: datetime | None
    spacestation: SpaceStationMini
    mission_patches: list[MissionPatch]
    spacewalks: list[Spacewalk]


class Event(Record):
    """One event of `/2.2.0/event/`, fields in the API's order."""

    id: int
    url: str
    slug: str
    name: str
    updates: list[Update]
    last_updated: datetime
    type: EventType
    description: str
    webcast_live: bool
    location: str | None
    news_url: str | None
    video_url: str | None
    info_urls: list[InfoURL]
    vid_urls: list[VidURL]
    feature_image: str | None
    date: datetime | None
    date_precision: DatePrecision | None
    duration: str | None
    agencies: list[Agency]
    launches: list[Launch]
    expeditions: list[Expedition]
    spacestations: list[SpaceStation]
    program: list[Program]
