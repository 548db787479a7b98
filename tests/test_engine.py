"""The reference engine's semantics as properties: any-of lists, all-of search, order, subsets."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.api.engine import page, select
from generator.api.facets import Facets
from generator.api.query import normalise, parse_request, query_path, query_url

NOW = datetime(2025, 6, 1, tzinfo=UTC)
stamps = st.one_of(
    st.none(),
    st.integers(min_value=-400, max_value=400).map(lambda h: NOW + timedelta(hours=h)),
)


@st.composite
def corpora(draw) -> list[Facets]:
    ids = draw(st.lists(st.integers(min_value=1, max_value=500), min_size=0, max_size=30, unique=True))
    return [
        Facets(
            id=i,
            name=draw(
                st.sampled_from(["Crew Dragon Docking", "Soyuz Hatch Opening", "Crew Flyby", "Starship"])
            ),
            slug=f"event-{i}",
            date=draw(stamps),
            last_updated=draw(stamps),
            type_id=draw(st.integers(min_value=1, max_value=4)),
            agency_ids=tuple(draw(st.lists(st.sampled_from([44, 63, 121]), max_size=2, unique=True))),
            program_ids=tuple(draw(st.lists(st.sampled_from([5, 17]), max_size=2, unique=True))),
            video_urls=(),
        )
        for i in ids
    ]


def query(version: str = "2.3.0", subset: str = "all", **params: str):
    return normalise(version, subset, None, list(params.items()))


@given(corpora(), st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3))
def test_a_comma_list_selects_any_of_its_values(events, types) -> None:
    together = select(events, query(type__ids=",".join(map(str, types))), NOW)
    union = {i for t in types for i in select(events, query(type__ids=str(t)), NOW)}
    assert set(together) == union
    assert together == [i for i in select(events, query(), NOW) if i in union]  # same order as the whole list


@given(corpora())
def test_search_terms_must_all_occur_in_the_name_ignoring_case(events) -> None:
    both = set(select(events, query(search="CREW dragon"), NOW))
    crew = set(select(events, query(search="crew"), NOW))
    dragon = set(select(events, query(search="Dragon"), NOW))
    assert both == crew & dragon
    assert both == {f.id for f in events if "crew" in f.name.lower() and "dragon" in f.name.lower()}


@given(
    corpora(),
    st.sampled_from(["date", "-date", "last_updated", "-last_updated", "-last_updated,date"]),
)
def test_ordering_sorts_nulls_as_postgresql_and_breaks_ties_by_id(events, ordering) -> None:
    ids = select(events, query(ordering=ordering), NOW)
    by_id = {f.id: f for f in events}
    keys = []
    for i in ids:
        key = []
        for term in ordering.split(","):
            value = getattr(by_id[i], term.lstrip("-"))
            seconds = value.timestamp() if value else 0.0
            if term.startswith("-"):  # descending: nulls first, then latest first
                key += [value is not None, -seconds]
            else:  # ascending: nulls last
                key += [value is None, seconds]
        keys.append((*key, i))
    assert keys == sorted(keys)
    assert sorted(ids) == sorted(by_id)


@given(corpora())
def test_upcoming_and_previous_follow_ll2s_day_of_grace(events) -> None:
    upcoming = set(select(events, query(subset="upcoming"), NOW))
    strict = set(select(events, query(subset="upcoming", hide_recent_previous="true"), NOW))
    previous = set(select(events, query(subset="previous"), NOW))
    dated = {f.id for f in events if f.date is not None}
    assert upcoming | previous == dated
    assert strict == dated - previous
    assert upcoming & previous == {f.id for f in events if f.date and NOW - timedelta(days=1) <= f.date < NOW}


@given(corpora(), st.integers(min_value=1, max_value=100))
def test_pages_concatenate_to_the_whole_list(events, limit) -> None:
    first = query(limit=str(limit))
    ids = select(events, first, NOW)
    pages = [page(ids, first.with_params(offset=o)) for o in range(0, len(ids) + 1, first.limit)]
    assert [i for p in pages for i in p] == ids


lists = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=4)


@settings(max_examples=200)
@given(lists, st.permutations(["type__ids", "program", "year", "ordering", "limit", "mode"]), st.data())
def test_spellings_of_one_query_share_one_canonical_form_and_path(values, names, data) -> None:
    shuffled = data.draw(st.permutations(values))
    doubled = values + values[:1]
    one = {"type__ids": values, "program": values, "year": values}
    two = {"type__ids": shuffled, "program": doubled, "year": list(reversed(values))}
    extras = {
        "ordering": ("-last_updated", "-last_updated,name,-last_updated"),
        "limit": ("100", "+100"),
        "mode": ("list", "list"),
    }

    def url(lists, which: int) -> str:
        pairs = [
            f"{n}={','.join(map(str, lists[n]))}" if n in lists else f"{n}={extras[n][which]}" for n in names
        ]
        return "/2.3.0/events/?" + "&".join(pairs)

    a, b = parse_request(url(one, 0)), parse_request(url(two, 1))
    assert a == b and query_path(a) == query_path(b)
    assert parse_request(query_url(a)) == a  # the canonical URL is a fixed point
    assert parse_request("/" + query_path(a)) == a


def test_type_and_type_ids_share_a_file_and_intersect_when_both_given() -> None:
    assert query_path(parse_request("/2.3.0/events/?type=4")) == "2.3.0/events/type__ids-4/index.json"
    assert (
        query_path(parse_request("/2.3.0/events/?type=4&type__ids=4,9"))
        == "2.3.0/events/type__ids-4/index.json"
    )
    assert (
        query_path(parse_request("/2.3.0/events/?type=3&type__ids=4,9"))
        == "2.3.0/events/type-3/type__ids-4.9/index.json"
    )


def test_a_repeated_parameter_reads_its_last_value_except_program() -> None:
    assert parse_request("/2.3.0/events/?type__ids=1&type__ids=2").get("type__ids") == "2"
    assert parse_request("/2.3.0/events/?limit=5&limit=20").limit == 20
    assert parse_request("/2.3.0/events/?program=5&program=2").get("program") == "2,5"
