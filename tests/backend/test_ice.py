from __future__ import annotations

import pytest

from backend.services.ice import IceConfig, turn_credentials
from backend.settings import Settings, SettingsError, load_settings
from domain.call import IceServer


def test_turn_credentials_are_what_coturn_use_auth_secret_expects() -> None:
    # Reference value from: echo -n "1700000600:0f8e2a4c" | openssl dgst -sha1 -hmac north-sea -binary | base64
    assert turn_credentials("north-sea", "0f8e2a4c", 1_700_000_600) == (
        "1700000600:0f8e2a4c",
        "bdqZhzxh/oWbU+y8OwJYmS0tGSY=",
    )


def test_each_call_gets_credentials_that_expire_after_the_ttl() -> None:
    settings = Settings(
        call_stun_urls="stun:stun.politie.example:3478",
        call_turn_urls="turn:turn.politie.example:3478?transport=udp, turns:turn.politie.example:443",
        call_turn_secret="north-sea",
        call_turn_ttl_seconds=600,
    )
    servers = IceConfig.from_settings(settings, now=lambda: 1_700_000_000.4).servers_for("0f8e2a4c-1111-4222")
    stun, turn = servers
    assert stun == IceServer(("stun:stun.politie.example:3478",))
    assert turn.urls == ("turn:turn.politie.example:3478?transport=udp", "turns:turn.politie.example:443")
    assert (turn.username, turn.credential) == ("1700000600:0f8e2a4c", "bdqZhzxh/oWbU+y8OwJYmS0tGSY=")


def test_no_ice_servers_by_default() -> None:
    ice = IceConfig.from_settings(Settings(), now=lambda: 0)
    assert ice.servers_for("0f8e2a4c-1111") == ()
    assert ice.relay_only is False


def test_relay_only_comes_with_the_turn_relay() -> None:
    settings = Settings(call_turn_urls="turn:turn.politie.example:3478", call_turn_secret="s", call_relay_only=True)
    ice = IceConfig.from_settings(settings, now=lambda: 0)
    assert ice.relay_only is True
    assert [server.urls for server in ice.servers_for("0f8e2a4c-1111")] == [("turn:turn.politie.example:3478",)]


def test_relay_only_is_read_from_the_environment() -> None:
    environ = {"POLITIELOKET_BACKEND_CALL_RELAY_ONLY": "true",
               "POLITIELOKET_BACKEND_CALL_TURN_URLS": "turn:127.0.0.1:3478?transport=udp",
               "POLITIELOKET_BACKEND_CALL_TURN_SECRET": "s"}  # fmt: skip
    assert IceConfig.from_settings(load_settings(environ=environ), now=lambda: 0).relay_only is True


@pytest.mark.parametrize(
    "values",
    [
        {"call_turn_urls": "turn:t.example:3478"},  # no secret
        {"call_stun_urls": "http://stun.example"},
        {"call_turn_urls": "stun:t.example", "call_turn_secret": "s"},
        {"call_turn_ttl_seconds": 5},
        {"call_relay_only": True},  # relay-only without a relay: no call could ever connect
        {"call_relay_only": True, "call_stun_urls": "stun:stun.example:3478"},
        {"call_relay_only": True, "call_turn_urls": " , ", "call_turn_secret": "s"},
    ],
)
def test_bad_call_settings_are_refused_at_start(values: dict[str, object]) -> None:
    with pytest.raises(SettingsError):
        IceConfig.from_settings(Settings(**values), now=lambda: 0)  # type: ignore[arg-type]


def test_relay_only_without_a_turn_url_says_what_is_missing() -> None:
    with pytest.raises(SettingsError, match="call_relay_only needs call_turn_urls"):
        IceConfig.from_settings(Settings(call_relay_only=True), now=lambda: 0)
