"""nginx (the Debian package) on a loopback port over a dist/, with one of the include files
the build emits, optionally in front of an upstream (the edge worker under workerd, or
`build.py serve`). `serve(...)` yields the base URL and stops the process it started."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
INSTALL = "apt-get install nginx (.ci/run)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise RuntimeError(f"nginx did not start: {log.read_text()}") from None
            time.sleep(0.05)


@contextmanager
def serve(dist: Path, workdir: Path, server_include: str, upstream: str | None = None) -> Iterator[str]:
    """nginx with dist/`server_include` in the server {} whose root is dist/. Files only
    (ll2-static-server.conf): dist/nginx/ll2-static-http.conf (its maps) in http {}; with
    `upstream` ("127.0.0.1:N", for ll2-static-upstream.conf): `upstream ll2s_upstream`."""
    if NGINX is None:
        raise RuntimeError(f"nginx is not installed: {INSTALL}")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tmp").mkdir(exist_ok=True)
    port = free_port()
    temp = "\n".join(
        f"    {k}_temp_path {workdir}/tmp;" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    declared = f"    upstream ll2s_upstream {{ server {upstream}; keepalive 8; }}" if upstream else ""
    (workdir / "nginx.conf").write_text(f"""
daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp}
{declared}
{"" if upstream else f"    include {dist}/nginx/ll2-static-http.conf;"}
    server {{
        listen 127.0.0.1:{port};
        root {dist};
        include {dist}/{server_include};
    }}
}}
""")
    log = workdir / "console.log"
    with log.open("wb") as console:
        process = subprocess.Popen(
            [NGINX, "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
            stdout=console,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
