"""Kiosk touchscreen: cold start to the attract screen and resident memory (RSS) while idle, next to a bare Kivy
App with one Label measured in the same run. Run by hand, not in CI:

    .venv/bin/python bench/kiosk_start.py [--runs 3] [--idle 10] [--with-translation] [--work-dir DIR]

Each run is a fresh process on its own Xvfb display. Cold start is the time from spawning the process until its
first frame with the attract screen is drawn (interpreter, imports, catalogs, fonts, window, outbox included).
RSS is read from /proc after `--idle` seconds on the attract screen. With --with-translation the kiosk also
loads one translation pair of real Argos size (Transformer-base, int8, random weights, built by
bench/translation.py and cached in --work-dir) and RSS is read once that pair is warm.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tools.xvfb import start_xvfb  # noqa: E402  (after the path: this file also runs as a script)

SIZE = (1280, 800)
READY = "READY"


def proc_memory() -> dict[str, float]:
    """VmRSS and VmHWM of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


# ----- the measured processes ---------------------------------------------------------------------------


def child_baseline(idle: float) -> None:
    os.environ["KIVY_NO_ARGS"] = "1"
    from kivy.config import Config

    Config.set("graphics", "width", str(SIZE[0]))
    Config.set("graphics", "height", str(SIZE[1]))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.label import Label

    class Baseline(App):
        def build(self) -> Label:
            Clock.schedule_once(lambda _dt: announce(), 0)
            Clock.schedule_once(lambda _dt: finish(self, {}), idle)
            return Label(text="Politieloket")

    Baseline().run()


def child_kiosk(idle: float, data_dir: Path, models_dir: Path | None) -> None:
    from nacl.public import PrivateKey

    from kiosk.kivy_setup import configure_kivy
    from kiosk.settings import Settings

    public_key = base64.b64encode(bytes(PrivateKey.generate().public_key)).decode()
    settings = Settings(
        data_dir=data_dir, backend_url="http://127.0.0.1:9", kiosk_token="bench", backend_public_key=public_key,
        fullscreen=False, kiosk_mode=True,
    )
    if models_dir is not None:  # one pair: the bench's fr -> nl package
        settings = replace(settings, models_dir=models_dir, translation_warm_languages=("fr",))
    configure_kivy(settings, SIZE)
    from kivy.clock import Clock

    from kiosk.app import KioskApp
    from kiosk.wiring import open_services

    services = open_services(settings)
    app = KioskApp(settings, services)
    extra: dict[str, Any] = {}

    def ready(_dt: float) -> None:
        assert app.root.ids.screens.current == "attract"
        announce()
        started = time.perf_counter()
        Clock.schedule_once(lambda _dt: poll(started), 0.1)

    def poll(started: float) -> None:
        """Note when the translation pair is warm; finish once it is and `idle` seconds have passed."""
        translator = services.translator
        elapsed = time.perf_counter() - started
        warm = translator is None or translator.ready()  # type: ignore[attr-defined]
        if translator is not None and warm and "translation_warm_after_ready" not in extra:
            extra["translation_warm_after_ready"] = elapsed
        if warm and elapsed >= idle:
            finish(app, extra)
        else:
            Clock.schedule_once(lambda _dt: poll(started), 0.1)

    Clock.schedule_once(ready, 0)
    app.run()


def announce() -> None:
    print(READY, flush=True)


def finish(app: Any, extra: dict[str, Any]) -> None:
    print(json.dumps({**proc_memory(), **extra}), flush=True)
    app.stop()


# ----- the parent ----------------------------------------------------------------------------------------


def measure(mode: str, display: str, idle: float, work_dir: Path, models_dir: Path | None) -> dict[str, float]:
    data_dir = Path(tempfile.mkdtemp(dir=work_dir, prefix=f"{mode}-"))
    command = [sys.executable, __file__, "--child", mode, "--idle", str(idle), "--work-dir", str(data_dir)]
    if models_dir is not None:
        command += ["--models-dir", str(models_dir)]
    environment = {**os.environ, "DISPLAY": display, "KIVY_NO_CONSOLELOG": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO,
                               env=environment)
    assert process.stdout is not None
    cold = None
    result: dict[str, float] = {}
    for line in process.stdout:
        if line.strip() == READY:
            cold = time.perf_counter() - started
        elif line.startswith("{"):
            result = json.loads(line)
    if process.wait() != 0 or cold is None:
        raise RuntimeError(f"{mode} run failed (exit {process.returncode})")
    return {"cold_start": cold, **result}


def summary(name: str, runs: list[dict[str, float]]) -> str:
    cold = [r["cold_start"] for r in runs]
    rss = [r["VmRSS"] for r in runs]
    text = (f"{name:<26} cold start median {statistics.median(cold):5.2f} s (min {min(cold):.2f}, max {max(cold):.2f})"
            f"   RSS idle median {statistics.median(rss):6.0f} MB (peak {max(r['VmHWM'] for r in runs):.0f} MB)")
    warm = [r["translation_warm_after_ready"] for r in runs if "translation_warm_after_ready" in r]
    if warm:
        text += f"   pair warm {statistics.median(warm):.1f} s after the attract screen"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--with-translation", action="store_true")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "politieloket-bench")
    parser.add_argument("--child", choices=["baseline", "kiosk", "kiosk+translation"], help=argparse.SUPPRESS)
    parser.add_argument("--models-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        child_baseline(args.idle)
        return
    if args.child:
        child_kiosk(args.idle, args.work_dir, args.models_dir)
        return

    args.work_dir.mkdir(parents=True, exist_ok=True)
    models_dir = None
    if args.with_translation:
        from bench.translation import build  # builds the real-size packages once, cached in work_dir

        models_dir = build(args.work_dir)[0].models_dir
    server, display = start_xvfb(SIZE)
    try:
        modes: list[tuple[str, Path | None]] = [("baseline", None), ("kiosk", None)]
        if models_dir is not None:
            modes.append(("kiosk+translation", models_dir))
        for mode, models in modes:
            runs = [measure(mode, display, args.idle, args.work_dir, models) for _ in range(args.runs)]
            print(summary(mode, runs), flush=True)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
