"""Canonical queries and their static paths: LL2's parameter handling, round trips."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.api.query import decode_value, encode_value, parse_request, query_path
from generator.errors import QueryError


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/2.3.0/events/", "2.3.0/events/index.json"),
        (
            "/2.3.0/events/?mode=list&limit=100&offset=100",
            "2.3.0/events/limit-100/mode-list/offset-100/index.json",
        ),
        ("/2.3.0/events/?limit=10&offset=0&mode=normal&format=json", "2.3.0/events/index.json"),
        ("/2.3.0/events/?limit=500", "2.3.0/events/limit-100/index.json"),  # DRF clamps to max_limit
        ("/2.3.0/events/?limit=abc", "2.3.0/events/index.json"),  # DRF falls back to the default
        ("/2.3.0/events/?limit=0&offset=-5", "2.3.0/events/index.json"),
        ("/2.3.0/events/?ordering=name", "2.3.0/events/index.json"),  # unknown field: default order
        ("/2.3.0/events/?ordering=-last_updated", "2.3.0/events/ordering--last_updated/index.json"),
        ("/2.3.0/events/previous/?ordering=-date", "2.3.0/events/previous/index.json"),
        ("/2.3.0/events/?type__ids=8,2", "2.3.0/events/type__ids-2.8/index.json"),
        ("/2.3.0/events/?type__ids=2,8,2", "2.3.0/events/type__ids-2.8/index.json"),
        ("/2.3.0/events/?program=5&program=2", "2.3.0/events/program-2.5/index.json"),
        ("/2.3.0/events/?search=Soyuz%20Hatch", "2.3.0/events/search-hatch~20soyuz/index.json"),
        (
            "/2.3.0/events/?date__gte=2025-04-08T11:20:00Z",
            "2.3.0/events/date__gte-2025-04-08~5411~3A20~3A00~5A/index.json",
        ),
        (
            "/2.3.0/events/?date__gt__lt=2025-04-08",
            "2.3.0/events/date__lt-2025-04-08~5400~3A00~3A00~5A/index.json",
        ),
        ("/2.3.0/events/?unknown=1&mode=bogus", "2.3.0/events/index.json"),
        (
            "/2.3.0/events/upcoming/?hide_recent_previous=true",
            "2.3.0/events/upcoming/hide_recent_previous-true/index.json",
        ),
        ("/2.3.0/events/1304/", "2.3.0/events/1304/index.json"),
        ("/2.3.0/events/1304/?mode=list&limit=5", "2.3.0/events/1304/mode-list/index.json"),
        ("/2.3.0/events/1304/?format=api", "2.3.0/events/1304/index.html"),
        ("/2.2.0/event/?mode=list", "2.2.0/event/index.json"),  # 2.2.0 events have no modes
        ("https://ll.thespacedevs.com/2.2.0/event/1185/?format=json", "2.2.0/event/1185/index.json"),
        (
            "/2.3.0/events/limit-100/mode-list/offset-100/index.json",
            "2.3.0/events/limit-100/mode-list/offset-100/index.json",
        ),
    ],
)
def test_urls_map_to_canonical_paths(url: str, path: str) -> None:
    assert query_path(parse_request(url)) == path


def test_base_path_is_stripped() -> None:
    query = parse_request(
        "https://user.github.io/ll2-static/2.3.0/events/offset-10/index.json", "/ll2-static"
    )
    assert query_path(query) == "2.3.0/events/offset-10/index.json"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/2.1.0/event/", "unknown API version '2.1.0'"),
        ("/2.3.0/event/", "2.3.0 serves events at /2.3.0/events/, not /event/"),
        ("/2.3.0/events/?type=abc", "LL2 answers 400 Bad Request: type: 'abc' is not a whole number"),
        (
            "/2.3.0/events/?type__ids=2,x",
            "LL2 answers 400 Bad Request: type__ids: '2,x' is not a comma-separated list of whole numbers",
        ),
        (
            "/2.3.0/events/../../etc/",
            "'/2.3.0/events/../../etc/': '..' is not a mirror path segment (name-value)",
        ),
    ],
)
def test_bad_requests_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_request(url)
    assert message in str(caught.value)


def test_paths_use_only_characters_safe_on_static_hosts() -> None:
    query = parse_request("/2.3.0/events/?search=Ünïcode & <tags>/..&slug=A/B&video_url=https://x.y/?a=1,b")
    path = query_path(query)
    assert set(path) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-.~ABCDEF/")
    assert ".." not in path.replace("/index.json", "").split("/")


@given(st.text(min_size=1, max_size=40).filter(lambda s: "," not in s))
def test_encoded_values_round_trip(value: str) -> None:
    assert decode_value(encode_value(value)) == value


@given(
    st.sampled_from(["2.2.0", "2.3.0"]),
    st.sampled_from(["", "upcoming/", "previous/"]),
    st.lists(st.integers(min_value=0, max_value=50), max_size=4),
    st.integers(min_value=-5, max_value=300),
    st.integers(min_value=-5, max_value=500),
    st.sampled_from(["", "date", "-date", "last_updated", "-last_updated", "name"]),
    st.text(alphabet="abcXYZ ,", max_size=8),
)
def test_mirror_paths_parse_back_to_the_same_query(version, subset, types, limit, offset, ordering, search):
    endpoint = "event" if version == "2.2.0" else "events"
    type_ids = ",".join(map(str, types))
    url = (
        f"/{version}/{endpoint}/{subset}?limit={limit}&offset={offset}&ordering={ordering}"
        f"&type__ids={type_ids}&search={search}"
    )
    query = parse_request(url)
    assert parse_request("/" + query_path(query)) == query


def test_numbers_longer_than_int_reads_are_lls_defaults_or_400_never_a_crash() -> None:
    """int() refuses more than 4,300 digits: LL2 then reads limit/offset as absent, a filter
    value as bad (400), and a path segment as no event id."""
    long = "1" * 10_000
    assert parse_request(f"/2.3.0/events/?limit={long}&offset={long}").params == ()
    with pytest.raises(QueryError, match="type: "):
        parse_request(f"/2.3.0/events/?type={long}")
    with pytest.raises(QueryError, match="an event id is a whole number from 1 to"):
        parse_request(f"/2.3.0/events/{long}/")
    with pytest.raises(QueryError, match="not a mirror path segment"):
        parse_request("/2.3.0/events/²/")
