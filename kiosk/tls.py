"""How the kiosk checks the backend's certificate, for HTTPS (kiosk/delivery) and the call WebSocket (kiosk/call)."""

from __future__ import annotations

import ssl


def backend_ssl_context(ca_file: str) -> ssl.SSLContext | None:
    """Settings.backend_ca_file as what the kiosk's connections to the backend verify its certificate with: only the
    CA(s) in that PEM file; None (empty setting): the public CAs. A file that cannot be read fails here, when the
    client is made."""
    return ssl.create_default_context(cafile=ca_file) if ca_file else None
