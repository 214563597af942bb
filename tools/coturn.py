"""A real TURN relay for tests: Debian's coturn (`turnserver`) with use-auth-secret, as the backend expects it.

    with Coturn(workdir) as turn:
        settings = {"call_turn_urls": turn.url, "call_turn_secret": turn.secret, "call_relay_only": True}

It writes its own turnserver.conf, pid file and log into `workdir`, listens and relays on one address (127.0.0.1
by default, inside a test's network namespace), and is ready once it answers a STUN binding request. coturn refuses
peers on loopback addresses unless told otherwise (`allow-loopback-peers`): on one machine both peers' relayed
addresses are 127.0.0.1, so the tests need it; a deployment must not set it (`allow_loopback=False`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path
from types import TracebackType

TURNSERVER = "/usr/bin/turnserver"
STUN_MAGIC_COOKIE = 0x2112A442
STUN_BINDING_REQUEST = 0x0001
STUN_BINDING_SUCCESS = 0x0101


def turnserver_path() -> str | None:
    """Where coturn's turnserver is, or None (scripts/install-system installs the coturn package)."""
    return TURNSERVER if os.access(TURNSERVER, os.X_OK) else shutil.which("turnserver")


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def stun_binding(host: str, port: int, timeout: float = 0.2) -> tuple[str, int] | None:
    """One STUN binding request over UDP (RFC 8489); the mapped address coturn answers, or None."""
    transaction = secrets.token_bytes(12)
    request = struct.pack("!HHI", STUN_BINDING_REQUEST, 0, STUN_MAGIC_COOKIE) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(timeout)
        try:
            probe.sendto(request, (host, port))
            data = probe.recv(2048)
        except OSError:  # no answer yet (timeout), or ICMP port unreachable
            return None
    kind, length, cookie = struct.unpack("!HHI", data[:8])
    if kind != STUN_BINDING_SUCCESS or cookie != STUN_MAGIC_COOKIE or data[8:20] != transaction:
        return None
    offset = 20
    while offset + 4 <= 20 + length:
        attribute, size = struct.unpack("!HH", data[offset : offset + 4])
        if attribute == 0x0020 and size == 8:  # XOR-MAPPED-ADDRESS, IPv4
            xport = struct.unpack("!H", data[offset + 6 : offset + 8])[0] ^ (STUN_MAGIC_COOKIE >> 16)
            xaddr = struct.unpack("!I", data[offset + 8 : offset + 12])[0] ^ STUN_MAGIC_COOKIE
            return socket.inet_ntoa(struct.pack("!I", xaddr)), xport
        offset += 4 + size + (-size % 4)
    return None


class Coturn:
    """One turnserver process: start() until it answers STUN, stop() with SIGTERM; a context manager."""

    def __init__(
        self,
        workdir: Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        relay_ports: tuple[int, int] = (49160, 49200),
        secret: str | None = None,
        realm: str = "politieloket.test",
        allow_loopback: bool = True,
    ) -> None:
        self.workdir = workdir
        self.host = host
        self.port = port or free_udp_port(host)
        self.relay_ports = relay_ports
        self.secret = secret or secrets.token_urlsafe(24)
        self.realm = realm
        self.allow_loopback = allow_loopback
        self.conf = workdir / "turnserver.conf"
        self.log = workdir / "turnserver.log"
        self.pidfile = workdir / "turnserver.pid"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The backend's call_turn_urls for this relay (UDP: what both aiortc and Chromium speak here)."""
        return f"turn:{self.host}:{self.port}?transport=udp"

    def config(self) -> str:
        lines = [
            f"listening-ip={self.host}",
            f"relay-ip={self.host}",
            f"listening-port={self.port}",
            f"min-port={self.relay_ports[0]}",
            f"max-port={self.relay_ports[1]}",
            "use-auth-secret",
            f"static-auth-secret={self.secret}",
            f"realm={self.realm}",
            "fingerprint",
            "no-tls",
            "no-dtls",
            "no-tcp",  # UDP only: the one transport the backend's URL names
            "no-tcp-relay",
            "no-cli",
            "no-rfc5780",
            "no-software-attribute",
            "no-multicast-peers",
            f"pidfile={self.pidfile}",
            f"userdb={self.workdir / 'turndb'}",  # never the system's /var/lib/turn/turndb
            f"log-file={self.log}",
            "simple-log",  # one file, no date in its name
            "no-stdout-log",
            "verbose",  # the log names every allocation and permission: the tests read it
        ]
        if self.allow_loopback:
            lines.append("allow-loopback-peers")
        return "\n".join(lines) + "\n"

    def start(self, timeout: float = 15.0) -> None:
        binary = turnserver_path()
        if binary is None:
            raise FileNotFoundError("coturn's turnserver is not installed (scripts/install-system installs it)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.conf.write_text(self.config())
        self.conf.chmod(0o600)  # it holds the secret
        output = (self.workdir / "turnserver.out").open("ab")
        with output:
            self.process = subprocess.Popen([binary, "-c", str(self.conf)], stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while stun_binding(self.host, self.port) is None:
            if self.process.poll() is not None:
                raise RuntimeError(f"turnserver exited with {self.process.returncode}: {self.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"turnserver did not answer STUN on {self.host}:{self.port} in {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def allocations(self) -> list[str]:
        """The log's lines for successful TURN allocations (one per peer and component that used the relay)."""
        return [line for line in self.log_text().splitlines() if "ALLOCATE processed, success" in line]

    def __enter__(self) -> Coturn:
        self.start()
        return self

    def __exit__(
        self, error_type: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
