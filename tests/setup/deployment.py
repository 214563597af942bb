"""A region as deploy/ describes it, running on this machine for tests: PostgreSQL, backend workers, nginx, coturn.

Every part starts from its own file in deploy/, rendered with the test's ports and paths; `render` fails when a
value it replaces is no longer in the file, so the tests follow the deployment and never hold a copy of it:

    with running_region(workdir) as region:
        region.https_url                    # nginx (TLS with a CA made for the test: region.ca_file)
        region.websocket_url(KIOSK_CALL_PATH)
        region.turn.url, region.turn.secret # coturn, with the secret the workers hand out credentials for
        region.backend("add-kiosk", ...)    # a technician's command with the workers' environment

Everything listens on 127.0.0.1 only. As root, PostgreSQL runs as `postgres` (tools/postgres.py) and
nginx's workers as root (the test's files are not readable by nobody).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tools.backend_process import free_port
from tools.coturn import Coturn, turnserver_path
from tools.health import wait_until_healthy
from tools.postgres import PostgresServer, find_bin_dir

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "systemd" / "politieloket-backend@.service"
ENVIRONMENT = DEPLOY / "backend.env"
SITE = DEPLOY / "nginx" / "politieloket.conf"
TURNSERVER_CONF = DEPLOY / "coturn" / "turnserver.conf"
POSTGRESQL_CONF = DEPLOY / "postgresql" / "politieloket.conf"
ENV_PREFIX = "POLITIELOKET_BACKEND_"
HOST = "127.0.0.1"


def nginx_path() -> str | None:
    found = shutil.which("nginx")
    return found or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def missing_packages() -> list[str]:
    """The Debian packages a region needs that this machine lacks (for the skip message)."""
    needed = {"nginx": nginx_path(), "coturn": turnserver_path(), "postgresql": find_bin_dir()}
    return [package for package, found in needed.items() if found is None]


def render(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with each key replaced by its value; a key that is not in `text` means the deploy file changed."""
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"the deploy file no longer contains {old!r}: update the test's rendering")
        text = text.replace(old, new)
    return text


# ----- systemd ------------------------------------------------------------------------------------------------
def unit_entries(text: str, section: str = "Service") -> list[tuple[str, str]]:
    """A unit file's `Key=Value` lines in one section, in order (keys may repeat)."""
    entries: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section:
            key, _, value = line.partition("=")
            entries.append((key.strip(), value.strip()))
    return entries


def environment_file(text: str) -> dict[str, str]:
    """systemd's EnvironmentFile= as deploy/backend.env uses it: KEY=VALUE lines, comments on their own lines."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, equals, value = line.partition("=")
        if not equals:
            raise AssertionError(f"not KEY=VALUE in the environment file: {line!r}")
        values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class WorkerCommand:
    """What systemd runs for politieloket-backend@PORT, with this checkout's interpreter and directory."""

    argv: list[str]
    environment: dict[str, str]


def worker_command(unit_text: str, port: int, environment: Mapping[str, str]) -> WorkerCommand:
    entries = unit_entries(unit_text)
    (exec_start,) = [value for key, value in entries if key == "ExecStart"]
    argv = shlex.split(exec_start.replace("%i", str(port)))
    assert argv[0].endswith("/.venv/bin/python"), argv[0]
    fixed = dict(value.split("=", 1) for key, value in entries if key == "Environment")
    return WorkerCommand([sys.executable, *argv[1:]], {**fixed, **environment})


def clean_environment(values: Mapping[str, str]) -> dict[str, str]:
    """A service's environment: no POLITIELOKET_* variable of the test run leaks in, only `values`."""
    kept = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
    return {**kept, **values}


# ----- certificates -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Certificates:
    ca_file: Path  # the test CA (self-signed): what a kiosk or browser is told to trust
    chain_file: Path  # the server's certificate for 127.0.0.1, then the CA's (as fullchain.pem)
    key_file: Path


def make_certificates(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Politieloket test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(HOST)), x509.DNSName("localhost")]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    certificates = Certificates(directory / "ca.pem", directory / "fullchain.pem", directory / "privkey.pem")
    certificates.ca_file.write_bytes(ca.public_bytes(pem))
    certificates.chain_file.write_bytes(server.public_bytes(pem) + ca.public_bytes(pem))
    certificates.key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    certificates.key_file.chmod(0o600)
    return certificates


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )  # fmt: skip


# ----- nginx --------------------------------------------------------------------------------------------------
def upstream_ports(site: str) -> list[int]:
    """The worker ports of the site's upstream block: one politieloket-backend@PORT each."""
    (block,) = re.findall(r"upstream politieloket_backend \{(.*?)\}", site, re.S)
    return [int(port) for port in re.findall(r"^\s*server 127\.0\.0\.1:(\d+)", block, re.M)]


class Nginx:
    """nginx with the rendered site included, as Debian's nginx.conf includes sites-enabled/: foreground, its
    pid, logs and temporary files in `workdir`."""

    def __init__(self, workdir: Path, site: str) -> None:
        self.workdir = workdir
        self.site_file = workdir / "politieloket.conf"
        self.conf_file = workdir / "nginx.conf"
        self.error_log = workdir / "error.log"
        self.site = site
        self.process: subprocess.Popen[bytes] | None = None

    def main_conf(self) -> str:
        directory = self.workdir
        user = "user root root;\n" if os.geteuid() == 0 else ""
        temporary = "".join(f"    {kind}_temp_path {directory / kind};\n"
                            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return (
            f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
            f"error_log {self.error_log} info;\nevents {{ worker_connections 256; }}\n"
            f"http {{\n    access_log {directory / 'access.log'};\n{temporary}    include {self.site_file};\n}}\n"
        )

    def _command(self, *args: str) -> list[str]:
        binary = nginx_path()
        assert binary is not None
        return [binary, "-p", str(self.workdir), "-c", str(self.conf_file), "-e", str(self.error_log), *args]

    def write(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.site_file.write_text(self.site)
        self.conf_file.write_text(self.main_conf())

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the rendered configuration."""
        self.write()
        return subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=30, check=False)

    def start(self, port: int, timeout: float = 15.0) -> None:
        self.write()
        self.process = subprocess.Popen(self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not _accepts(HOST, port):
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not listen on {port}: {self.log_text()[-2000:]}")
            time.sleep(0.02)

    def stop(self) -> None:
        _terminate(self.process)
        self.process = None

    def log_text(self) -> str:
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _terminate(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ----- coturn -------------------------------------------------------------------------------------------------
class DeployedCoturn(Coturn):
    """coturn from deploy/coturn/turnserver.conf on loopback test ports (tools/coturn.py starts and stops it).

    Loopback peers stay refused, as in the deployment: this relay is for checking the configuration, not for a
    call between two peers on this machine (tools/coturn.py's own configuration is for that)."""

    def __init__(self, workdir: Path, certificates: Certificates, secret: str) -> None:
        (realm,) = re.findall(r"^realm=(.+)$", TURNSERVER_CONF.read_text(), re.M)
        super().__init__(workdir, host=HOST, secret=secret, realm=realm, allow_loopback=False)
        self.tls_port = free_port()
        self.certificates = certificates

    def config(self) -> str:
        text = TURNSERVER_CONF.read_text()
        (placeholder,) = re.findall(r"^static-auth-secret=(.+)$", text, re.M)
        return render(text, {
            "listening-ip=203.0.113.10": f"listening-ip={self.host}",
            "relay-ip=203.0.113.10": f"relay-ip={self.host}",
            "listening-port=3478": f"listening-port={self.port}",
            "tls-listening-port=5349": f"tls-listening-port={self.tls_port}",
            f"static-auth-secret={placeholder}": f"static-auth-secret={self.secret}",
            "cert=/etc/ssl/politieloket/turn-fullchain.pem": f"cert={self.certificates.chain_file}",
            "pkey=/etc/ssl/politieloket/turn-privkey.pem": f"pkey={self.certificates.key_file}",
            "userdb=/var/lib/turn/turndb": f"userdb={self.workdir / 'turndb'}",
            "\nsyslog\n": f"\nlog-file={self.log}\nsimple-log\nno-stdout-log\npidfile={self.pidfile}\n",
        })  # fmt: skip


# ----- the region ---------------------------------------------------------------------------------------------
@dataclass
class Worker:
    """One backend worker process as its unit starts it; a test may pause, kill and start it again."""

    command: WorkerCommand
    url: str
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            environment = clean_environment(self.command.environment)
            self.process = subprocess.Popen(self.command.argv, cwd=REPO, env=environment, stdout=output,
                                            stderr=subprocess.STDOUT)  # fmt: skip

    def signal(self, number: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a paused worker would not hear SIGTERM
        _terminate(self.process)


@dataclass
class Region:
    https_url: str  # nginx: what kiosks and officers' browsers are given
    http_url: str  # nginx's plain-HTTP port (redirects)
    ca_file: Path  # trust this for https_url and the call sockets
    worker_urls: tuple[str, ...]  # each worker directly, behind nginx's back
    database_url: str
    environment: dict[str, str]  # deploy/backend.env as rendered: every worker's and command's settings
    turn: DeployedCoturn
    nginx: Nginx
    workdir: Path
    workers: list[Worker] = field(default_factory=list)  # nginx's upstream, in its order

    def websocket_url(self, path: str) -> str:
        return "wss://" + self.https_url.removeprefix("https://") + path

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def backend(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """`python -m backend ARGS` as a technician runs it next to the workers (README: the workers' environment)."""
        return subprocess.run(
            [sys.executable, "-m", "backend", *args], cwd=REPO, env=clean_environment(self.environment),
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    def add_kiosk(self, name: str, location: str = "Emmen, bibliotheek") -> str:
        done = self.backend("add-kiosk", name, "--location", location)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1].strip()


def rendered_environment(database_url: str, keys_dir: Path, turn: DeployedCoturn) -> dict[str, str]:
    values = environment_file(ENVIRONMENT.read_text())
    changes = {
        f"{ENV_PREFIX}DATABASE_URL": database_url,
        f"{ENV_PREFIX}KEYS_DIR": str(keys_dir),
        f"{ENV_PREFIX}CALL_STUN_URLS": f"stun:{turn.host}:{turn.port}",
        f"{ENV_PREFIX}CALL_TURN_URLS": f"{turn.url},turns:{turn.host}:{turn.tls_port}?transport=tcp",
        f"{ENV_PREFIX}CALL_TURN_SECRET": turn.secret,
    }
    unknown = set(changes) - set(values)
    assert not unknown, f"deploy/backend.env no longer sets {sorted(unknown)}"
    return {**values, **changes}


def rendered_site(certificates: Certificates, http_port: int, https_port: int, workers: list[int],
                  logs: Path) -> str:  # fmt: skip
    site = SITE.read_text()
    deployed = upstream_ports(site)
    assert len(deployed) == len(workers)
    return render(site, {
        "listen 80;": f"listen {HOST}:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen {HOST}:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        **{f"server 127.0.0.1:{old} ": f"server 127.0.0.1:{new} " for old, new in zip(deployed, workers, strict=True)},
        "/etc/ssl/politieloket/fullchain.pem": str(certificates.chain_file),
        "/etc/ssl/politieloket/privkey.pem": str(certificates.key_file),
        "/var/log/nginx/politieloket.access.log": str(logs / "politieloket.access.log"),
        "/var/log/nginx/politieloket.error.log": str(logs / "politieloket.error.log"),
    })  # fmt: skip


@contextmanager
def running_region(workdir: Path, officers: Mapping[str, str] | None = None) -> Iterator[Region]:
    """PostgreSQL with deploy/postgresql's settings, the workers of nginx's upstream started as their unit says,
    nginx in front and coturn beside; `officers` (name: password) are added first with `add-user`."""
    bin_dir = find_bin_dir()
    assert bin_dir is not None
    certificates = make_certificates(workdir / "tls")
    with ExitStack() as stack:
        postgres = PostgresServer(bin_dir)
        stack.callback(postgres.stop)
        postgres.start(POSTGRESQL_CONF.read_text())
        database_url = postgres.create_database("politieloket")

        turn = DeployedCoturn(workdir / "coturn", certificates, secret=os.urandom(24).hex())
        environment = rendered_environment(database_url, workdir / "keys", turn)

        http_port, https_port = free_port(), free_port()
        site = SITE.read_text()
        workers = [free_port() for _ in upstream_ports(site)]
        nginx = Nginx(workdir / "nginx", rendered_site(certificates, http_port, https_port, workers, workdir / "nginx"))
        region = Region(
            https_url=f"https://{HOST}:{https_port}", http_url=f"http://{HOST}:{http_port}",
            ca_file=certificates.ca_file, worker_urls=tuple(f"http://{HOST}:{port}" for port in workers),
            database_url=database_url, environment=environment, turn=turn, nginx=nginx, workdir=workdir,
        )  # fmt: skip

        # The first command makes the keys and the schema (README, "Deploying a region": before the workers).
        for name, password in (officers or {}).items():
            done = region.backend("add-user", name, "--role", "officer", stdin=password + "\n")
            assert done.returncode == 0, done.stderr

        unit = UNIT.read_text()
        for port in workers:
            worker = Worker(worker_command(unit, port, environment), f"http://{HOST}:{port}",
                            workdir / f"worker-{port}.log")  # fmt: skip
            worker.start()
            stack.callback(worker.stop)
            region.workers.append(worker)
        stack.callback(nginx.stop)
        nginx.start(https_port)
        stack.callback(turn.stop)
        turn.start()
        for worker in region.workers:
            assert worker.process is not None
            wait_until_healthy(worker.process, worker.url, worker.log, timeout=60)
        yield region


class RegionBackend:
    """A region as the call rig's backend (tools/call_rig.BackendSide): the kiosk and the officer go through nginx
    to whichever worker it picks."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._officers: dict[str, str] = {}
        self._stack = ExitStack()
        self.region: Region | None = None

    @property
    def url(self) -> str:
        assert self.region is not None, "start() first"
        return self.region.https_url

    @property
    def officer_url(self) -> str:
        return self.url

    @property
    def ca_file(self) -> str:
        return str(self.region.ca_file) if self.region is not None else ""

    def add_officer(self, name: str, password: str) -> None:
        self._officers[name] = password  # added by the region's first command, before its workers start

    def start(self) -> None:
        self.region = self._stack.enter_context(running_region(self._workdir, officers=self._officers))

    def add_kiosk(self, name: str, location: str) -> str:
        assert self.region is not None, "start() first"
        return self.region.add_kiosk(name, location)

    def stop(self) -> None:
        self._stack.close()
