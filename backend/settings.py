"""The backend's Settings: built once at start-up from defaults, POLITIELOKET_BACKEND_* and the command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from domain.forms import default_assets_dir
from domain.settings_source import SettingsError, settings_values

ENV_PREFIX = "POLITIELOKET_BACKEND_"
DEFAULT_DATA_DIR = Path("var/backend")


def default_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    return f"sqlite:///{data_dir / 'politieloket.sqlite'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    # Outside the database and the repository (.gitignore has /var/): a copied database file must stay unreadable.
    keys_dir: Path = DEFAULT_DATA_DIR / "keys"
    assets_dir: Path = field(default_factory=default_assets_dir)
    host: str = "127.0.0.1"
    port: int = 8000
    retention_days: int = 365  # default until an admin sets it through the API
    purge_interval_minutes: int = 360  # how often `serve` runs the retention purge
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    max_body_bytes: int = 1024 * 1024
    secure_cookies: bool = False  # set when the console is served over HTTPS
    # Behind nginx: the addresses whose X-Forwarded-For / -Proto headers are believed (comma-separated, e.g.
    # 127.0.0.1). Without it every client looks like nginx, and one address's failed logins would throttle all.
    forwarded_allow_ips: str = ""
    workers: int = 1  # `serve --workers N`: processes sharing the port; above 1 needs PostgreSQL
    # failed-login throttle (backend/services/throttle.py): 429 per account name and per client address, then a lockout
    login_account_failures: int = 5
    login_address_failures: int = 20
    login_window_minutes: int = 15
    login_lockout_failures: int = 10
    login_lockout_window_minutes: int = 60
    login_lockout_minutes: int = 15
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    log_level: str = "info"
    # video calls (backend/http/routes/signalling.py, backend/services/ice.py)
    call_stun_urls: str = ""  # comma-separated stun: URLs for both peers; empty: host candidates only
    call_turn_urls: str = ""  # comma-separated turn:/turns: URLs of a coturn with use-auth-secret
    call_turn_secret: str = ""  # coturn's static-auth-secret: per-call credentials are HMACs, never stored
    call_turn_ttl_seconds: int = 600
    # how long a call waits for a kiosk or console whose connection dropped (a worker restarted) to rejoin
    call_rejoin_grace_seconds: float = 12.0
    # Both peers use TURN-relayed candidates only (Accepted.relay_only): neither learns the other's address, and
    # calls work on networks that allow nothing but the relay. Needs call_turn_urls.
    call_relay_only: bool = False
    # Confirmation e-mails to residents who gave an address (backend/services/confirmations.py); off without a host.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "Politie <noreply@politieloket.invalid>"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_retry_seconds: str = "30,120,600,1800,3600"  # a mail the server refused is tried again after each of these

    @property
    def forms_dir(self) -> Path:
        return self.assets_dir / "forms"


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then POLITIELOKET_BACKEND_* environment variables, then explicit overrides (None = not given)."""
    defaults = Settings()
    values = settings_values(defaults, ENV_PREFIX, os.environ if environ is None else environ, overrides)
    settings = replace(defaults, **values)
    _check(settings)
    return settings


def settings_environment(settings: Settings) -> dict[str, str]:
    """What a child process (a `serve --workers` worker) needs in its environment to load the same settings, where
    they came from the command line rather than the environment."""
    return {f"{ENV_PREFIX}DATABASE_URL": settings.database_url, f"{ENV_PREFIX}KEYS_DIR": str(settings.keys_dir)}


def _check(settings: Settings) -> None:
    if settings.retention_days < 1:
        raise SettingsError("retention_days must be at least 1")
    if settings.session_idle_minutes < 1 or settings.session_max_hours < 1:
        raise SettingsError("session timeouts must be positive")
    if settings.max_body_bytes < 1024:
        raise SettingsError("max_body_bytes must be at least 1024")
    if min(settings.login_account_failures, settings.login_address_failures, settings.login_lockout_failures,
           settings.login_window_minutes, settings.login_lockout_window_minutes, settings.login_lockout_minutes) < 1:
        raise SettingsError("login throttle limits must be positive")
    if not 0 < settings.port < 65536:
        raise SettingsError("port must be between 1 and 65535")
