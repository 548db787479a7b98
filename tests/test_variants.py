"""Precomputed list variants: every answer equals the reference engine's, within the budget."""

import hashlib
import json
from pathlib import Path

import orjson
import pytest

from generator.api.query import parse_request, query_path
from tests.answers import Reference
from tests.conftest import VARIANT_BASE_URL, tree_digest

VECTORS = json.loads((Path(__file__).parent / "data" / "query_vectors.json").read_text())["vectors"]


@pytest.fixture(scope="module")
def reference(variant_content: Path) -> Reference:
    return Reference.load(variant_content)


def test_the_query_table_maps_every_url_to_its_path_or_error() -> None:
    from generator.errors import QueryError

    assert len(VECTORS) >= 200
    for vector in VECTORS:
        if "error" in vector:
            with pytest.raises(QueryError) as caught:
                parse_request(vector["url"])
            assert str(caught.value) == vector["error"]
        else:
            assert query_path(parse_request(vector["url"])) == vector["path"], vector["url"]


def test_every_precomputed_answer_in_the_table_equals_the_engine(
    variant_site: Path, reference: Reference
) -> None:
    checked = 0
    for vector in VECTORS:
        if "path" not in vector or not (variant_site / vector["path"]).is_file():
            continue
        query = parse_request(vector["url"])
        if query.is_detail:
            continue
        body = (variant_site / vector["path"]).read_bytes()
        assert body == reference.envelope(query, VARIANT_BASE_URL), vector["url"]
        checked += 1
    assert checked >= 200, f"only {checked} of the table's queries were precomputed"


def test_every_page_of_a_family_variant_equals_the_engine(variant_site: Path, reference: Reference) -> None:
    for url in (
        "/2.3.0/events/?type__ids=1&mode=detailed&ordering=-last_updated&offset=10",
        "/2.3.0/events/?agency__ids=44&limit=100&mode=list",
        "/2.3.0/events/?year=2021&month=3&ordering=last_updated",
        "/2.3.0/events/previous/?ordering=last_updated&mode=list&offset=20",
        "/2.2.0/event/?program=17&ordering=-date",
        "/2.3.0/events/?search=CREW&limit=10",
    ):
        query = parse_request(url)
        body = (variant_site / query_path(query)).read_bytes()
        assert body == reference.envelope(query, VARIANT_BASE_URL), url


def test_the_manifest_lists_every_file_with_its_size_and_sha256(variant_site: Path) -> None:
    manifest = orjson.loads((variant_site / "manifest.json").read_bytes())
    entries = {e["path"]: e for e in manifest["entries"]}
    # Every API answer (the site's search index is not one).
    answers = [p for p in tree_digest(variant_site) if p.endswith("/index.json") and p[0].isdigit()]
    assert sorted(entries) == sorted(answers)
    for path, entry in entries.items():
        data = (variant_site / path).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert query_path(parse_request(entry["query"])) == path


def build_with_budget(build_runner, content: Path, dist: Path, *budget: str) -> tuple[int, str, str]:
    return build_runner("--content", str(content), "--dist", str(dist), *budget)


def dist_size(dist: Path) -> tuple[int, int]:
    files = [p for p in dist.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def test_a_tight_budget_drops_variants_and_reports_them_per_family(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    code, out, err = build_with_budget(
        build_runner, corpus_content, dist, "--max-bytes", "40M", "--max-files", "3000"
    )
    assert code == 0, err
    files, size = dist_size(dist)
    assert files <= 3000 and size <= 40_000_000
    rows = {
        line.split()[0] + " " + line.split()[1]: line.split()[2:]
        for line in out.splitlines()
        if line.startswith("  2.")
    }
    assert rows["2.3.0 type"][0] != "0"  # kept lists: the first families fit
    dropped = [int(r[3].replace(",", "")) for r in rows.values()]
    assert sum(dropped) > 0  # dropped lists are reported
    manifest = orjson.loads((dist / "manifest.json").read_bytes())
    assert all((dist / e["path"]).is_file() for e in manifest["entries"])


def test_every_lists_default_page_size_is_kept_before_any_limit_100_list(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    """LL2's default page size first: with room for every single-filter list at `limit` 10
    (every family, value, subset and mode) but not for those at `limit` 100, the build keeps
    the first whole and reports the second's share."""
    dist = tmp_path / "dist"
    code, out, err = build_with_budget(build_runner, corpus_content, dist, "--max-bytes", "40M")
    assert code == 0, err
    shares = {
        line.split(",")[0].split()[-1]: line.split(": ", 1)[1]
        for line in out.splitlines()
        if line.startswith("    of which limit ")
    }
    assert shares["10"].startswith("843 of 843 lists (100.0%;")
    kept_100 = int(shares["100"].split()[0])
    assert 0 < kept_100 < 843 and "(100.0%" not in shares["100"]
    # dist/ holds the last of the `limit` 10 lists (previous, another mode) and not the
    # `limit` 100 ones of the same filter.
    previous = dist / "2.3.0/events/previous/mode-detailed/type__ids-1/index.json"
    assert orjson.loads(previous.read_bytes())["results"]
    assert not (dist / "2.3.0/events/previous/limit-100/mode-detailed/type__ids-1").exists()


def test_a_budget_the_core_site_cannot_fit_fails_and_leaves_dist_alone(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_with_budget(build_runner, corpus_content, dist, "--max-bytes", "40M")[0] == 0
    before = tree_digest(dist)
    code, out, err = build_with_budget(build_runner, corpus_content, dist, "--max-files", "100")
    assert code == 1 and out == ""
    assert err.startswith("Error: the core site (every event, the core lists, the dumps, the site) needs ")
    assert (
        "over the budget of 100 files and 1,000,000,000 bytes; choose another --host, raise "
        "--max-files/--max-bytes" in err
    )
    assert tree_digest(dist) == before


def _report(out: str) -> dict[str, list[int]]:
    """The build's per-family rows of the planner's report: kept lists, files, bytes, dropped ..."""
    return {
        " ".join(line.split()[:2]): [int(n.replace(",", "")) for n in line.split()[2:]]
        for line in out.splitlines()
        if line.startswith("  2.")
    }


@pytest.mark.parametrize(
    "options,files,size,budget_line",
    [
        ((), None, 1_000_000_000, "variants (budget no file limit, 1,000,000,000 bytes):"),
        (
            ("--host", "cloudflare-pages", "--max-files", "1500"),
            1500,
            None,
            "variants (budget 1,500 files, no byte limit):",
        ),
        (("--max-bytes", "25M"), None, 25_000_000, "variants (budget no file limit, 25,000,000 bytes):"),
    ],
)
def test_a_hosts_budget_is_never_exceeded_and_the_report_counts_what_dist_holds(
    corpus_content: Path,
    tmp_path: Path,
    build_runner,
    options: tuple[str, ...],
    files: int | None,
    size: int | None,
    budget_line: str,
) -> None:
    dist = tmp_path / "dist"
    code, out, err = build_with_budget(build_runner, corpus_content, dist, *options)
    assert code == 0, err
    assert budget_line in out.splitlines()
    held_files, held_bytes = dist_size(dist)
    assert files is None or held_files <= files
    assert size is None or held_bytes <= size
    # The report's kept lists and files are the variant lists and pages dist/ holds.
    rows = _report(out)
    manifest = orjson.loads((dist / "manifest.json").read_bytes())["entries"]
    core = {
        e["path"]
        for e in manifest
        if parse_request(e["query"]).is_detail
        or not parse_request(e["query"]).filters
        and parse_request(e["query"]).get("ordering") is None
    }
    variants = [e for e in manifest if e["path"] not in core]
    first_pages = {query_path(parse_request(e["query"]).with_offset(0)) for e in variants}
    answers = [p.relative_to(dist).as_posix() for p in dist.glob("2.*/**/index.json")]
    assert sum(r[1] for r in rows.values()) == len(variants) == len([a for a in answers if a not in core])
    assert sum(r[0] for r in rows.values()) == len(first_pages)
    assert all((dist / e["path"]).is_file() for e in variants)
    dropped = sum(r[3] for r in rows.values())
    assert (dropped > 0) == (options != ())  # the default budget keeps every variant of this corpus


def test_a_file_over_the_hosts_limit_fails_the_build_naming_it() -> None:
    from generator.errors import BudgetError
    from generator.output.budget import DistBudget
    from generator.settings import Limits

    budget = DistBudget(Limits(max_file_bytes=25 * 1024 * 1024))
    budget.check_file("dumps/2.2.0/event.json", 25 * 1024 * 1024)
    with pytest.raises(
        BudgetError,
        match=r"^dumps/2.2.0/event.json is 26,214,401 bytes, over the host's limit of 26,214,400 bytes a "
        r"file$",
    ):
        budget.check_file("dumps/2.2.0/event.json", 25 * 1024 * 1024 + 1)


def test_a_bad_budget_value_is_refused_by_name(build_runner, capsys) -> None:
    with pytest.raises(SystemExit):
        build_runner("--max-bytes", "lots")
    assert "'lots' is not a size such as 900000000, 900M or 1G" in capsys.readouterr().err
