"""Shared fixtures: the real seed snapshot, small generated corpora, and a build runner."""

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ (the corpus generator) is importable in tests

from bench.corpus import write_corpus  # noqa: E402
from bench.derive import derive_mode  # noqa: E402
from generator.api.times import parse_utc  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.settings import BuildSettings  # noqa: E402
from tests.browser import Browser, chromium_binary  # noqa: E402
from tests.fake_ll2 import FakeLL2, start  # noqa: E402

#: CI (LL2_NO_SKIPS=1) counts a skipped test as failed: tests/noskip.py; the `slow` mark of
#: the fast loop (`pytest -m "not slow"`): tests/slow.py; temporary folders in RAM when it has
#: room: tests/ramtemp.py.
pytest_plugins = ["tests.noskip", "tests.slow", "tests.ramtemp"]

SEEDS = ROOT.parent / "shared" / "seeds"
SEED_1185 = ROOT / "tests" / "data" / "event-1185.2.2.0.json"
SEED_1304 = ROOT / "tests" / "data" / "event-1304.2.3.0.detailed.json"
#: The seed snapshot as first committed (events 1185 and 1304), frozen for the tests: the
#: scheduled workflow replaces content/snapshot/ with LL2's current events.
SEED_SNAPSHOT = ROOT / "tests" / "data" / "seed-snapshot"


def copy_seed_content(target: Path) -> Path:
    """The repository's content/ (pages, API descriptions) at `target`, with the seed snapshot."""
    shutil.copytree(
        ROOT / "content",
        target,
        ignore=lambda folder, names: ["snapshot"] if Path(folder) == ROOT / "content" else [],
    )
    shutil.copytree(SEED_SNAPSHOT, target / "snapshot")
    return target


@pytest.fixture
def seed_content(tmp_path: Path) -> Path:
    """A copy of the repository's content/ folder with the real seed snapshot."""
    return copy_seed_content(tmp_path / "content")


@pytest.fixture(scope="session")
def corpus_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 57-event content folder (odd size, so the last page is partial)."""
    root = tmp_path_factory.mktemp("corpus") / "content"
    write_corpus(root / "snapshot", 57, seed=3)
    return root


def copy_content(content: Path, tmp_path: Path) -> Path:
    """A writable copy of a content folder."""
    target = tmp_path / "content-copy"
    shutil.copytree(content, target)
    return target


def run_build(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in-process; return exit code, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by relative path (empty when root is absent)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@contextmanager
def serving(dist: Path, content: Path, port: int = 0) -> Iterator[str]:
    """`build.py serve` over `dist` on `port` (0: a free one) while the block runs; yields the
    URL it printed. It must start, and print no traceback while it serves."""
    command = [sys.executable, "build.py", "serve", "--dist", str(dist), "--content", str(content)]
    process = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("serving "), line + (process.stderr.read() if process.stderr else "")
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)  # also closes the pipes
    assert "Traceback" not in errors, errors


@pytest.fixture
def build_runner(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    return lambda *args: run_build(capsys, *args)


@pytest.fixture(scope="session")
def dumps_dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, dist) of a generated 200-event corpus built once: enough for every filter to match.
    Its tests read the dumps and the files beside them, not the list variants: a budget of 200 MB
    keeps a few of those instead of 0.9 GB of them (the tests' disk, README "Tests")."""
    root = tmp_path_factory.mktemp("dumps")
    write_corpus(root / "content" / "snapshot", 200, seed=11)
    assert (
        main(["--content", str(root / "content"), "--dist", str(root / "dist"), "--max-bytes", "200M"]) == 0
    )
    return root / "content", root / "dist"


# --- fetching from a fake LL2 on loopback (tests/test_fetch.py) ---------------------------


class FakeClock:
    """Injected time: `sleep` only moves the clock forward and remembers the wait."""

    def __init__(self, start: str = "2028-01-01T00:00:00Z") -> None:
        self.time = parse_utc(start)
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.time += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def fetch_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 150-event snapshot (2 pages of 100 per version/mode) for the fake LL2."""
    root = tmp_path_factory.mktemp("fetch-corpus") / "snapshot"
    write_corpus(root, 150, seed=11)
    return root


@pytest.fixture
def fake_ll2(fetch_corpus: Path, request: pytest.FixtureRequest) -> Iterator[FakeLL2]:
    """A fake LL2 server on 127.0.0.1 serving the fetch corpus; faults set per test. Its
    clock (the Date header) is the test's `fake_clock` if the test has one, else the real one."""
    fake = FakeLL2(fetch_corpus)
    if "fake_clock" in request.fixturenames:
        fake.clock = request.getfixturevalue("fake_clock")
    stop = start(fake)
    yield fake
    stop()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


VARIANT_BASE_URL = "https://mirror.test"
#: Lists the planner has no family for, precomputed on request (the issue's nginx example).
VARIANT_REQUESTS = (
    "/2.3.0/events/?type__ids=2,8&mode=list",
    "/2.3.0/events/?search=crew",
    # Hostile text must stay data in every emitted file (paths, nginx maps, _redirects).
    "/2.3.0/events/?search=<script>alert(1)</script> $host default ~x {;} \\",
)


def _with_ties_and_nulls(line: bytes, position: int, previous: dict[str, object]) -> bytes:
    """A record whose date/last_updated repeat its predecessor's or are null, now and then."""
    import orjson

    record = orjson.loads(line)
    if position % 6 == 5:
        record["date"] = previous["date"]  # ties: the order falls back to id
    if position % 9 == 4 and "last_updated" in record:
        record["last_updated"] = previous["last_updated"]
    if position % 11 == 7:
        record["date"] = None  # PostgreSQL's null order
    return orjson.dumps(record)


@pytest.fixture(scope="session")
def variant_content(corpus_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 57-event corpus with tied and null dates, so that ordering rules are exercised."""
    import orjson

    target = tmp_path_factory.mktemp("variant-content") / "content"
    shutil.copytree(corpus_content, target)
    for path in sorted((target / "snapshot").rglob("*.ndjson")):
        lines = path.read_bytes().splitlines()
        out, previous = [], {}
        for position, line in enumerate(lines):
            changed = _with_ties_and_nulls(line, position, previous)
            previous = orjson.loads(changed)
            out.append(changed)
        path.write_bytes(b"".join(line + b"\n" for line in out))
    return target


@pytest.fixture(scope="session")
def variant_site(variant_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """That corpus built once with every planned variant (it fits the default budget)."""
    from generator.pipeline import build
    from generator.settings import BuildSettings

    dist = tmp_path_factory.mktemp("variant-site") / "dist"
    build(
        BuildSettings(
            content_dir=variant_content, dist_dir=dist, base_url=VARIANT_BASE_URL, precompute=VARIANT_REQUESTS
        )
    )
    return dist


# -- the HTML site: built sites, a browser, artifacts ---------------------------------------

ARTIFACTS = ROOT / "test-artifacts"


def site_content(root: Path, events: int, seed: int) -> Path:
    """A generated content folder with the repository's Markdown pages and API descriptions."""
    write_corpus(root / "snapshot", events, seed=seed)
    for folder in ("pages", "api"):
        shutil.copytree(ROOT / "content" / folder, root / folder)
    return root


def build_site(content: Path, dist: Path, **options: object) -> Path:
    """Build `content` into `dist` in-process (no CLI output to capture)."""
    build(BuildSettings(content_dir=content, dist_dir=dist, **options))  # type: ignore[arg-type]
    return dist


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the real seed snapshot (events 1185 and 1304), served from the host's root."""
    root = tmp_path_factory.mktemp("seed-site")
    return build_site(copy_seed_content(root / "content"), root / "dist")


@pytest.fixture(scope="session")
def corpus_site_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 40-event content folder with pages: breadth for the site's pages and feeds."""
    return site_content(tmp_path_factory.mktemp("site-corpus") / "content", 40, seed=11)


@pytest.fixture(scope="session")
def corpus_site(corpus_site_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(corpus_site_content, tmp_path_factory.mktemp("corpus-site") / "dist")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for the session (Debian's `chromium`, installed by .ci/run)."""
    binary = chromium_binary()
    if binary is None:
        pytest.fail("Chromium is not installed: apt-get install -y chromium (.ci/run does this)")
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    # One log a pytest-xdist worker (each has its own Chromium); chromium.log without xdist.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    chromium = Browser(binary, profile, ARTIFACTS / f"chromium{'-' + worker if worker else ''}.log")
    yield chromium
    chromium.close()


def edit_line(path: Path, event_id: int, edit: Callable[[dict], None]) -> None:
    """Change one event's record in one snapshot file (no other mode follows)."""
    lines = path.read_bytes().splitlines()
    for number, line in enumerate(lines):
        record = orjson.loads(line)
        if record["id"] == event_id:
            edit(record)
            lines[number] = orjson.dumps(record)
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def edit_event(content: Path, event_id: int, edit: Callable[[dict], None]) -> None:
    """Change one event wherever the snapshot has it; 2.3.0 list/normal re-derived by the spec."""
    snapshot = content / "snapshot"
    for path in (snapshot / "2.2.0" / "event.ndjson", snapshot / "2.3.0" / "events.detailed.ndjson"):
        edit_line(path, event_id, edit)
    detailed = (snapshot / "2.3.0" / "events.detailed.ndjson").read_bytes().splitlines()
    for mode in ("list", "normal"):
        derived = [derive_mode(line, mode) for line in detailed if line.strip()]
        target = snapshot / "2.3.0" / f"events.{mode}.ndjson"
        target.write_bytes(b"".join(line + b"\n" for line in derived))


# -- disk: a session (or module) fixture's folder is deleted after the last test using it ------
# pytest keeps session fixtures' folders until the run ends, and a built site is 0.3-0.9 GB; with
# tmp_path_retention_policy = "failed" (pyproject.toml) for each test's own tmp_path, this keeps
# a whole run's peak under 2 GB (README, "Tests"; measured with `python -m bench.testdisk`).

#: Session fixtures holding a built site (0.2-0.5 GB each): the modules that use them run after
#: the others (each module's tests in their order), so that the tests that build sites of their
#: own (test_incremental, test_forked, ...) never run while these are on disk.
SITE_FIXTURES = frozenset({"dumps_dist", "corpus_site", "variant_site"})

_last_user: dict[str, str] = {}  # session fixture name -> node id of the last test using it
_held: dict[str, list[Path]] = {}  # session fixture name -> the basetemp folders its value is in


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Modules without a built session site first, then the others; each in its own order."""
    late = {item.module for item in items if SITE_FIXTURES & set(getattr(item, "fixturenames", ()))}  # type: ignore[attr-defined]
    items.sort(key=lambda item: getattr(item, "module", None) in late)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the last test (of those selected, in run order) that uses each wider fixture."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A pytest-xdist worker runs the tests it is sent, in an order not known here: its
        # folders stay until the run ends (README "Tests": the fast loop's are small).
        return
    for item in session.items:
        for name in getattr(item, "fixturenames", ()):
            defs = item._fixtureinfo.name2fixturedefs.get(name)  # type: ignore[attr-defined]
            if defs and defs[-1].scope in ("session", "module"):
                _last_user[name] = item.nodeid


def _folders(value: object, basetemp: Path) -> list[Path]:
    """The folders right under basetemp that hold the path(s) in a fixture's value."""
    paths = value if isinstance(value, tuple) else (value,)
    found = []
    for path in paths:
        if isinstance(path, Path) and path.is_relative_to(basetemp) and path != basetemp:
            found.append(basetemp / path.relative_to(basetemp).parts[0])
    return found


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield
    basetemp = item.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    for name, value in getattr(item, "funcargs", {}).items():
        if name in _last_user:
            folders = _folders(value, basetemp)
            # A parametrized fixture's next value: the previous one is done with (pytest runs
            # a module's tests grouped by parameter), and only the last value's last test
            # would otherwise delete anything.
            for folder in set(_held.get(name, ())) - set(folders):
                shutil.rmtree(folder, ignore_errors=True)
            _held[name] = folders


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    for name in [n for n, last in _last_user.items() if last == item.nodeid]:
        for folder in _held.pop(name, ()):
            shutil.rmtree(folder, ignore_errors=True)


# -- git repositories of snapshots (changes.json, the schedule history's backfill) -----------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds an 8-event snapshot."""
    for key, value in {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "repo"
    write_corpus(root / "content" / "snapshot", 8, seed=5)
    git(root.parent, "init", "-q", "-b", "main", str(root))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "First snapshot")
    return root


# -- the site LL2's OpenAPI tests run against (tests/test_spec.py, tests/test_openapi_client.py) --


class ServedSite:
    """A built dist/ and `build.py serve` answering over it at `base` (its --base-url)."""

    def __init__(self, dist: Path, content: Path, base: str) -> None:
        self.dist, self.content, self.base = dist, content, base


@pytest.fixture(scope="session")
def served_site(corpus_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The 57-event corpus built with --edge for http://127.0.0.1:PORT and served there by
    `build.py serve`; a small budget, so that some lists are files and serve computes the rest."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    dist = tmp_path_factory.mktemp("served-site") / "dist"
    build(
        BuildSettings(
            content_dir=corpus_content, dist_dir=dist, base_url=base, edge=True, max_bytes=20_000_000
        )
    )
    with serving(dist, corpus_content, port):
        yield ServedSite(dist, corpus_content, base)
