"""Benchmark a video call on loopback: the real backend, the kiosk's aiortc peer, the officer in Chromium.

    .venv/bin/python -m bench.call [--calls 5] [--messages 20] [--cpu-seconds 10] [--draw-seconds 5]
    .venv/bin/python -m bench.call --part workers [--calls 10]   # set-up across two PostgreSQL workers

Runs itself again inside a private network namespace (`unshare -n`, root; loopback only, no STUN), then the
Kivy drawing part under Xvfb. Each figure is printed with a baseline measured in the same run:

  tap to ring         kiosk start() until the officer's console lists the call   | baseline: a bare signalling
                      socket of a second officer gets the same ringing message
  accept to frame     the officer's click until the kiosk has the first video    | baseline: two aiortc peers in
                      frame from Chromium                                         one process, SDP handed over directly
  chat, with          resident text until the console shows it with its Dutch;    | baseline: the translation alone
  translation         officer text until the kiosk shows it translated            (same sentences, same translator)
  kiosk CPU           the kiosk process during a connected call                   | baseline: the same process idle
  Kivy drawing        RemoteVideo fed 640x480 frames at 30 fps from a thread      | baseline: the frames fed
Targets on loopback: ring < 500 ms, first frame < 1.5 s, chat p95 < 400 ms, drawing >= 25 fps.
Chat translation, --models:
  phrase  the translation tests' phrase-book Argos packages (real argostranslate and CTranslate2, tiny models;
          Arabic, through the English pivot): shows the call's own cost
  base    Transformer-base packages of real Argos size with random weights (bench/translation.py's builder,
          es <-> nl, 8-word sentences, built once into --work-dir): shows what real models add
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.chat_lines import ChatLines

NETNS_FLAG = "POLITIELOKET_BENCH_IN_NETNS"
REPO = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def spread(values: list[float]) -> str:
    return f"p50 {ms(percentile(values, 0.5))}  p95 {ms(percentile(values, 0.95))}  (n={len(values)})"


# ----- the call, inside the namespace ---------------------------------------------------------------------------
class SignallingOfficer:
    """A second officer on a bare WebSocket: when does the ringing message itself arrive?"""

    def __init__(self, ws_url: str, origin: str, cookie: str, csrf: str) -> None:
        from websockets.sync.client import connect
        from websockets.typing import Origin

        from domain.call import Hello

        self.rung: dict[str, float] = {}
        self._socket = connect(ws_url, origin=Origin(origin), additional_headers={"Cookie": cookie}).__enter__()
        self._socket.send(Hello(csrf).to_json())
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        from domain.call import Ringing, decode

        try:
            for text in self._socket:
                now = time.perf_counter()
                message = decode(text)
                if isinstance(message, Ringing):
                    for call in message.calls:
                        self.rung.setdefault(call.call_id, now)
        except Exception:
            return

    def close(self) -> None:
        self._socket.close()


def second_officer(rig: Any) -> SignallingOfficer:
    import httpx

    from backend.http.auth import SESSION_COOKIE
    from domain.call import CONSOLE_CALL_PATH
    from tools.call_rig import OFFICER, PASSWORD

    site = rig.backend.officer_url  # the same worker as the officer's browser
    with httpx.Client(base_url=site) as client:
        answer = client.post("/api/auth/login", json={"name": OFFICER, "password": PASSWORD})
        answer.raise_for_status()
        cookie = f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"
        ws_url = site.replace("http://", "ws://") + CONSOLE_CALL_PATH
        return SignallingOfficer(ws_url, site, cookie, answer.json()["csrf_token"])


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_share(seconds: float) -> float:
    before, started = cpu_seconds(), time.perf_counter()
    time.sleep(seconds)
    return (cpu_seconds() - before) / (time.perf_counter() - started)


def one_call(
    rig: Any, lines: ChatLines, officer: SignallingOfficer, results: dict[str, list[float]], chat: int, cpu: float
) -> None:
    from kiosk.call.view import CallPhase
    from tools.call_rig import INTAKE, wait_for

    translator = rig.translator
    tapped = time.perf_counter()
    handle = rig.start_call(lines.language, "bike_theft", INTAKE)
    rig.officer.locator(f'#ringing li[data-call="{handle.call_id}"]').wait_for(timeout=30_000)
    results["ring"].append(time.perf_counter() - tapped)
    wait_for(lambda: handle.call_id in officer.rung, "the bare socket's ringing", step=0.001)
    results["ring_baseline"].append(officer.rung[handle.call_id] - tapped)

    accepted = time.perf_counter()
    rig.officer.click(f'#ringing li[data-call="{handle.call_id}"] .call-accept')
    wait_for(lambda: handle.frames.count > 0, "the first frame at the kiosk", step=0.001)
    results["first_frame"].append(time.perf_counter() - accepted)
    wait_for(lambda: handle.view.phase is CallPhase.CONNECTED, "the data channel")
    if cpu:
        wait_for(lambda: handle.frames.count > 60, "video flowing")
        results["cpu_call"].append(cpu_share(cpu))

    for number in range(chat):
        translator.forget()  # no cached sentences: every message is translated again
        sent, wall = time.perf_counter(), time.time()
        handle.say(lines.resident[number % len(lines.resident)])
        rig.officer.locator(".call-line.resident .call-note").nth(number).wait_for(timeout=30_000)
        total = time.perf_counter() - sent
        results["chat_to_officer"].append(total)
        translated = rig.first_view_time(_of(handle, _resident_lines_beyond(number))) - wall
        results["hop_kiosk_translation"].append(translated)
        results["hop_channel_to_console"].append(total - translated)
        translator.forget()
        rig.officer.fill("#call-input", lines.officer[number % len(lines.officer)])
        sent, wall = time.perf_counter(), time.time()
        rig.officer.press("#call-input", "Enter")
        rig.wait_for_view(_lines_beyond(number), "the officer's line at the kiosk")
        results["chat_to_resident"].append(time.perf_counter() - sent)
        arrived = rig.first_view_time(_of(handle, _officer_lines_beyond(number)))
        results["hop_console_to_kiosk"].append(arrived - wall)
        results["hop_kiosk_translation_back"].append(rig.first_view_time(_of(handle, _lines_beyond(number))) - arrived)
    handle.hang_up()
    handle.finished.result(timeout=30)
    rig.officer.wait_for_selector("#call-panel[data-ended]", timeout=30_000)


def _of(handle: Any, condition: Any) -> Any:
    """The condition on views of this call only: the rig keeps the views of every call of the run."""
    return lambda view: view.call_id == handle.call_id and condition(view)


def _resident_lines_beyond(number: int) -> Any:
    """True once the kiosk has more than `number` resident lines translated (sent to the officer)."""
    return lambda view: sum(1 for line in view.chat if line.sender == "resident" and not line.pending) > number


def _officer_lines_beyond(number: int) -> Any:
    """True once more than `number` officer lines arrived at the kiosk, translated or not yet."""
    return lambda view: sum(1 for line in view.chat if line.sender == "officer") > number


def _lines_beyond(number: int) -> Any:
    """True once the kiosk shows more than `number` officer lines, translated."""
    return lambda view: sum(1 for line in view.chat if line.sender == "officer" and not line.pending) > number


def translation_baseline(lines: ChatLines, messages: int) -> list[float]:
    translator, timings = lines.translator, []
    for number in range(messages):
        resident, officer = lines.resident[number % len(lines.resident)], lines.officer[number % len(lines.officer)]
        for text, source, target in ((resident, lines.language, "nl"), (officer, "nl", lines.language)):
            translator.forget()
            started = time.perf_counter()
            translator.submit(text, source, target).result()
            timings.append(time.perf_counter() - started)
    return timings


async def direct_aiortc_first_frame() -> float:
    """Offer to first received frame between two aiortc peers in one process, SDP passed by hand."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from kiosk.call.media import ColourBarsVideo

    kiosk, officer = (RTCPeerConnection(RTCConfiguration(iceServers=[])) for _ in range(2))
    first = asyncio.get_running_loop().create_future()
    readers: list[asyncio.Task[None]] = []

    @kiosk.on("track")
    def on_track(track: Any) -> None:
        async def read() -> None:
            await track.recv()
            if not first.done():
                first.set_result(time.perf_counter())

        readers.append(asyncio.ensure_future(read()))

    kiosk.addTransceiver("video", direction="recvonly")
    officer.addTrack(ColourBarsVideo())
    started = time.perf_counter()
    await kiosk.setLocalDescription(await kiosk.createOffer())
    await officer.setRemoteDescription(kiosk.localDescription)
    await officer.setLocalDescription(await officer.createAnswer())
    await kiosk.setRemoteDescription(RTCSessionDescription(officer.localDescription.sdp, "answer"))
    arrived = await asyncio.wait_for(first, 20)
    await kiosk.close()
    await officer.close()
    return float(arrived - started)


def run_call_bench(args: argparse.Namespace) -> None:
    from bench.chat_lines import ChatLines, base_lines, phrase_lines
    from kiosk.call.aiortc_call import pin_host_addresses
    from tools.call_rig import CallRig

    results: dict[str, list[float]] = {key: [] for key in (
        "ring", "ring_baseline", "first_frame", "chat_to_officer", "chat_to_resident", "cpu_call",
        "hop_kiosk_translation", "hop_channel_to_console",
        "hop_console_to_kiosk", "hop_kiosk_translation_back")}  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        args.work_dir.mkdir(parents=True, exist_ok=True)
        lines = base_lines(args.work_dir) if args.models == "base" else phrase_lines(workdir)
        try:
            with CallRig(workdir, lines.translator) as rig:
                officer = second_officer(rig)
                idle = cpu_share(args.cpu_seconds)
                for number in range(args.calls):
                    one_call(rig, lines, officer, results, args.messages, args.cpu_seconds if number == 0 else 0)
                # the same path with nothing to translate: a Dutch-speaking resident
                dutch = ChatLines(lines.translator, "nl", lines.officer, lines.officer)
                plain: dict[str, list[float]] = {key: [] for key in results}
                one_call(rig, dutch, officer, plain, args.messages, 0)
                officer.close()
            translation = translation_baseline(lines, args.messages)
        finally:
            lines.translator.close()
    pin_host_addresses(("127.0.0.1",))
    direct = [asyncio.run(direct_aiortc_first_frame()) for _ in range(args.calls)]
    chat = results["chat_to_officer"] + results["chat_to_resident"]

    print(
        f"call on loopback in a private network namespace, {args.calls} calls, {args.messages} messages each way,"
        f" {args.models} translation models ({lines.language} <-> nl)"
    )
    print(f"  tap to ring (console)     {spread(results['ring'])}   target < 500 ms")
    print(f"    baseline: bare socket   {spread(results['ring_baseline'])}")
    print(f"  accept to first frame     {spread(results['first_frame'])}   target < 1.5 s")
    print(f"    baseline: aiortc direct {spread(direct)}")
    print(f"  chat with translation     {spread(chat)}   target p95 < 400 ms")
    print(f"    resident -> officer     {spread(results['chat_to_officer'])}")
    print(f"      kiosk: translate      {spread(results['hop_kiosk_translation'])}")
    print(f"      the rest              {spread(results['hop_channel_to_console'])}   (channel, console, Playwright)")
    print(f"    officer -> resident     {spread(results['chat_to_resident'])}")
    print(f"      data channel          {spread(results['hop_console_to_kiosk'])}")
    print(f"      kiosk: translate      {spread(results['hop_kiosk_translation_back'])}")
    print(f"    baseline: translation   {spread(translation)}   (the translator alone, after the calls)")
    print(
        f"    baseline: no translation {spread(plain['chat_to_officer'] + plain['chat_to_resident'])}"
        "   (a Dutch resident: same path)"
    )
    print(f"  kiosk CPU in a call       {results['cpu_call'][0] * 100:6.1f} % of one core   (640x480 VP8 both ways)")
    print(f"    baseline: idle          {idle * 100:6.1f} % of one core")


def run_workers_bench(args: argparse.Namespace) -> None:
    """Call set-up on one worker, then across two (kiosk on the first, officer on the second), on PostgreSQL."""
    from bench.chat_lines import phrase_lines
    from kiosk.call.aiortc_call import pin_host_addresses
    from tools.call_rig import CallRig
    from tools.workers import PgWorkers

    pin_host_addresses(("127.0.0.1",))
    figures: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        lines = phrase_lines(workdir)
        try:
            for count in (1, 2):
                results: dict[str, list[float]] = {"ring": [], "ring_baseline": [], "first_frame": []}
                where = workdir / f"workers-{count}"
                with CallRig(where, lines.translator, backend=PgWorkers(where / "backend", count)) as rig:
                    officer = second_officer(rig)
                    warm: dict[str, list[float]] = {key: [] for key in results}
                    one_call(rig, lines, officer, warm, 0, 0)  # the first call of a process warms its imports
                    for _ in range(args.calls):
                        one_call(rig, lines, officer, results, 0, 0)
                    officer.close()
                figures[count] = results
        finally:
            lines.translator.close()
    print(f"call set-up on PostgreSQL, {args.calls} calls each (after one warm-up call), loopback namespace")
    for count, results in figures.items():
        label = "one worker" if count == 1 else "two workers: kiosk on one, officer on the other"
        print(f"  {label}")
        print(f"    tap to ring (console)   {spread(results['ring'])}")
        print(f"    accept to first frame   {spread(results['first_frame'])}")
    for key, name in (("ring", "tap to ring"), ("first_frame", "accept to first frame")):
        ratio = percentile(figures[2][key], 0.5) / percentile(figures[1][key], 0.5)
        print(f"  {name}: two workers / one worker (p50) = {ratio:.2f}   target <= 1.20")


# ----- entry --------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--messages", type=int, default=20, help="chat messages each way per call")
    parser.add_argument("--cpu-seconds", type=float, default=10.0)
    parser.add_argument("--draw-seconds", type=float, default=5.0)
    parser.add_argument("--part", choices=["all", "call", "draw", "workers"], default="all",
                        help="workers: call set-up on one PostgreSQL worker vs across two (not part of all)")
    parser.add_argument("--models", choices=["phrase", "base"], default="phrase")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "politieloket-bench-call")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.part == "call" and os.environ.get(NETNS_FLAG) == "1":
        run_call_bench(args)
        return
    if args.part == "workers" and os.environ.get(NETNS_FLAG) == "1":
        run_workers_bench(args)
        return
    if args.part == "draw":
        from bench.video_drawing import run_draw_bench

        run_draw_bench(args.draw_seconds)
        return
    own = [sys.executable, "-m", "bench.call", "--calls", str(args.calls), "--messages", str(args.messages),
           "--cpu-seconds", str(args.cpu_seconds), "--draw-seconds", str(args.draw_seconds),
           "--models", args.models, "--work-dir", str(args.work_dir)]  # fmt: skip
    if args.part in ("all", "call", "workers"):
        part = "workers" if args.part == "workers" else "call"
        script = "ip link set lo up && exec " + " ".join(f"'{piece}'" for piece in [*own, "--part", part])
        subprocess.run(["unshare", "--net", "--", "sh", "-c", script], cwd=REPO, check=True,
                       env={**os.environ, NETNS_FLAG: "1"})  # fmt: skip
    if args.part in ("all", "draw"):
        subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 800x600x24", *own, "--part", "draw"], cwd=REPO,
                       check=True)  # fmt: skip


if __name__ == "__main__":
    main()
