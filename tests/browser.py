"""Drive headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe).

No websocket library needed: Chromium reads NUL-terminated JSON commands on fd 3 and writes
replies and events on fd 4. A `Tab` records what a user would notice going wrong: uncaught
exceptions, console errors, failed loads from the site's own server, and JavaScript dialogs
(alert/confirm/prompt), which it dismisses.
"""

import base64
import itertools
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1280,900",
    # No internet in tests: names other than loopback fail at once instead of timing out.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process; `tab()` opens a fresh page."""

    def __init__(self, binary: str, profile: Path, log: Path) -> None:
        cmd_read, self._cmd_write = os.pipe()
        self._res_read, res_write = os.pipe()
        self._log = log.open("wb")
        # The shell moves the pipes to fds 3 and 4, where Chromium expects them.
        self.proc = subprocess.Popen(
            [
                "sh",
                "-c",
                'exec "$@" 3<&0 4>&1 </dev/null >/dev/null',
                "sh",
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=cmd_read,
            stdout=res_write,
            stderr=self._log,
        )
        os.close(cmd_read)
        os.close(res_write)
        self._ids = itertools.count(1)
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except BrowserError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_write)
        os.close(self._res_read)
        self._log.close()

    def _read(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._res_read], [], [], left)
            if ready:
                chunk = os.read(self._res_read, 1 << 20)
                if not chunk:
                    raise BrowserError("Chromium closed the DevTools pipe (crashed?)")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        """Send one command and wait for its reply; events meanwhile go to `self.events`."""
        command_id = next(self._ids)
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply is None:
                raise BrowserError(f"no reply to {method} within {timeout}s")
            if reply.get("id") == command_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while (message := self._read(deadline)) is not None:
            self.events.append(message)

    def tab(self, site_origin: str) -> "Tab":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Tab(self, target, session, site_origin)


class Tab:
    """One page: navigate, evaluate, type, screenshot; records errors and dialogs."""

    def __init__(self, browser: Browser, target: str, session: str, site_origin: str) -> None:
        self.browser = browser
        self.target = target
        self.session = session
        self.site_origin = site_origin
        self._seen = len(browser.events)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []  # every URL the page asked for (documents, scripts, fetches)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        result = self.browser.send(method, params, self.session, timeout)
        self._scan()
        return result

    def _ours(self, url: str) -> bool:
        return url.startswith(self.site_origin)

    def _scan(self) -> None:
        """Turn new protocol events of this tab into errors and dialogs."""
        events = self.browser.events
        while self._seen < len(events):
            event = events[self._seen]
            self._seen += 1
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Page.javascriptDialogOpening":
                self.dialogs.append(f"{params.get('type')}: {params.get('message')}")
                self.browser.send("Page.handleJavaScriptDialog", {"accept": False}, self.session)
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.errors.append(
                    "exception: "
                    + str(details.get("exception", {}).get("description") or details.get("text"))
                )
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                self.errors.append(
                    "console."
                    + params["type"]
                    + ": "
                    + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                )
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                # Images load from their sources on the internet, which tests do not have:
                # only failures of the site's own files count.
                if entry.get("level") == "error" and (
                    entry.get("source") != "network" or self._ours(entry.get("url", ""))
                ):
                    self.errors.append(
                        f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}"
                    )
            elif method == "Network.requestWillBeSent":
                self.requests.append(params.get("request", {}).get("url", ""))
            elif method == "Network.responseReceived":
                response = params.get("response", {})
                if self._ours(response.get("url", "")) and response.get("status", 200) >= 400:
                    self.errors.append(f"HTTP {response.get('status')}: {response.get('url')}")

    def goto(self, url: str, settle: float = 0.5) -> None:
        """Navigate and wait for the load event (and a moment for scripts to run)."""
        start = len(self.browser.events)
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + 30
        while not any(
            e.get("method") == "Page.loadEventFired" and e.get("sessionId") == self.session
            for e in self.browser.events[start:]
        ):
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not finish loading in 30s")
            self.browser.pump(0.1)
            self._scan()
        self.settle(settle)

    def settle(self, seconds: float = 0.5) -> None:
        """Let the page run for a while, recording what happens (dialogs dismissed as they open)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.browser.pump(0.05)
            self._scan()

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> Any:
        """Evaluate until truthy; return the value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"still false after {timeout}s: {expression}")
            self.settle(0.1)

    def type_text(self, selector: str, text: str) -> None:
        """Focus an element and type into it as a user would (input events fire)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        for char in text:
            self.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": char})
            self.send("Input.dispatchKeyEvent", {"type": "keyUp"})

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
