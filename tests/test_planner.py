"""The planner's shortcuts give what the slow way gives: selections equal the reference engine,
and a list's cost, computed before writing, is exactly what writing it spends."""

import io
from pathlib import Path

import pytest

from generator.api.engine import select
from generator.api.query import normalise
from generator.context import BuildContext
from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.mirror.answers import list_cost, list_pages, write_list
from generator.mirror.manifest import ManifestWriter
from generator.output.budget import GROUPS
from generator.output.staging import StagedOutput
from generator.output.tally import Tally
from generator.settings import BuildSettings
from generator.variants.planner import Selections, plan
from generator.variants.precompute import candidates
from generator.variants.reuse import CostReuse, load_basis, pack, save_basis
from tests.conftest import copy_content, edit_event


@pytest.fixture(scope="module")
def index(variant_content: Path):
    return validate_snapshot(open_snapshot(variant_content / "snapshot"))


def test_selections_equal_the_engine_for_every_planned_variant(index) -> None:
    checked = 0
    for version, vindex in index.versions.items():
        now = max(f.date for f in vindex.facets.values() if f.date)  # some upcoming, most previous
        selections = Selections(vindex, now)
        for variant in plan([vindex]):
            assert selections.ids(variant.first) == select(vindex.facets.values(), variant.first, now), (
                variant
            )
            checked += 1
        for subset in ("upcoming", "previous"):
            for flag in ([], [("hide_recent_previous", "true")]):
                query = normalise(version, subset, None, [("search", "a"), *flag])
                assert selections.ids(query) == select(vindex.facets.values(), query, now)
    assert checked > 500


@pytest.mark.parametrize("limit", [1, 3, 7, 10, 100])
@pytest.mark.parametrize("base_url", ["", 'https://mirror.test/a"b\\c'])
def test_a_lists_cost_is_what_writing_it_spends(index, tmp_path: Path, limit: int, base_url: str) -> None:
    settings = BuildSettings(dist_dir=tmp_path / "dist", base_url=base_url)
    vindex = index.versions["2.3.0"]
    now = max(f.date for f in vindex.facets.values() if f.date)
    for params in (
        [],
        [("mode", "detailed")],
        [("type__ids", "1"), ("ordering", "-last_updated")],
        [("search", "nothing matches")],
    ):
        first = normalise("2.3.0", "all", None, [("limit", str(limit)), *params])
        assert limit != 10 or params or first.params == (), first  # LL2's default: no query string
        ids = select(vindex.facets.values(), first, now)
        handle = io.BytesIO()
        with StagedOutput(tmp_path / f"dist-{limit}-{len(params)}") as out, RecordSource(index) as records:
            manifest = ManifestWriter(handle, now)
            manifest.add(first, 0, "0" * 64)  # in a build, variants follow the core's entries
            before = manifest.bytes
            write_list(
                BuildContext(settings, now, index, records, out), first, ids, Tally(), manifest=manifest
            )
            spent = (out.files_written, out.site_bytes + manifest.bytes - before)
        assert list_cost(first, ids, vindex, settings) == spent, (first, len(ids))


def test_the_plan_offers_every_default_page_size_list_before_any_limit_100(index) -> None:
    single = [v for v in plan(list(index.versions.values())) if v.group == GROUPS[0]]
    order = [v.first.limit for v in single]
    assert 10 in order and 100 in order
    assert max(n for n, limit in enumerate(order) if limit == 10) < order.index(100)


def test_a_rebuild_costs_a_list_with_the_same_events_from_its_changed_pages_exactly(
    index, variant_content: Path, tmp_path: Path
) -> None:
    """reuse.CostReuse costs a list that still selects the same events in the same order from
    the previous build's cost and the changed records' lengths on their pages (each page's
    size, and its digits in the manifest): what list_cost gives over the new snapshot."""
    content = copy_content(variant_content, tmp_path)
    settings = BuildSettings(dist_dir=tmp_path / "dist")
    now = max(f.date for vindex in index.versions.values() for f in vindex.facets.values() if f.date)
    previous = []
    for variant in candidates(index, settings):
        first = variant.first
        ids = select(index.versions[first.version].facets.values(), first, now)
        size, sizes = list_pages(first, ids, index.versions[first.version], settings)
        previous.append(
            (f"{first.version} {variant.family}", (), first, len(sizes), size, pack(ids), pack(sizes))
        )
    basis = CostReuse(None, index, settings, now).basis("inputs", previous, {})
    grown = sorted(index.versions["2.3.0"].facets)[5::15]
    # 9,000 bytes more: a page's size gains a digit in the manifest
    for event_id, extra in zip(grown, (9, 900, 9000), strict=False):
        edit_event(content, event_id, lambda record, n=extra: record.update(name=record["name"] + "x" * n))
    changed = validate_snapshot(open_snapshot(content / "snapshot"))
    reuse = CostReuse(basis, changed, settings, now)
    # As a rebuild reads it, the basis has the same candidates: each taken by its number.
    save_basis(tmp_path, basis)
    by_number = CostReuse(load_basis(tmp_path, "inputs"), changed, settings, now)
    assert by_number.costed is not None
    by_pages = 0
    for n, ((_, _, first, *before), variant) in enumerate(
        zip(previous, candidates(changed, settings), strict=True)
    ):
        found = reuse.cost(variant)
        assert by_number.again(n) == (None if found is None else (*previous[n][:3], *found))
        if found is None:
            continue
        ids = select(changed.versions[first.version].facets.values(), first, now)
        size, sizes = list_pages(first, ids, changed.versions[first.version], settings)
        assert found == (len(sizes), size, pack(ids), pack(sizes))
        by_pages += found != tuple(before)
    assert by_pages > 50 and reuse.reused > by_pages
