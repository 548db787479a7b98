"""`build.py fetch` against a hostile or failing upstream and hostile options (issue 24, items 9,
10, 12, 13, 14, 18), each from the command line's side: exit code, the line printed, content/
hashed before and after, and the secrets looked for in everything printed and written.

In-process (generator.cli.main) with the fake LL2 on loopback; the clock is the tests' FakeClock
(backoffs and Retry-After waits pass at once) and a whole response's deadline is short.
"""

import base64
import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

import generator.fetch.cli as fetch_cli
from generator.cli import main
from tests.conftest import FakeClock, tree_digest
from tests.fake_ll2 import FakeLL2

TOKEN = "tok-7c41e9d2b8a05f36"
USER, PASSWORD = "alice-4d2e", "pw-9f3b61c0"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_fetch_cli(
    seed_content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Run]:
    """`build.py fetch --content <seed copy> --summary-json <tmp> ARGS`, token from `token=`,
    settings the command line has no option for from keywords (a deadline of 0.5 s unless
    given); returns (exit code, stdout, stderr), argparse's exit 2 included."""
    monkeypatch.setattr("generator.fetch.clock.SystemClock", FakeClock)
    real = fetch_cli.settings_from

    def run(*args: str, token: str | None = None, **settings: float) -> tuple[int, str, str]:
        overrides = {"deadline": 0.5, **settings}
        monkeypatch.setattr(fetch_cli, "settings_from", lambda a, env: replace(real(a, env), **overrides))
        if token is None:
            monkeypatch.delenv("LL2_API_TOKEN", raising=False)
        else:
            monkeypatch.setenv("LL2_API_TOKEN", token)
        capsys.readouterr()
        argv = ["fetch", "--content", str(seed_content), "--summary-json", str(tmp_path / "summary.json")]
        try:
            code = main([*argv, *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    yield run


def written(content: Path, tmp_path: Path) -> bytes:
    """Every byte the run wrote: content/ (snapshot, progress) and the summary JSON."""
    files = [p for p in sorted(content.rglob("*")) if p.is_file()]
    files += [tmp_path / "summary.json"] if (tmp_path / "summary.json").exists() else []
    return b"\n".join(p.read_bytes() for p in files)


def assert_no_secret(text: bytes, *secrets: str) -> None:
    for secret in secrets:
        assert secret.encode() not in text, secret


def one_error(err: str) -> str:
    """The one `Error:` line a failed run prints (and nothing else)."""
    assert "Traceback" not in err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    return err.removeprefix("Error: ").rstrip("\n")


# -- 9. a run that got no good page goes red -----------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "requests", "problem"),
    [
        ("trickle", "1", "no whole response within 0.5s (the server sends too slowly)"),
        ("500", "3", "HTTP 500"),
        ("timeout", "2", "timed out"),
        ("429", "4", "rate limited (429)"),
    ],
)
def test_a_run_whose_every_request_failed_exits_1_saying_why(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, fault: str, requests: str, problem: str
) -> None:
    fake_ll2.always = fault
    fake_ll2.retry_after = "5"  # short enough to wait out: the budget ends the run
    fake_ll2.trickle_every = 0.05
    before = tree_digest(seed_content)
    started = time.monotonic()
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, "--max-requests", requests, timeout=0.3)

    assert (code, out) == (1, "")
    page = f"GET {fake_ll2.url}/2.2.0/event/?limit=100&ordering=-last_updated"
    assert one_error(err) == (
        f"no good page from LL2 in {requests} request(s): {page}: {problem}; then request budget "
        f"of this run spent ({requests}); the snapshot was left as it was"
    )
    assert tree_digest(seed_content) == before
    assert time.monotonic() - started < 8


def test_a_429_that_asks_for_more_than_the_run_waits_on_its_first_request_exits_1(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path
) -> None:
    fake_ll2.script = {1: "429"}
    fake_ll2.retry_after = "3600"
    before = tree_digest(seed_content)
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url)
    assert (code, out) == (1, "")
    assert one_error(err) == (
        f"no good page from LL2 in 1 request(s): GET {fake_ll2.url}/2.2.0/event/?limit=100&"
        "ordering=-last_updated: rate limited by LL2 (429), Retry-After 3600s is longer than this "
        "run waits (120s); the snapshot was left as it was"
    )
    assert tree_digest(seed_content) == before


def test_a_run_that_got_a_good_page_stops_quietly_on_its_budget_to_resume(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path
) -> None:
    fake_ll2.script = {2: "500", 3: "500"}
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, "--max-requests", "3")
    assert (code, err) == (0, "")
    assert out.startswith(f"fetch stopped (full) from {fake_ll2.url}: request budget of this run spent (3)")
    assert "resumes next run" in out
    assert len(list((seed_content / "snapshot/progress").glob("*.part"))) == 1


# -- 10. a response's size is capped ----------------------------------------------------------


@pytest.mark.parametrize("fault", ["huge", "endless"])
def test_a_body_larger_than_any_ll2_page_is_refused_in_one_line(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, fault: str
) -> None:
    fake_ll2.always = fault
    before = tree_digest(seed_content)
    started = time.monotonic()
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url)
    assert (code, out) == (1, "")
    assert one_error(err) == (
        f"GET {fake_ll2.url}/2.2.0/event/?limit=100&ordering=-last_updated: the response is larger "
        "than 33,554,432 bytes, far more than any LL2 page; stopped reading it"
    )
    assert len(fake_ll2.requests) == 1  # not retried
    assert tree_digest(seed_content) == before
    assert time.monotonic() - started < 5


def test_a_gzip_bomb_is_capped_by_its_decoded_size(run_fetch_cli: Run, fake_ll2: FakeLL2) -> None:
    bomb = gzip.compress(bytes(40 * 2**20), compresslevel=1)  # 40 MiB of zeros in about 180 KB
    fake_ll2.answer = lambda number, path, body, auth: (200, {"Content-Encoding": "gzip"}, bomb)
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url)
    assert (code, out) == (1, "")
    assert one_error(err).endswith(
        "the response is larger than 33,554,432 bytes, far more than any LL2 page; stopped reading it"
    )


# -- 12, 13, 14. secrets ------------------------------------------------------------------------


def test_a_401_that_echoes_the_token_is_printed_without_it(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, tmp_path: Path
) -> None:
    fake_ll2.always = "echo401"
    before = tree_digest(seed_content)
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, token=TOKEN)
    assert (code, out) == (1, "")
    assert one_error(err).endswith('HTTP 401 (is LL2_API_TOKEN right?): {"detail":"Invalid token: [secret]"}')
    assert fake_ll2.auth == [f"Token {TOKEN}"]
    assert_no_secret((out + err).encode() + written(seed_content, tmp_path), TOKEN)
    assert tree_digest(seed_content) == before


def test_a_page_that_echoes_the_token_is_refused_not_saved(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, tmp_path: Path
) -> None:
    def echo(number: int, path: str, body: bytes | None, auth: str | None):
        if number == 2 and body is not None:  # the key inside a record of the second page
            return 200, {}, body.replace(b'"name":"', f'"name":"{auth} '.encode(), 1)
        return None

    fake_ll2.answer = echo
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, token=TOKEN)
    assert (code, out) == (1, "")
    assert one_error(err).endswith(
        "the response holds the API key or the URL's credentials; refused, nothing of it is kept"
    )
    assert_no_secret((out + err).encode() + written(seed_content, tmp_path), TOKEN)


@pytest.mark.parametrize("padded", [f"{TOKEN}\n", f"  {TOKEN} \t", f"\r\n{TOKEN}\r\n"])
def test_a_token_with_surrounding_blanks_is_stripped(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, tmp_path: Path, padded: str
) -> None:
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, "--max-requests", "2", token=padded)
    assert (code, err) == (0, "")
    assert set(fake_ll2.auth) == {f"Token {TOKEN}"}
    assert_no_secret((out + err).encode() + written(seed_content, tmp_path), TOKEN)


@pytest.mark.parametrize("bad", ["tök-7c41e9d2", "tok 7c41 e9d2", "tok-7c41\x01e9d2", "tok-7c41\u2028e9d2"])
def test_a_token_no_header_can_carry_is_one_error_line_naming_the_variable(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, bad: str
) -> None:
    before = tree_digest(seed_content)
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url, token=bad)
    assert (code, out) == (2, "")
    assert one_error(err).startswith("$LL2_API_TOKEN holds a space, a control or a non-ASCII character")
    assert "7c41" not in err
    assert fake_ll2.requests == []
    assert tree_digest(seed_content) == before


def test_credentials_in_the_api_url_are_sent_but_never_shown_or_saved(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, tmp_path: Path
) -> None:
    host = fake_ll2.url.removeprefix("http://")
    code, out, err = run_fetch_cli(
        "--api-url", f"http://{USER}:{PASSWORD}@{host}/", "--max-requests", "50", "--per-hour", "50"
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"fetch complete (full) from {fake_ll2.url}: 300 added")
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert set(fake_ll2.auth) == {f"Basic {basic}"}
    everything = out.encode() + written(seed_content, tmp_path)
    assert_no_secret(everything, USER, PASSWORD, basic)
    meta = orjson.loads((seed_content / "snapshot/snapshot.json").read_bytes())
    assert {f["base_url"] for f in meta["files"].values()} == {fake_ll2.url}
    assert f"| {fake_ll2.url} |" in (seed_content / "snapshot/PROVENANCE.md").read_text()


def test_credentials_in_a_401_echo_are_masked(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, tmp_path: Path
) -> None:
    fake_ll2.always = "echo401"
    host = fake_ll2.url.removeprefix("http://")
    code, out, err = run_fetch_cli("--api-url", f"http://{USER}:{PASSWORD}@{host}")
    assert code == 1 and one_error(err).endswith('{"detail":"Invalid token: [secret]"}')
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert_no_secret((out + err).encode() + written(seed_content, tmp_path), USER, PASSWORD, basic)


def test_a_token_and_url_credentials_together_are_refused(run_fetch_cli: Run, fake_ll2: FakeLL2) -> None:
    host = fake_ll2.url.removeprefix("http://")
    code, out, err = run_fetch_cli("--api-url", f"http://{USER}:{PASSWORD}@{host}", token=TOKEN)
    assert code == 2
    assert one_error(err).startswith("--api-url holds a user name or password and $LL2_API_TOKEN is set")
    assert_no_secret(err.encode(), USER, PASSWORD, TOKEN)
    assert fake_ll2.requests == []


# -- 18. options refused at once ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "--api-url is not a URL (Invalid IPv6 URL)"),
        (f"http://{USER}:{PASSWORD}@[::1", "--api-url is not a URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999", "--api-url is not a URL (Port out of range 0-65535)"),
        ("http://999.1.1.1", "--api-url is not a URL (Invalid IPv4 address: '999.1.1.1')"),
        ("file:///etc/passwd", "--api-url must be an http:// or https:// URL, not a 'file' URL"),
        ("ftp://ll.thespacedevs.com/", "--api-url must be an http:// or https:// URL, not a 'ftp' URL"),
        ("javascript:alert(1)", "--api-url must be an http:// or https:// URL, not a 'javascript' URL"),
        ("ll.thespacedevs.com", "--api-url must be an http:// or https:// URL, not no URL"),
        ("http://", "--api-url names no host that can be reached"),
        ("http://exa mple.com", "--api-url names no host that can be reached"),
        ("https://ll.thespacedevs.com/?x=1", "--api-url must not have a query or fragment"),
    ],
)
def test_an_api_url_that_is_not_an_http_url_of_a_host_is_refused_at_once(
    run_fetch_cli: Run, seed_content: Path, url: str, message: str
) -> None:
    before = tree_digest(seed_content)
    started = time.monotonic()
    code, out, err = run_fetch_cli("--api-url", url)
    assert (code, out) == (2, "")
    assert one_error(err).startswith(message + "; give the LL2 host, e.g. https://ll.thespacedevs.com")
    assert_no_secret(err.encode(), USER, PASSWORD)
    assert tree_digest(seed_content) == before
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("hours", ["nan", "inf", "-inf", "1e300", "-1", "9" * 400])
def test_a_reconcile_every_that_is_no_number_of_hours_is_refused(run_fetch_cli: Run, hours: str) -> None:
    code, out, err = run_fetch_cli(f"--reconcile-every={hours}")
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("build.py fetch: error: argument --reconcile-every: ")
    assert err.splitlines()[-1].endswith("is not a number of hours (0 to 1,000,000)")


@pytest.mark.parametrize(
    "link", ["000000000000000", "0\x1f", "http://[::1", "javascript:alert(1)", "?offset=100"]
)
def test_a_next_link_that_is_no_link_to_a_page_is_one_error_line(
    run_fetch_cli: Run, fake_ll2: FakeLL2, seed_content: Path, link: str
) -> None:
    """Found by the property test: such links made URLs httpx or the socket layer choke on."""

    def bad_next(number: int, path: str, body: bytes | None, auth: str | None):
        return (200, {}, orjson.dumps({**orjson.loads(body), "next": link})) if body else None

    fake_ll2.answer = bad_next
    before = tree_digest(seed_content)
    code, out, err = run_fetch_cli("--api-url", fake_ll2.url)
    assert (code, out) == (1, "")
    assert one_error(err) == f"LL2's next link {link!r} is not a link to a page of the API; the run stops"
    assert tree_digest(seed_content) == before


def test_the_workflows_commit_message_takes_only_counts_from_the_summary() -> None:
    """.github/scripts/commit_message.py writes the snapshot commit's subject from the fetch's
    --summary-json: a text there (a warning, say, that quotes an upstream answer) stays out."""
    from tests.test_property_fetch import commit_message

    summary = {"added": f"{TOKEN}", "changed": 2, "removed": [PASSWORD], "requests": 3, "complete": True}
    summary |= {"rescheduled": 1, "warning": f"clock skew; Token {TOKEN}"}
    assert (
        commit_message(summary)
        == "Snapshot: 0 added, 2 changed, 0 removed events, 1 rescheduled (3 requests)"
    )


def test_an_empty_user_and_password_in_the_api_url_are_no_credentials(
    run_fetch_cli: Run, fake_ll2: FakeLL2
) -> None:
    host = fake_ll2.url.removeprefix("http://")
    code, out, err = run_fetch_cli("--api-url", f"http://:@{host}", "--max-requests", "1", token=TOKEN)
    assert (code, err) == (0, "")
    assert out.startswith(f"fetch stopped (full) from {fake_ll2.url}: ")
    assert fake_ll2.auth == [f"Token {TOKEN}"]
