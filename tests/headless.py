"""Open a page in headless Chromium and report what a person's browser would have complained
about: console errors, uncaught exceptions, failed or outside requests, CSP violations; plus
a full-page screenshot. Helper for the browser tests (no tests of its own here).

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: commands
on fd 3, replies and events on fd 4, each a JSON message ended by a NUL byte), so there is no
port to find or race for and no websocket client to install: only the standard library. The
page is opened only after the console, log and network domains are listening, so nothing it
does while loading is missed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageVisit:
    """What happened while a page loaded."""

    problems: list[str] = field(default_factory=list)  # errors and failed/outside requests
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    screenshot: Path | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # results of the probe expressions


class Chromium:
    """One headless browser on a DevTools pipe; use as a context manager."""

    def __init__(self, binary: str, profile: Path, width: int = 1280, height: int = 4000,
                 timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.width, self.height = width, height
        self._next_id = 0
        self._buffer = b""
        self._pending: list[dict[str, Any]] = []
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def wire_fds() -> None:  # in the child: fd 3 reads commands, fd 4 writes replies
            high_in, high_out = os.dup(commands_read), os.dup(replies_write)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # fds 3 and 4 are made in wire_fds, before the child closes all others
            preexec_fn=wire_fds, pass_fds=(3, 4))
        os.close(commands_read)
        os.close(replies_write)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser this object started (by its own process, nothing else)."""
        for fd in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    # -- protocol ---------------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its reply (events arriving meanwhile are queued)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._pending.append(reply)

    def events(self, until: float) -> list[dict[str, Any]]:
        """Queued events, then whatever arrives before the monotonic time `until`."""
        out, self._pending = self._pending, []
        while time.monotonic() < until:
            message = self._read(deadline=until, required=False)
            if message is None:
                break
            out.append(message)
        return out

    def _read(self, deadline: float | None = None, required: bool = True
              ) -> dict[str, Any] | None:
        deadline = deadline or time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                if required:
                    raise TimeoutError("no answer from Chromium")
                return None
            ready, _, _ = select.select([self._replies], [], [], left)
            if ready:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium exited (code {self.process.poll()})")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    # -- a visit ------------------------------------------------------------------------------

    def visit(self, url: str, screenshot: Path | None = None,
              probes: dict[str, str] | None = None, settle: float = 1.0) -> PageVisit:
        """Load `url` in a fresh tab, collect problems until it has loaded and `settle`
        seconds passed, evaluate `probes` (JavaScript expressions) and take a screenshot."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                   "mobile": False}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        visit = PageVisit()
        loaded = False
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for event in self.events(min(deadline, time.monotonic() + 0.2)):
                if event.get("sessionId") != session:
                    continue
                loaded = loaded or event.get("method") == "Page.loadEventFired"
                self._note(event, visit)
            if loaded:
                break
        if not loaded:
            visit.problems.append("the page did not finish loading")
        for event in self.events(time.monotonic() + settle):
            if event.get("sessionId") == session:
                self._note(event, visit)
        for name, expression in (probes or {}).items():
            result = self.send("Runtime.evaluate", {"expression": expression,
                                                    "returnByValue": True}, session=session)
            visit.facts[name] = result.get("result", {}).get("value")
        if screenshot is not None:
            shot = self.send("Page.captureScreenshot",
                             {"format": "png", "captureBeyondViewport": True}, session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            visit.screenshot = screenshot
        self.send("Target.closeTarget", {"targetId": target})
        return visit

    @staticmethod
    def _note(event: dict[str, Any], visit: PageVisit) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", "")))
                            for a in params.get("args", []))
            visit.problems.append(f"console.{params['type']}: {args}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            visit.problems.append(f"uncaught exception: {details.get('text')} "
                                  f"{details.get('exception', {}).get('description', '')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            visit.problems.append(f"log {entry.get('source')}: {entry.get('text')} "
                                  f"{entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            visit.requests.append(url)
        elif method == "Network.loadingFailed":
            visit.problems.append(f"request failed: {params.get('errorText')} "
                                  f"({params.get('blockedReason') or params.get('type')})")
