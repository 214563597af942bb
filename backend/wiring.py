"""Everything a running backend holds, built once from Settings and shared by the app and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from backend.services.accounts import Argon2Passwords, SqlAccountStore
from backend.services.case_views import CaseViews
from backend.services.cases import SqlCaseStore
from backend.services.confirmations import Confirmations, SmtpServer
from backend.services.heartbeats import SqlHeartbeatLog
from backend.services.identity_checks import IdentityChecks
from backend.services.keys import NaclKeyring
from backend.services.kiosks import AUTH_CACHE_SECONDS, SqlKioskStore
from backend.services.retention import SqlRetention
from backend.services.throttle import Limits, SqlLoginThrottle
from backend.services.totp import SqlTotpStore
from backend.services.usage import SqlUsageStore
from backend.settings import Settings
from backend.storage.db import Database
from backend.storage.models import utcnow
from domain.forms import FormCatalog


@dataclass
class Services:
    settings: Settings
    db: Database
    keys: NaclKeyring
    catalog: FormCatalog
    cases: SqlCaseStore
    identities: IdentityChecks
    case_views: CaseViews
    kiosks: SqlKioskStore
    accounts: SqlAccountStore
    usage: SqlUsageStore
    retention: SqlRetention
    throttle: SqlLoginThrottle
    totp: SqlTotpStore
    heartbeats: SqlHeartbeatLog
    confirmations: Confirmations
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def start(cls, settings: Settings) -> Services:
        """Open the database and bring its schema up to date, load (or create) the keys and the forms."""
        db = Database(settings.database_url)
        db.migrate()
        keys = NaclKeyring.load(settings.keys_dir)
        passwords = Argon2Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        throttle = SqlLoginThrottle(db, keys.digest, Limits.from_settings(settings))
        totp = SqlTotpStore(db, keys)
        catalog = FormCatalog.load(settings.forms_dir)
        identities = IdentityChecks(db, keys)
        cases = SqlCaseStore(db, keys, identities)
        return cls(
            settings=settings,
            db=db,
            keys=keys,
            catalog=catalog,
            cases=cases,
            identities=identities,
            case_views=CaseViews(cases, catalog, settings.assets_dir, identities),
            kiosks=SqlKioskStore(db, cache_seconds=AUTH_CACHE_SECONDS if db.is_sqlite else 0.0),
            accounts=SqlAccountStore(
                db,
                passwords,
                idle=timedelta(minutes=settings.session_idle_minutes),
                max_age=timedelta(hours=settings.session_max_hours),
                throttle=throttle,
                totp=totp,
            ),
            usage=SqlUsageStore(db),
            retention=SqlRetention(db, settings.retention_days),
            throttle=throttle,
            totp=totp,
            heartbeats=SqlHeartbeatLog(db),
            confirmations=Confirmations(
                _smtp_server(settings), settings.assets_dir / "locale", db, cases, catalog,
                _retry_after(settings.smtp_retry_seconds),
            ),
        )

    def close(self) -> None:
        self.confirmations.close()
        self.db.dispose()


def _retry_after(text: str) -> tuple[float, ...]:
    try:
        delays = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError("smtp_retry_seconds: seconds separated by commas, e.g. 30,120,600") from None
    if any(delay < 0 for delay in delays):
        raise ValueError("smtp_retry_seconds: no negative waits")
    return delays


def _smtp_server(settings: Settings) -> SmtpServer | None:
    if not settings.smtp_host:
        return None
    return SmtpServer(settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.smtp_starttls,
                      settings.smtp_user, settings.smtp_password)
