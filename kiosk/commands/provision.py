"""Provision this kiosk: check its token against the backend, then store URL, token and the backend's key.

`python -m kiosk [--data-dir DIR] provision --backend URL --token TOKEN`. Nothing is written unless the
backend accepted the token and answered with a valid public key.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from kiosk.delivery.backend_client import BackendClient, DeliveryError, TokenRefused
from kiosk.delivery.httpx_client import HttpxBackendClient
from kiosk.delivery.outbox import SqlOutbox
from kiosk.delivery.sealing import InvalidPublicKey, fingerprint, load_public_key
from kiosk.settings import Settings, save_provisioning

ClientFactory = Callable[[str, str, float], BackendClient]

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ProvisioningFailed(Exception):
    """Plain words for the technician; the exit code says which kind of failure."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", required=True, metavar="URL", help="backend base URL, e.g. https://loket.example")
    parser.add_argument("--token", required=True,
                        help="the kiosk token printed by the backend's add-kiosk (--token=TOKEN works as well)")
    parser.add_argument(
        "--allow-http", action="store_true", help="allow plain http to a host other than this machine (testing only)"
    )
    parser.add_argument(
        "--force", action="store_true", help="switch to a backend with another key even though cases are waiting"
    )


def check_url(url: str, allow_http: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProvisioningFailed(f"not a backend URL: {url!r} (expected https://host[:port])", 2)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS and not allow_http:
        raise ProvisioningFailed("refusing plain http: the kiosk token would travel readable; use https", 2)
    return url.rstrip("/")


def provision(
    settings: Settings,
    url: str,
    token: str,
    *,
    allow_http: bool = False,
    force: bool = False,
    client_factory: ClientFactory | None = None,
) -> Settings:
    url = check_url(url, allow_http)
    if client_factory is None:  # a region's own CA (backend_ca_file) counts from the first contact on
        client_factory = functools.partial(HttpxBackendClient, ca_file=settings.backend_ca_file)
    client = client_factory(url, token, settings.request_timeout)
    try:
        info = client.provisioning()
    except TokenRefused as error:
        message = "the backend refused this token: check it (add-kiosk prints it) and try again"
        raise ProvisioningFailed(message, 3) from error
    except DeliveryError as error:
        raise ProvisioningFailed(f"could not provision: {error.reason} at {url}", 4) from error
    finally:
        client.close()
    try:
        load_public_key(info.public_key)
    except InvalidPublicKey as error:
        raise ProvisioningFailed(f"the backend sent an unusable public key: {error}", 4) from error
    _check_waiting_cases(settings, info.public_key, force)
    return save_provisioning(
        settings,
        backend_url=url,
        kiosk_token=token,
        backend_public_key=info.public_key,
        kiosk_name=info.name,
        location=info.location,
    )


def _check_waiting_cases(settings: Settings, new_key: str, force: bool) -> None:
    """Waiting cases are sealed to the old key: a backend with another key could never open them."""
    if force or not settings.backend_public_key or settings.backend_public_key == new_key:
        return
    if not settings.outbox_file.exists():
        return
    waiting = SqlOutbox(settings.outbox_file).counts().pending_cases
    if waiting:
        raise ProvisioningFailed(
            f"{waiting} case(s) are still waiting for the current backend, whose key differs: "
            "let them be sent first, or use --force to switch anyway",
            5,
        )


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        provisioned = provision(settings, args.backend, args.token, allow_http=args.allow_http, force=args.force)
    except ProvisioningFailed as failure:
        print(f"Provisioning failed: {failure}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return failure.exit_code
    print(f"Provisioned as {provisioned.kiosk_name!r} ({provisioned.location}) against {provisioned.backend_url}")
    print(f"Backend key fingerprint: {fingerprint(provisioned.backend_public_key)}")
    print(f"Config: {provisioned.config_file} (readable only by this user)")
    return 0
