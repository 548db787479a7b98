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


#: URL decisions kept across examples, as a build keeps them across records.
SEEN: dict[bytes, bytes | None] = {}


@given(JSON)
def test_record_html_equals_json_html(value):
    record = orjson.dumps(value)
    expected = str(json_html(value, event_link))
    assert record_html(record, event_link).decode() == expected
    assert record_html(record, event_link, SEEN).decode() == expected  # with decisions kept


def test_record_html_equals_json_html_on_the_seed_records():
    for path in (SEED_1185, SEED_1304):
        value = orjson.loads(path.read_bytes())
        html = record_html(orjson.dumps(value), event_link).decode()
        assert html == str(json_html(value, event_link))
        assert "<a href=" in html or "thespacedevs" not in path.read_text()


@given(st.text())
def test_list_depth_round_trips(fragment):
    assert at_top(at_list_depth(fragment.encode())) == fragment.encode()


def test_fragments_render_once_and_are_kept_for_the_next_build(tmp_path: Path):
    rendered: list[bytes] = []

    def render(record: bytes) -> bytes:
        rendered.append(record)
        return record * 50

    records = {bytes([k]) * 8: f'{{"id":{k}}}\n'.encode() for k in range(20)}
    store = Fragments(render, tmp_path, budget=1000)  # memory holds a few: the rest is read back
    first = {key: store.get(key, lambda r=record: r, lambda k=key: k) for key, record in records.items()}
    again = {key: store.get(key, lambda: b"never read", lambda k=key: k) for key in reversed(list(records))}
    assert again == first
    assert first[bytes([3]) * 8] == at_list_depth(b'{"id":3}\n' * 50)
    assert len(rendered) == len(records) == store.rendered
    store.save()
    store.close()

    # The next build: one record changed (a new durable key), the others are read back.
    rendered.clear()
    changed = bytes([5]) * 8
    store = Fragments(render, tmp_path, budget=1000)
    for key, record in records.items():
        durable = key + (b"v2" if key == changed else b"")
        assert store.get(key, lambda r=record: r, lambda d=durable: d) == first[key]
    assert rendered == [records[changed]]
    store.save()
    store.close()


def test_a_mostly_dead_store_is_compacted_and_still_answers(tmp_path: Path):
    big = b"x" * (1 << 20)
    store = Fragments(lambda record: record, tmp_path)
    for k in range(40):  # 40 MB, then only one of them used by the next build
        store.get(bytes([k]), lambda k=k: big + bytes([k]), lambda k=k: bytes([k]))
    store.save()
    store.close()
    store = Fragments(lambda record: b"rendered again", tmp_path)
    assert store.get(b"a", lambda: b"", lambda: bytes([7])) == at_list_depth(big + bytes([7]))
    store.save()
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fragments.1.bin", "fragments.json"]
    store = Fragments(lambda record: b"rendered again", tmp_path)
    assert store.get(b"a", lambda: b"", lambda: bytes([7])) == at_list_depth(big + bytes([7]))
    store.close()


def test_a_detail_page_from_its_kinds_shell_equals_the_page_rendered_in_full(corpus_content: Path, tmp_path: Path):
    from generator.mirror import Answer
    from generator.query import normalise
    from generator.records import RecordSource
    from generator.settings import BuildSettings
    from generator.site.apipages import ApiPages
    from generator.snapshot import open_snapshot
    from generator.validate import validate_snapshot

    snapshot = open_snapshot(corpus_content / "snapshot")
    index = validate_snapshot(snapshot)
    settings = BuildSettings(content_dir=corpus_content, dist_dir=tmp_path / "dist", base_url="https://x.test/sub")
    checked = 0
    with RecordSource(index) as records:
        shortcut = ApiPages.for_build(index, settings, snapshot.as_of, tmp_path / "a")
        full = ApiPages.for_build(index, settings, snapshot.as_of, tmp_path / "b")
        for version, vindex in index.versions.items():
            for mode, findex in vindex.files.items():
                for event_id, span in list(findex.spans.items())[:5]:
                    query = normalise(version, "all", event_id, [("mode", mode)] if mode else [])
                    answer = Answer(query, (event_id,), (span.digest,), lambda i, v=version, m=mode: records.get(v, m, i))
                    full._detail_shells[(version, mode)] = None  # render every page in full
                    page = shortcut.render(answer, "x")
                    assert page == full.render(answer, "x")
                    assert f"event {event_id}".encode() in page
                    checked += 1
        assert all(parts is not None for parts in shortcut._detail_shells.values())
    assert checked >= 20


def test_a_list_page_from_its_lists_shell_equals_the_page_rendered_in_full(corpus_content: Path, tmp_path: Path):
    from markupsafe import Markup

    from generator.engine import select
    from generator.mirror import Answer, core_list_queries, paginate
    from generator.query import query_path
    from generator.settings import BuildSettings
    from generator.site.apipages import _JSON_SLOT, ApiPages
    from generator.snapshot import open_snapshot
    from generator.validate import validate_snapshot

    snapshot = open_snapshot(corpus_content / "snapshot")
    index = validate_snapshot(snapshot)
    # A base URL whose characters the template must escape in links and the request line.
    settings = BuildSettings(content_dir=corpus_content, dist_dir=tmp_path / "dist", base_url="https://x.test/a&b")
    pages = ApiPages.for_build(index, settings, snapshot.as_of, tmp_path / "store")
    url = lambda q: None if q is None else settings.url(query_path(q))  # noqa: E731
    checked = set()
    for vindex in index.versions.values():
        for first in core_list_queries(vindex):
            for page in paginate(first, select(vindex.facets.values(), first, snapshot.as_of)):
                answer = Answer(page.query, page.ids, [], lambda i: b"", page.count, url(page.next), url(page.previous))
                full = pages.renderer.render("api.html", "x", chrome=pages.chrome, page=pages.view(answer, Markup(_JSON_SLOT)))
                assert pages._list_shell(answer, "x") == full
                if page.query.offset and page.next:
                    assert b"&amp;b/" in full and f"offset-{page.query.offset}".encode() in full
                checked.add(tuple(link.href is not None for link in pages.view(answer, Markup("")).paging))
            assert all(parts is not None for parts in pages._list_shells.values())  # shells were used
    assert len(checked) >= 3  # first, middle and last pages (which paging links exist)


def indent_as_tabs(pretty: str) -> str:
    """Two-space indentation as tabs, level by level, deepest first (the reference)."""
    depth = 1
    while "\n" + "  " * depth in pretty:
        depth += 1
    for level in range(depth - 1, 0, -1):
        pretty = pretty.replace("\n" + "  " * level, "\n" + "\t" * level)
    return pretty


@given(JSON)
def test_indentation_becomes_one_tab_a_level(value):
    from generator.site.apipages import _tabs_utf8

    pretty = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    assert _tabs_utf8(pretty).decode() == indent_as_tabs(pretty.decode())


def test_a_store_that_stopped_storing_renders_misses_but_leaves_the_file_alone(tmp_path: Path):
    store = Fragments(lambda record: record * 3, tmp_path)
    kept = store.get(b"a", lambda: b"kept", lambda: b"\x01")
    store.stop_storing()  # a forked child: the parent appends to the store file
    size = (tmp_path / "fragments.0.bin").stat().st_size
    assert store.get(b"b", lambda: b"new", lambda: b"\x02") == at_list_depth(b"newnewnew")
    assert store.get(b"a", lambda: b"never read", lambda: b"\x01") == kept
    assert (tmp_path / "fragments.0.bin").stat().st_size == size
    store.save()
    store.close()
    index = orjson.loads((tmp_path / "fragments.json").read_bytes())
    assert list(index["fragments"]) == [b"\x01".hex()]
