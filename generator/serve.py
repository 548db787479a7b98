"""`python build.py serve`: a local LL2 on localhost over dist/, for developing an app offline.

A thin HTTP shell over the responder (generator/responder/): every request goes to
`Responder.answer`, whose status, headers and body are sent as they are (HEAD: no body).
Standard library only.

"Now" (what upcoming and previous mean) is a choice of clock (`--now`): the time dist/ was
built for (its manifest's `now`: the snapshot's `as_of` unless built with `--now`), today's
clock at each request, or a fixed time. When it is not the build's, upcoming/previous lists
come from the engine, never from files computed for another time; each such answer says its
now in `X-LL2-Static-Now`.
"""

import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator.api.times import parse_utc
from generator.errors import SettingsError
from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.output.journal import applying
from generator.output.settle import settle
from generator.responder import Answer, Engine, Request, Responder
from generator.responder.core import base_path_of

#: Connections the kernel queues before accept(): http.server's 5 made 200 concurrent clients
#: wait out TCP's retransmission timer (1,000 requests from 200 threads: 30.9 s, not 1 s).
BACKLOG = 1024
#: `--now` choices besides a time: the build's now, or the machine's clock at each request.
BUILD, TODAY = "build", "today"
#: What LL2 (Django REST framework) answers when the server fails.
SERVER_ERROR = b'{"detail":"A server error occurred."}'


class Server(ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client gone mid-answer (or any failure past the answer): one line, no traceback."""
        error = sys.exc_info()[1]
        print(f"serve: {client_address}: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    """Every method goes to the responder; quiet unless a request fails."""

    responder: Responder

    def _send(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            answer = self.responder.answer(Request(self.command, self.path, headers))
            if applying(self.responder.dist):  # a build is landing: dist/ is two builds mixed
                answer = Answer(503, b"dist/ is being updated", "text/plain", {"Retry-After": "1"}, "busy")
        except Exception as exc:  # never no answer: LL2's shape for a server error, one line
            print(f"serve: {self.command} {self.path[:200]}: {type(exc).__name__}: {exc}", file=sys.stderr)
            answer = Answer(500, SERVER_ERROR, source="error")
        self.send_response(answer.status)
        for name, value in answer.all_headers().items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def __getattr__(self, name: str) -> object:
        """do_GET, do_POST, do_OPTIONS, ...: any method the client names."""
        if name.startswith("do_"):
            return self._send
        raise AttributeError(name)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        if len(args) > 1 and str(args[1]).startswith("5"):
            super().log_message(format, *args)


def serve(
    dist: Path, content: Path, host: str = "127.0.0.1", port: int = 8000, now: str | datetime = BUILD
) -> int:
    """Serve until interrupted; prints the URL and the "now" first (port 0: a free port)."""
    if not 0 <= port <= 65535:
        raise SettingsError(f"--port {port}: a port is a number from 0 to 65535 (0: any free port)")
    settle(dist)  # a build killed while landing is finished first; a live one stops us
    if not (dist / "index.html").is_file():
        raise SettingsError(f"{dist}/ has no built site: run `python build.py` first")
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    with RecordSource(index) as records:
        engine = Engine(index, records, built_now(dist) or index.snapshot.as_of, clock_of(now))
        responder = Responder(dist, base_path_of(dist), engine)
        handler = type("BoundHandler", (Handler,), {"responder": responder})
        with Server((host, port), handler) as server:
            url = f"http://{host}:{server.server_address[1]}/"
            print(
                f"serving {dist}/ as a local LL2 at {url} (try {url}2.3.0/events/upcoming/); "
                f"upcoming and previous as of {now_text(now, engine.now)}; Ctrl-C stops",
                flush=True,
            )
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                print("stopped", file=sys.stderr)
    return 0


def clock_of(choice: str | datetime) -> Callable[[], datetime] | None:
    """The engine's clock for a `--now` choice: None for the build's now."""
    if isinstance(choice, datetime):
        return lambda: choice
    if choice == TODAY:
        return lambda: datetime.now(UTC).replace(microsecond=0)
    return None


def now_text(choice: str | datetime, built: datetime) -> str:
    """Which "now" upcoming/previous are relative to, for the start line."""
    if choice == TODAY:
        return "today's clock, at each request"
    when = f"{choice if isinstance(choice, datetime) else built:%Y-%m-%dT%H:%M:%SZ}"
    if choice == BUILD:
        return f"{when}, the time dist/ was built for (--now today for today's clock)"
    return when


def built_now(dist: Path) -> datetime | None:
    """The build's now, from the head of dist/manifest.json ({"format":1,"now":"...",...})."""
    try:
        with (dist / "manifest.json").open("rb") as handle:
            head = handle.read(200).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'"now":"([^"]+)"', head)
    return parse_utc(found.group(1)) if found else None
