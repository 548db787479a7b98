"""dist/_worker.js under workerd (Cloudflare's Workers runtime, from npm) on a loopback port.

`serve(dist)` starts `workerd serve` with the config the build writes (dist/edge/workerd.capnp:
dist/_worker.js as the worker, a read-only disk service over dist/ as its ASSETS binding, as
Cloudflare Pages' advanced mode runs it) on a free port, waits for the port, yields the base
URL and stops the process it started. workerd comes from
`npm install --prefix .ci/node workerd` (.ci/run); LL2_WORKERD names another binary.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.client.workerd import WORKERD_CONFIG_PATH

ROOT = Path(__file__).resolve().parent.parent
NPM_WORKERD = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "workerd"
INSTALL = "npm install --no-save --no-package-lock --prefix .ci/node workerd (see .ci/run)"


def workerd_binary() -> str | None:
    """The workerd to run: $LL2_WORKERD, .ci/node's, or one on PATH."""
    named = os.environ.get("LL2_WORKERD")
    if named:
        return named
    if NPM_WORKERD.exists():
        return str(NPM_WORKERD)
    return shutil.which("workerd")


def config_args(dist: Path, address: str) -> list[str]:
    """`workerd serve` arguments for the build's config over `dist`, listening on `address`."""
    config = dist / WORKERD_CONFIG_PATH
    if not config.is_file():
        raise RuntimeError(f"{config} is missing: build with --edge")
    return [str(config), f"--directory-path=assets={dist.resolve()}", f"--socket-addr=http={address}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(
    dist: Path, workdir: Path, binary: str | None = None, inspector: int | None = None
) -> Iterator[str]:
    """Run dist/_worker.js over dist/ on 127.0.0.1; yield its base URL ("http://127.0.0.1:N").
    `inspector`: a loopback port for the DevTools protocol (bench/edge.py reads the heap)."""
    binary = binary or workerd_binary()
    if binary is None:
        raise RuntimeError(f"workerd is not installed: {INSTALL}")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    extra = [f"--inspector-addr=127.0.0.1:{inspector}"] if inspector else []
    command = [binary, "serve", *extra, *config_args(dist, f"127.0.0.1:{port}")]
    log = (workdir / "workerd.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"workerd exited with {process.returncode}: {(workdir / 'workerd.log').read_text()}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("workerd did not listen within 30 s") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def log_text(workdir: Path) -> str:
    """What workerd printed (uncaught errors of the worker land here)."""
    path = workdir / "workerd.log"
    return path.read_text(errors="replace") if path.exists() else ""
