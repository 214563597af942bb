"""ICE servers for calls: STUN as configured, TURN with short-lived credentials (coturn's use-auth-secret).

coturn checks username = "<unix expiry>:<label>" and password = base64(HMAC-SHA1(static-auth-secret, username)),
so the backend hands each call fresh credentials without storing them and the secret never leaves the server.
With call_relay_only both peers are told to use the relay alone (Accepted.relay_only), so a TURN URL is required.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from backend.settings import Settings, SettingsError
from domain.call import IceServer


def turn_credentials(secret: str, label: str, expires_at: int) -> tuple[str, str]:
    username = f"{expires_at}:{label}"
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def _urls(text: str, schemes: tuple[str, ...], name: str) -> tuple[str, ...]:
    urls = tuple(part.strip() for part in text.split(",") if part.strip())
    for url in urls:
        if url.split(":", 1)[0] not in schemes:
            raise SettingsError(f"{name}: {url!r} must start with {' or '.join(s + ':' for s in schemes)}")
    return urls


@dataclass(frozen=True)
class IceConfig:
    stun_urls: tuple[str, ...]
    turn_urls: tuple[str, ...]
    turn_secret: str
    turn_ttl_seconds: int
    now: Callable[[], float]  # unix seconds
    relay_only: bool = False  # every call's Accepted says so: both peers gather and use relayed candidates only

    @classmethod
    def from_settings(cls, settings: Settings, now: Callable[[], float]) -> IceConfig:
        turn_urls = _urls(settings.call_turn_urls, ("turn", "turns"), "call_turn_urls")
        if turn_urls and not settings.call_turn_secret:
            raise SettingsError("call_turn_urls needs call_turn_secret (coturn's static-auth-secret)")
        if settings.call_relay_only and not turn_urls:
            raise SettingsError("call_relay_only needs call_turn_urls: without a TURN relay no call could connect")
        if settings.call_turn_ttl_seconds < 60:
            raise SettingsError("call_turn_ttl_seconds must be at least 60")
        return cls(
            stun_urls=_urls(settings.call_stun_urls, ("stun",), "call_stun_urls"),
            turn_urls=turn_urls,
            turn_secret=settings.call_turn_secret,
            turn_ttl_seconds=settings.call_turn_ttl_seconds,
            now=now,
            relay_only=settings.call_relay_only,
        )

    def servers_for(self, call_id: str) -> tuple[IceServer, ...]:
        servers = []
        if self.stun_urls:
            servers.append(IceServer(self.stun_urls))
        if self.turn_urls:
            expires_at = int(self.now()) + self.turn_ttl_seconds
            username, password = turn_credentials(self.turn_secret, call_id[:8], expires_at)
            servers.append(IceServer(self.turn_urls, username, password))
        return tuple(servers)
