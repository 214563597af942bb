"""Everything a real call needs on one machine: the backend process, an officer in Debian's Chromium (fake
camera) signed in to the console, and the kiosk's CallService (aiortc, headless). Used inside a private
network namespace by the end-to-end test and by bench/call.py.
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from domain.chat import IntakeItem, IntakeSummary
from kiosk.call.service import CallHandle, CallService
from kiosk.call.view import CallView
from kiosk.captions.engines import CaptionEnginesLoader
from kiosk.settings import Settings
from kiosk.translation.ports import TextTranslator
from tools.backend_process import BackendProcess

T = TypeVar("T")
OFFICER = "agent.jansen"
PASSWORD = "correct horse battery staple"
TIMEZONE = "Europe/Amsterdam"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]
# Runs in the officer's page before its own scripts: keeps every RTCPeerConnection the console makes (and the
# configuration it asked for) where officer_ice_path() can read its getStats. It changes nothing else.
WATCH_PEERS = """
(() => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config, ...rest) {
      super(config, ...rest);
      window.__peers.push({ pc: this, policy: (config && config.iceTransportPolicy) || "all" });
    }
  };
})();
"""
# The newest peer connection's ICE as getStats reports it: the selected pair of each transport, the candidates
# each side offered, and what crossed it.
ICE_PATH = """
async () => {
  const entry = window.__peers[window.__peers.length - 1];
  const stats = await entry.pc.getStats();
  const all = [...stats.values()];
  const candidate = (id) => {
    const c = stats.get(id);
    return { type: c.candidateType, address: c.address, port: c.port, protocol: c.protocol,
             relayProtocol: c.relayProtocol || null, url: c.url || null };
  };
  const transports = all.filter((s) => s.type === "transport").map((t) => {
    const pair = stats.get(t.selectedCandidatePairId);
    return { dtlsState: t.dtlsState, local: candidate(pair.localCandidateId),
             remote: candidate(pair.remoteCandidateId), bytesSent: pair.bytesSent,
             bytesReceived: pair.bytesReceived };
  });
  const types = (kind) => [...new Set(all.filter((s) => s.type === kind).map((s) => s.candidateType))].sort();
  const channels = all.filter((s) => s.type === "data-channel")
    .map((s) => ({ label: s.label, state: s.state, sent: s.messagesSent, received: s.messagesReceived }));
  const video = all.filter((s) => s.type === "inbound-rtp" && s.kind === "video")
    .map((s) => s.framesDecoded || 0);
  return { policy: entry.policy, connection: entry.pc.connectionState, transports,
           localTypes: types("local-candidate"), remoteTypes: types("remote-candidate"), channels,
           videoFramesDecoded: video, offer: entry.pc.remoteDescription.sdp, answer: entry.pc.localDescription.sdp };
}
"""


# what the resident filled in before asking for the call: shown to the officer beside the video
# called from the receipt of the report just filed: the console links the case (its identity check is there)
INTAKE = IntakeSummary(
    "ar",
    "bike_theft",
    (IntakeItem("description", "Wat is er gebeurd?", "سرقت دراجتي.", "Mijn fiets is gestolen."),),
    case_id="6a1f0c2e-0000-4000-8000-000000000001",
    reference="K7M-4QP",
)


def loopback_only() -> list[str]:
    """The network interfaces this process can see; inside `unshare -n` that is ["lo"]."""
    return sorted(name for _, name in socket.if_nameindex())


def wait_for(condition: Callable[[], T], what: str, timeout: float = 30.0, step: float = 0.02) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(step)


def block_udp() -> None:
    """Every UDP packet in this namespace fails, as if the media path broke; TCP (signalling) still works.

    The local routing table moves behind a rule that sends UDP to a blackhole (there is no netfilter here).
    """
    subprocess.run(["ip", "rule", "add", "pref", "100", "lookup", "local"], check=False)
    subprocess.run(["ip", "rule", "del", "pref", "0"], check=False)
    subprocess.run(["ip", "rule", "add", "pref", "10", "ipproto", "udp", "blackhole"], check=True)


def unblock_udp() -> None:
    subprocess.run(["ip", "rule", "del", "pref", "10"], check=True)


class LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


class BackendSide(Protocol):
    """What the rig needs of the backend: one process (BackendProcess), or a whole region behind nginx."""

    ca_file: str  # the CA the kiosk must trust for `url` ("" for plain http)

    @property
    def url(self) -> str: ...  # the kiosk's

    @property
    def officer_url(self) -> str: ...  # the officer's browser's (another worker, or the same address)

    def add_officer(self, name: str, password: str) -> None: ...

    def start(self) -> None: ...

    def add_kiosk(self, name: str, location: str) -> str: ...

    def stop(self) -> None: ...


class OfficerBrowser:
    """The officer: Debian's Chromium with a fake camera and microphone, signed in to the console's queue (where
    calls ring). Its sync Playwright belongs to the thread that opens it."""

    def __init__(self, backend: BackendSide, log: LogCapture, chromium_args: tuple[str, ...] = ()) -> None:
        self.backend = backend
        self.log = log
        self.chromium_args = chromium_args
        self._playwright: Playwright | None = None
        self.browser: Browser | None = None
        self.page: Page | None = None

    def open(self) -> Page:
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, *self.chromium_args]
        )
        # the officer's clock is Dutch, as the case file's is; the kiosk checks the backend's certificate itself
        self.page = self.browser.new_page(ignore_https_errors=bool(self.backend.ca_file), timezone_id=TIMEZONE)
        self.page.add_init_script(WATCH_PEERS)
        self.page.on("console", lambda message: self.log.lines.append(f"browser {message.type}: {message.text}"))
        self.sign_in(self.page)
        return self.page

    def sign_in(self, page: Page) -> None:
        page.goto(self.backend.officer_url + "/console/")
        page.fill("#name", OFFICER)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/queue")
        page.wait_for_selector("#call-service:has-text('Klaar voor videogesprekken')")

    def case_page(self, href: str) -> Page:
        """The officer opens a case beside the call (another tab: the call stays in the first)."""
        assert self.browser is not None
        page = self.browser.new_context(ignore_https_errors=bool(self.backend.ca_file), timezone_id=TIMEZONE).new_page()
        self.sign_in(page)
        page.goto(self.backend.officer_url + href)
        return page

    def keep_evidence(self, evidence: Path) -> None:
        if self.page is not None:
            try:
                (evidence / "url.txt").write_text(self.page.url)
                self.page.screenshot(path=str(evidence / "officer.png"), full_page=True)
            except Exception as error:  # the browser itself may be what broke
                (evidence / "browser-error.txt").write_text(repr(error))

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
        if self._playwright is not None:
            self._playwright.stop()


class CallRig:
    def __init__(
        self,
        workdir: Path,
        translator: TextTranslator,
        chromium_args: tuple[str, ...] = (),
        captions: bool = False,
        deliver: bool = False,
        backend_env: Mapping[str, str] | None = None,
        backend: BackendSide | None = None,
        **kiosk_settings: Any,
    ) -> None:
        self.workdir = workdir
        self.translator = translator
        self.captions = captions  # the kiosk captions with the speech model in its models directory
        self.deliver = deliver  # a provisioned kiosk with its outbox and sender: a kept transcript reaches the backend
        self.delivery: Any = None
        self.kiosk_settings = kiosk_settings
        # e.g. its TURN relay, relay-only; or a region of several workers behind nginx (tests/setup/deployment.py)
        self.backend: BackendSide = backend or BackendProcess(workdir / "backend", env=backend_env)
        self.views: list[CallView] = []
        self.view_times: list[float] = []  # time.time() of each view, for the benchmark's split per hop
        self.changed = threading.Condition()  # notified on every new view of the call
        self.log = LogCapture()
        self.officer_browser = OfficerBrowser(self.backend, self.log, chromium_args)  # e.g. its voice from a file
        self.calls: CallService | None = None

    def __enter__(self) -> CallRig:
        logging.getLogger("kiosk.call").addHandler(self.log)
        logging.getLogger("kiosk.call").setLevel(logging.INFO)
        self.backend.add_officer(OFFICER, PASSWORD)
        self.backend.start()
        token = self.backend.add_kiosk("Kiosk Bibliotheek Emmen", "Emmen, bibliotheek")
        settings = Settings(
            data_dir=self.workdir / "kiosk",
            backend_url=self.backend.url,
            backend_ca_file=self.backend.ca_file,
            kiosk_token=token,
            call_host_addresses=("127.0.0.1",),  # the namespace has loopback only; no STUN is configured
            call_test_media=True,
        )
        if self.deliver:
            from kiosk.delivery.wiring import open_delivery
            from tools.backend_process import provisioned_settings

            assert isinstance(self.backend, BackendProcess)
            provisioned = provisioned_settings(self.backend, self.workdir / "kiosk", "Kiosk Gemeentehuis Emmen")
            settings = replace(provisioned, call_host_addresses=settings.call_host_addresses, call_test_media=True)
            self.delivery = open_delivery(settings)
            self.delivery.start()
        self.settings = replace(settings, **self.kiosk_settings)
        engines = CaptionEnginesLoader(self.settings, self.translator) if self.captions else None
        put_case = self.delivery.outbox.put_case if self.delivery is not None else None
        self.calls = CallService(self.settings, self.translator, captions=engines, put_case=put_case)
        self.officer_browser.open()
        return self

    @property
    def browser(self) -> Browser | None:
        return self.officer_browser.browser

    @property
    def page(self) -> Page | None:
        return self.officer_browser.page

    def __exit__(self, error_type: object, *_exc: object) -> None:
        if error_type is not None:
            self.keep_evidence()
        self.officer_browser.close()
        if self.calls is not None:
            self.calls.close()
        if self.delivery is not None:
            self.delivery.stop()
        self.backend.stop()
        logging.getLogger("kiosk.call").removeHandler(self.log)

    def keep_evidence(self) -> None:
        """On failure: the officer's screen, its address and the call log, next to result.json."""
        evidence = self.workdir / "evidence"
        evidence.mkdir(exist_ok=True)
        (evidence / "call.log").write_text("\n".join(self.log.lines))
        self.officer_browser.keep_evidence(evidence)

    # ----- the kiosk ---------------------------------------------------------------------------------------
    def start_call(self, language: str, service: str | None, intake: IntakeSummary) -> CallHandle:
        assert self.calls is not None
        return self.calls.start(language, service, uuid.uuid4(), intake, self._seen)

    def _seen(self, view: CallView) -> None:
        with self.changed:
            self.views.append(view)
            self.view_times.append(time.time())
            self.changed.notify_all()

    def first_view_time(self, condition: Callable[[CallView], bool]) -> float:
        """When (time.time()) the call first showed a view that meets `condition`."""
        with self.changed:
            return next(at for view, at in zip(self.views, self.view_times, strict=True) if condition(view))

    def wait_for_view(self, condition: Callable[[CallView], bool], what: str, timeout: float = 30.0) -> CallView:
        """Woken by the call itself (no polling), for timing the kiosk side."""
        with self.changed:
            if not self.changed.wait_for(lambda: bool(self.views) and condition(self.views[-1]), timeout):
                raise TimeoutError(f"timed out waiting for {what}")
            return self.views[-1]

    # ----- the officer's page ------------------------------------------------------------------------------
    @property
    def officer(self) -> Page:
        assert self.page is not None
        return self.page

    def browser_frames(self) -> int:
        return int(self.officer.get_attribute("#call-remote", "data-frames") or 0)

    def call_status(self) -> str:
        return self.officer.inner_text("#call-status")

    def officer_ice_path(self) -> dict[str, Any]:
        """getStats of the console's newest peer connection: selected pairs, candidate types, data, frames."""
        path: dict[str, Any] = self.officer.evaluate(ICE_PATH)
        return path

    # ----- the backend's records ---------------------------------------------------------------------------
    def case_types(self) -> list[tuple[str, str]]:
        """(case type, language) of every case the backend holds, oldest first."""
        import sqlite3

        assert isinstance(self.backend, BackendProcess)
        with sqlite3.connect(self.backend.db_file, timeout=30) as connection:
            return connection.execute("SELECT case_type, language FROM cases ORDER BY received_at").fetchall()

    def call_events(self) -> list[dict[str, Any]]:
        import sqlite3

        assert isinstance(self.backend, BackendProcess)
        with sqlite3.connect(self.backend.db_file, timeout=30) as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(
                "SELECT kind, reason, code, duration_ms, language, service, location FROM usage_events "
                "WHERE kind LIKE 'call_%' ORDER BY id"
            ).fetchall()
        return [dict(row) for row in rows]


def write_result(workdir: Path, result: dict[str, Any]) -> None:
    (workdir / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


def clean(workdir: Path) -> None:
    for name in ("backend", "kiosk"):
        shutil.rmtree(workdir / name, ignore_errors=True)
