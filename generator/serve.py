"""`python build.py serve`: a local LL2 on localhost over dist/, for developing an app offline.

A thin HTTP shell over the responder (generator/responder/): every request goes to
`Responder.answer`, whose status, headers and body are sent as they are (HEAD: no body).
Standard library only.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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


def serve(dist: Path, content: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve until interrupted; prints the URL first (port 0: a free port)."""
    if not 0 <= port <= 65535:
        raise SettingsError(f"--port {port}: a port is a number from 0 to 65535 (0: any free port)")
    settle(dist)  # a build killed while landing is finished first; a live one stops us
    if not (dist / "index.html").is_file():
        raise SettingsError(f"{dist}/ has no built site: run `python build.py` first")
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    with RecordSource(index) as records:
        engine = Engine(index, records, index.snapshot.as_of)
        responder = Responder(dist, base_path_of(dist), engine)
        handler = type("BoundHandler", (Handler,), {"responder": responder})
        with Server((host, port), handler) as server:
            url = f"http://{host}:{server.server_address[1]}/"
            print(
                f"serving {dist}/ as a local LL2 at {url} (try {url}2.3.0/events/); Ctrl-C stops",
                flush=True,
            )
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                print("stopped", file=sys.stderr)
    return 0
