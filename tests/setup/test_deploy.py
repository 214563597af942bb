"""deploy/ runs: PostgreSQL with its settings, two workers as their unit starts them, nginx with TLS in front, coturn.

Each part is started from its own file in deploy/ (tests/setup/deployment.py renders the test's ports and paths
into them), and everything the kiosk and an officer do goes through nginx over HTTPS.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import httpx
import psycopg
import pytest
from aioice import stun
from aioice.turn import TurnClientUdpProtocol
from websockets.sync.client import connect
from websockets.typing import Origin

from backend.http.auth import SESSION_COOKIE
from backend.services.ice import turn_credentials
from backend.services.photos import MAX_PHOTO_BYTES
from backend.settings import Settings as BackendSettings
from backend.settings import load_settings as load_backend_settings
from backend.storage.db import Database
from domain.call import CONSOLE_CALL_PATH, KIOSK_CALL_PATH, Accept, Error, Hello, Ringing, decode
from kiosk.delivery.backend_client import Unreachable
from kiosk.delivery.httpx_client import HttpxBackendClient
from kiosk.delivery.wiring import open_delivery
from kiosk.settings import load_settings as load_kiosk_settings
from tests.kiosk.delivery_support import wait_until
from tests.setup.conftest import OFFICER
from tests.setup.deployment import (
    ENV_PREFIX,
    ENVIRONMENT,
    REPO,
    SITE,
    UNIT,
    Region,
    environment_file,
    render,
    upstream_ports,
)
from tools.coturn import stun_binding
from tools.samples import make_payload

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(180)]


# ----- the files themselves -----------------------------------------------------------------------------------
def test_the_environment_file_names_only_real_settings_and_agrees_with_nginx() -> None:
    values = environment_file(ENVIRONMENT.read_text())
    names = {field.name for field in fields(BackendSettings)}
    assert all(key.startswith(ENV_PREFIX) and key.removeprefix(ENV_PREFIX).lower() in names for key in values)
    settings = load_backend_settings(environ=values)
    assert settings.secure_cookies and settings.database_url.startswith("postgresql://")
    limit, photo_limit = re.findall(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert int(limit) * 1024 * 1024 == settings.max_body_bytes == BackendSettings().max_body_bytes
    assert int(photo_limit) * 1024 * 1024 == MAX_PHOTO_BYTES  # the one larger body: a still of an identity document
    site = SITE.read_text()
    assert f"location = {KIOSK_CALL_PATH} {{" in site and f"location = {CONSOLE_CALL_PATH} {{" in site
    assert len(upstream_ports(site)) == 2


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: apt-get install systemd")
    environment = tmp_path / "backend.env"
    environment.write_text(ENVIRONMENT.read_text())
    unit = render(UNIT.read_text(), {
        "/opt/politieloket/.venv/bin/python": str(Path(shutil.which("python3") or "/usr/bin/python3")),
        "EnvironmentFile=/etc/politieloket/backend.env": f"EnvironmentFile={environment}",
    })  # fmt: skip
    (tmp_path / UNIT.name).write_text(unit)
    done = subprocess.run([analyze, "verify", "--man=no", str(tmp_path / "politieloket-backend@8001.service")],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0 and not re.search(r"Unknown|Invalid|Failed", done.stderr), done.stderr


# ----- the running region -------------------------------------------------------------------------------------
def test_nginx_accepts_the_rendered_site(region: Region) -> None:
    checked = region.nginx.check()
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


def test_postgresql_runs_with_the_fragment_and_has_connections_for_every_worker(region: Region) -> None:
    with psycopg.connect(region.database_url) as connection:
        max_connections = int(show(connection, "max_connections"))
        reserved = int(show(connection, "superuser_reserved_connections"))
        idle = show(connection, "idle_in_transaction_session_timeout")
    assert idle == "5min"  # the fragment was read, not only initdb's defaults
    database = Database(region.database_url)
    try:
        pool = database.engine.pool
        # the pool at its peak (QueuePool's max_overflow), and the call queue's LISTEN connection
        per_worker = pool.size() + pool._max_overflow + 1  # type: ignore[attr-defined]
    finally:
        database.dispose()
    commands = 10  # add-kiosk, add-user, purge next to the workers
    assert max_connections >= len(region.worker_urls) * per_worker + commands + reserved


def show(connection: psycopg.Connection, setting: str) -> str:
    row = connection.execute(f"SHOW {setting}").fetchone()
    assert row is not None
    return str(row[0])


def test_a_case_from_the_kiosk_arrives_once_through_nginx_and_the_officer_sees_it(
    region: Region, tmp_path: Path
) -> None:
    token = region.add_kiosk("Kiosk Emmen bibliotheek")
    untrusting = HttpxBackendClient(region.https_url, token, 5.0)  # the public CAs only
    with pytest.raises(Unreachable):
        untrusting.provisioning()
    untrusting.close()
    data_dir = tmp_path / "kiosk"
    # As README says: the kiosk trusts the region's CA through its setting, from provisioning on.
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "provision", "--backend", region.https_url,
         "--token", token],
        env={**os.environ, "POLITIELOKET_KIOSK_BACKEND_CA_FILE": str(region.ca_file)}, cwd=REPO, capture_output=True,
        text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    fast = {"send_initial_backoff": 0.05, "send_max_backoff": 0.5, "send_idle_interval": 0.2, "request_timeout": 5.0}
    settings = load_kiosk_settings({"data_dir": data_dir, **fast},
                                   environ={"POLITIELOKET_KIOSK_BACKEND_CA_FILE": str(region.ca_file)})  # fmt: skip
    assert settings.provisioned and settings.backend_url == region.https_url
    payload = make_payload("bike_theft", 0, language="ar", namespace=f"deploy-{uuid.uuid4()}")
    case_id = uuid.UUID(payload.case_id)
    delivery = open_delivery(settings)
    delivery.start()
    try:
        delivery.outbox.put_case(payload)
        wait_until(lambda: case_id in dict(delivery.sender.status().references), what="the receipt")
        reference = dict(delivery.sender.status().references)[case_id]
        delivery.outbox.put_case(payload)  # sealed again, as after a crash before the receipt was kept
        wait_until(lambda: delivery.sender.status().pending_cases == 0, what="the repeat")
        assert dict(delivery.sender.status().references)[case_id] == reference
        assert delivery.sender.status().last_error is None
    finally:
        delivery.stop()
    with psycopg.connect(region.database_url) as connection:
        rows = Counter(row[0] for row in connection.execute("SELECT id FROM cases").fetchall())
    assert rows == {case_id: 1}
    with officer(region) as console:
        queue = console.get("/api/cases", params={"reference": reference})
        assert queue.status_code == 200
        assert [row["id"] for row in queue.json()["cases"]] == [str(case_id)]


@contextmanager
def officer(region: Region) -> Iterator[httpx.Client]:
    """The officer's browser, signed in through nginx."""
    with httpx.Client(base_url=region.https_url, verify=region.ssl_context(), timeout=10.0) as client:
        name, password = OFFICER
        answer = client.post("/api/auth/login", json={"name": name, "password": password})
        assert answer.status_code == 200, answer.text
        yield client


def test_an_officer_logs_in_through_nginx_with_a_secure_cookie(region: Region) -> None:
    with httpx.Client(base_url=region.https_url, verify=region.ssl_context(), timeout=10.0) as client:
        name, password = OFFICER
        login = client.post("/api/auth/login", json={"name": name, "password": password})
        assert login.status_code == 200, login.text
        cookie = login.headers["set-cookie"].lower()
        assert cookie.startswith(SESSION_COOKIE) and "secure" in cookie and "httponly" in cookie
        assert "samesite=strict" in cookie
        assert login.headers["strict-transport-security"].startswith("max-age=")
        assert login.headers["cache-control"] == "no-store"
        for _ in region.worker_urls:  # nginx takes turns: every worker knows the session (it is in PostgreSQL)
            me = client.get("/api/auth/me")
            assert me.status_code == 200 and me.json()["user"]["name"] == name
        page = client.get("/console/queue")
        assert page.status_code == 200 and page.headers.get_list("cache-control") == ["no-store"]
    plain = httpx.get(f"{region.http_url}/console/queue", follow_redirects=False, timeout=10.0)
    assert plain.status_code == 301 and plain.headers["location"].startswith("https://")


def test_the_call_sockets_upgrade_through_nginx(region: Region) -> None:
    with officer(region) as console:
        csrf = console.get("/api/auth/me").json()["csrf_token"]
        session = console.cookies[SESSION_COOKIE]
    with connect(
        region.websocket_url(CONSOLE_CALL_PATH), ssl=region.ssl_context(), origin=Origin(region.https_url),
        additional_headers={"Cookie": f"{SESSION_COOKIE}={session}"}, proxy=None, open_timeout=10,
    ) as socket_:  # fmt: skip
        socket_.send(Hello(csrf).to_json())
        assert isinstance(decode(socket_.recv(timeout=10)), Ringing)
    token = region.add_kiosk("Kiosk Emmen station")
    with connect(
        region.websocket_url(KIOSK_CALL_PATH), ssl=region.ssl_context(), proxy=None, open_timeout=10,
        additional_headers={"Authorization": f"Bearer {token}"},
    ) as socket_:  # fmt: skip
        socket_.send(Accept("kiosk-may-not-accept").to_json())  # answered by the route itself, whatever the queue
        assert isinstance(decode(socket_.recv(timeout=10)), Error)


# ----- coturn -------------------------------------------------------------------------------------------------
def test_coturn_runs_from_its_config_with_the_backends_credentials_and_relays_to_no_private_address(
    region: Region,
) -> None:
    turn = region.turn
    assert stun_binding(turn.host, turn.port, timeout=2.0) is not None  # UDP 3478's stand-in answers STUN
    with socket.create_connection((turn.host, turn.tls_port), timeout=5) as raw, region.ssl_context().wrap_socket(
        raw, server_hostname=turn.host
    ) as tls:  # fmt: skip
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    username, password = turn_credentials(turn.secret, "deploy-test", int(time.time()) + 600)
    relayed, refusals = asyncio.run(_allocate(turn.host, turn.port, username, password,
                                              ["8.8.8.8", "10.1.2.3", "127.0.0.1", "172.16.5.4", "192.168.1.10"]))
    assert relayed[0] == turn.host
    assert refusals == {"8.8.8.8": None, "10.1.2.3": 403, "127.0.0.1": 403, "172.16.5.4": 403, "192.168.1.10": 403}
    with pytest.raises(stun.TransactionFailed):
        asyncio.run(_allocate(turn.host, turn.port, username, "not-the-password", []))


async def _allocate(
    host: str, port: int, username: str, password: str, peers: list[str]
) -> tuple[tuple[str, int], dict[str, int | None]]:
    """A TURN allocation with long-term credentials, then a permission for each peer: None or its error code."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: TurnClientUdpProtocol((host, port), username=username, password=password, lifetime=600,
                                      channel_refresh_time=500),
        remote_addr=(host, port),
    )  # fmt: skip
    try:
        relayed = await protocol.connect()
    except BaseException:
        transport.close()
        raise
    try:
        refusals: dict[str, int | None] = {}
        for peer in peers:
            request = stun.Message(message_method=stun.Method.CREATE_PERMISSION, message_class=stun.Class.REQUEST)
            request.attributes["XOR-PEER-ADDRESS"] = (peer, 9)
            try:
                await protocol.request_with_retry(request)
                refusals[peer] = None
            except stun.TransactionFailed as failed:
                refusals[peer] = failed.response.error_code
        return relayed, refusals
    finally:
        await protocol.delete()



def test_a_worker_killed_mid_delivery_loses_no_case_and_stores_none_twice(region: Region, tmp_path: Path) -> None:
    """Both workers stop answering while the kiosk sends; one is then killed (SIGKILL), the other goes on. Whatever
    reached which worker, the case is stored exactly once and the kiosk holds its receipt. Runs last in the module:
    it restarts the killed worker for whatever comes after."""
    token = region.add_kiosk("Kiosk Emmen gemeentehuis")
    data_dir = tmp_path / "kiosk"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "provision", "--backend", region.https_url,
         "--token", token],
        env={**os.environ, "POLITIELOKET_KIOSK_BACKEND_CA_FILE": str(region.ca_file)}, cwd=REPO, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    fast = {"send_initial_backoff": 0.05, "send_max_backoff": 0.5, "send_idle_interval": 0.2, "request_timeout": 1.0}
    settings = load_kiosk_settings({"data_dir": data_dir, **fast},
                                   environ={"POLITIELOKET_KIOSK_BACKEND_CA_FILE": str(region.ca_file)})  # fmt: skip
    payload = make_payload("theft", 0, language="pl", namespace=f"killed-{uuid.uuid4()}")
    case_id = uuid.UUID(payload.case_id)
    first, second = region.workers
    delivery = open_delivery(settings)
    delivery.start()
    try:
        for worker in region.workers:
            worker.signal(signal.SIGSTOP)  # they take connections but answer nothing
        delivery.outbox.put_case(payload)
        wait_until(lambda: delivery.sender.status().last_error is not None, what="the kiosk to give up on a try")
        first.kill()
        second.signal(signal.SIGCONT)  # finishes whatever reached it, answers the kiosk's next try
        wait_until(lambda: case_id in dict(delivery.sender.status().references), what="the receipt", timeout=60)
        assert delivery.sender.status().pending_cases == 0
    finally:
        delivery.stop()
        if first.process is None:
            first.start()
        second.signal(signal.SIGCONT)
    with psycopg.connect(region.database_url) as connection:
        rows = Counter(row[0] for row in connection.execute("SELECT id FROM cases").fetchall())
    assert rows[case_id] == 1
