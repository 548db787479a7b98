"""The browsable JSON of a record, rendered by the fast path, is exactly the general rendering,
and the fragment store gives back what it was given, in memory or spilled to its scratch file."""

from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st

from generator.site.apipages import json_html, record_html
from generator.site.fragments import Fragments, at_list_depth, at_top
from tests.conftest import SEED_1185, SEED_1304


def event_link(url: str) -> str | None:
    """Links LL2 event URLs (any case of host) like MirrorLinker, with an & to escape."""
    lowered = url.lower()
    if "thespacedevs.com/" in lowered and "/event" in lowered:
        return "/mirror?u=" + url[-6:] + "&x=<1>"
    return None


URLS = st.sampled_from([
    "https://ll.thespacedevs.com/2.3.0/events/1304/",
    "https://LL.TheSpaceDevs.com/2.2.0/event/1185/?a=1&b=<2>",
    "http://lldev.thespacedevs.com/2.3.0/events/7/",
    "https://thespacedevs.com/",
    "https://example.org/a&b<c>",
    "/2.3.0/events/1/",
    "javascript:alert(1)",
    'https://ll.thespacedevs.com/2.3.0/events/1/"><script>',
    "https://ll.thespacedevs.com/2.3.0/events/1/ x",
    "\\https://ll.thespacedevs.com/2.3.0/events/2/",
    'x "https://ll.thespacedevs.com/2.3.0/events/3/',
    "https://ll.thespacedevs.com/2.3.0/events/4/\u00a0",
    "https://ll.thespacedevs.com/2.3.0/events/5/\u2028x",
    "https://ll.thespacedevs.com/2.3.0/events/6/–x",
])
LEAVES = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20) | URLS
JSON = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | URLS, inner, max_size=4), max_leaves=20)


@given(JSON)
def test_record_html_equals_json_html(value):
    record = orjson.dumps(value)
    assert record_html(record, event_link).decode() == str(json_html(value, event_link))


def test_record_html_equals_json_html_on_the_seed_records():
    for path in (SEED_1185, SEED_1304):
        value = orjson.loads(path.read_bytes())
        html = record_html(orjson.dumps(value), event_link).decode()
        assert html == str(json_html(value, event_link))
        assert "<a href=" in html or "thespacedevs" not in path.read_text()


@given(st.text())
def test_list_depth_round_trips(fragment):
    assert at_top(at_list_depth(fragment.encode())) == fragment.encode()


def test_fragments_render_once_and_come_back_from_the_scratch_file(tmp_path: Path):
    rendered: list[bytes] = []

    def render(record: bytes) -> bytes:
        rendered.append(record)
        return record * 50

    store = Fragments(render, tmp_path, budget=1000)
    records = {bytes([k]) * 8: f'{{"id":{k}}}\n'.encode() for k in range(20)}
    first = {key: store.get(key, lambda r=record: r) for key, record in records.items()}
    again = {key: store.get(key, lambda: b"never read") for key in reversed(list(records))}
    assert again == first
    assert first[bytes([3]) * 8] == at_list_depth(b'{"id":3}\n' * 50)
    assert len(rendered) == len(records) == store.rendered
    assert store._spilled, "a budget of 1,000 bytes must spill"
    store.close()
    assert list(tmp_path.iterdir()) == []
