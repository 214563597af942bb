"""The kiosk's Settings: built once at start-up from the command line, environment and config file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from domain.forms import default_assets_dir
from domain.languages import codes
from domain.settings_source import settings_values

ENV_PREFIX = "POLITIELOKET_KIOSK_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var/kiosk")
    assets_dir: Path = field(default_factory=default_assets_dir)
    models_dir: Path = Path("var/kiosk/models")
    languages: tuple[str, ...] = field(default_factory=codes)
    # provisioning (written by `python -m kiosk provision` into config.json)
    backend_url: str = ""
    kiosk_token: str = ""
    backend_public_key: str = ""
    kiosk_name: str = ""
    location: str = ""
    # PEM file of the CA(s) the backend's certificate must chain to, instead of the public CAs (a region's own CA,
    # or a self-signed certificate); empty: the public CAs
    backend_ca_file: str = ""
    # session
    idle_warning_seconds: float = 90.0
    idle_extend_seconds: float = 30.0  # time the resident has to tap "more time" (WCAG 2.2.1: at least 20 s)
    # sender
    send_initial_backoff: float = 2.0
    send_max_backoff: float = 300.0
    request_timeout: float = 15.0
    send_heartbeat_interval: float = 60.0
    send_idle_interval: float = 10.0  # an idle sender writes buffered usage events and looks again this often
    event_batch_size: int = 50
    # translation (models_dir holds argostranslate's packages/ and its own state in argos/)
    translation_threads: int = 2
    translation_beam_size: int = 2
    translation_cache_entries: int = 256  # cleared at the end of every session: it holds residents' texts
    translation_warm_languages: tuple[str, ...] = field(default_factory=codes)  # loaded at start, to and from nl
    translation_index_url: str = ""  # Argos package index for `models fetch`; empty: argostranslate's default
    # video calls (kiosk/call/)
    call_no_answer_seconds: float = 120.0  # waiting this long, the resident is offered a call-back or 0900-8844
    call_connect_seconds: float = 15.0  # from the officer's accept to a working connection
    call_silence_seconds: float = 4.0  # no data from the officer's side this long: reconnect
    call_reconnect_seconds: float = 20.0  # reconnecting this long: end the call and say so
    call_stun_urls: tuple[str, ...] = ()  # the kiosk's own STUN servers, besides those the backend hands out
    call_host_addresses: tuple[str, ...] = ()  # pin ICE host candidates to these addresses; empty: all but loopback
    call_camera: str = "/dev/video0"  # V4L2; without it the officer sees a test pattern
    call_microphone: str = "default"  # ALSA capture device
    call_speaker: str = "default"  # ALSA playback device
    call_video_size: str = "640x480"
    call_test_media: bool = False  # send a test pattern and tone even when a camera is present (demo, tests)
    # live captions in calls: the Whisper model in MODELS_DIR/speech/<name> (`models install`); empty: none
    captions_model: str = "whisper-base"
    captions_threads: int = 2
    # kiosk window
    fullscreen: bool = True
    kiosk_mode: bool = True
    printer: str = ""  # CUPS queue for receipts (`lp -d`); empty: no printer, the receipt is on screen only
    # with the backend unreachable this long, an idle kiosk shows the out-of-service screen
    out_of_service_after_seconds: float = 4 * 3600.0

    @property
    def config_file(self) -> Path:
        return self.data_dir / "config.json"

    @property
    def outbox_file(self) -> Path:
        return self.data_dir / "outbox.sqlite"

    @property
    def forms_dir(self) -> Path:
        return self.assets_dir / "forms"

    @property
    def locale_dir(self) -> Path:
        return self.assets_dir / "locale"

    @property
    def translation_pins_file(self) -> Path:
        return self.assets_dir / "translation" / "pins.json"

    @property
    def provisioned(self) -> bool:
        return bool(self.backend_url and self.kiosk_token and self.backend_public_key)


_PROVISIONING_KEYS = ("backend_url", "kiosk_token", "backend_public_key", "kiosk_name", "location")


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then POLITIELOKET_KIOSK_* environment, then explicit overrides, then the provisioning file."""
    settings = Settings()
    values = settings_values(settings, ENV_PREFIX, os.environ if environ is None else environ, overrides)
    if "data_dir" in values and "models_dir" not in values:
        values["models_dir"] = Path(values["data_dir"]) / "models"
    settings = replace(settings, **values)
    if settings.config_file.exists():
        stored = json.loads(settings.config_file.read_text(encoding="utf-8"))
        settings = replace(settings, **{k: stored[k] for k in _PROVISIONING_KEYS if k in stored})
    return settings


def save_provisioning(settings: Settings, **values: Any) -> Settings:
    """Write the provisioning values to config.json, readable only by the kiosk's user."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.config_file
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({k: values[k] for k in _PROVISIONING_KEYS if k in values}, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return replace(settings, **{k: values[k] for k in _PROVISIONING_KEYS if k in values})
