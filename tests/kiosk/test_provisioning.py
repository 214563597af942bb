import json
import os
import stat
from pathlib import Path

import pytest

from kiosk.commands import status
from kiosk.commands.cli import main
from kiosk.commands.provision import ClientFactory, ProvisioningFailed, provision
from kiosk.delivery.backend_client import BackendClient, TokenRefused, Unreachable
from kiosk.delivery.outbox import SqlOutbox
from kiosk.settings import Settings, load_settings
from tests.kiosk.delivery_support import FakeBackend, Keypair
from tools.samples import make_payload


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend(Keypair())


def factory(backend: FakeBackend) -> ClientFactory:
    def make(url: str, token: str, timeout: float) -> BackendClient:
        backend.calls.append(f"client {url} {token}")
        return backend

    return make


def test_a_good_token_stores_url_token_key_name_and_location_privately(tmp_path: Path, backend: FakeBackend) -> None:
    settings = provision(Settings(data_dir=tmp_path), "https://loket.example/", "tok", client_factory=factory(backend))
    assert settings.provisioned and settings.backend_url == "https://loket.example"
    stored = json.loads((tmp_path / "config.json").read_text())
    assert stored == {
        "backend_url": "https://loket.example",
        "kiosk_token": "tok",
        "backend_public_key": backend.keys.public_b64,
        "kiosk_name": "Kiosk Bibliotheek",
        "location": "Emmen, bibliotheek",
    }
    assert stat.S_IMODE(os.stat(tmp_path / "config.json").st_mode) == 0o600
    assert load_settings({"data_dir": tmp_path}, environ={}).kiosk_token == "tok"


@pytest.mark.parametrize(("failure", "code"), [(TokenRefused(), 3), (Unreachable(), 4)])
def test_a_refused_token_or_unreachable_backend_changes_nothing(
    tmp_path: Path, backend: FakeBackend, failure: Exception, code: int
) -> None:
    (tmp_path / "config.json").write_text('{"backend_url": "https://old.example"}')
    backend.failure = failure
    with pytest.raises(ProvisioningFailed) as raised:
        provision(Settings(data_dir=tmp_path), "https://loket.example", "bad", client_factory=factory(backend))
    assert raised.value.exit_code == code
    assert (tmp_path / "config.json").read_text() == '{"backend_url": "https://old.example"}'


@pytest.mark.parametrize("url", ["http://loket.example", "ftp://loket.example", "loket.example"])
def test_plain_http_off_this_machine_and_non_urls_are_refused_before_any_request(
    tmp_path: Path, backend: FakeBackend, url: str
) -> None:
    with pytest.raises(ProvisioningFailed):
        provision(Settings(data_dir=tmp_path), url, "tok", client_factory=factory(backend))
    assert backend.calls == []
    assert not (tmp_path / "config.json").exists()


def test_switching_key_with_cases_waiting_needs_force(tmp_path: Path, backend: FakeBackend) -> None:
    old = Keypair()
    settings = Settings(
        data_dir=tmp_path, backend_url="https://old", kiosk_token="t", backend_public_key=old.public_b64
    )
    SqlOutbox(settings.outbox_file, old.public_b64).put_case(make_payload())
    with pytest.raises(ProvisioningFailed) as raised:
        provision(settings, "https://new.example", "tok", client_factory=factory(backend))
    assert raised.value.exit_code == 5 and not settings.config_file.exists()
    switched = provision(settings, "https://new.example", "tok", force=True, client_factory=factory(backend))
    assert switched.backend_public_key == backend.keys.public_b64


def test_the_cli_reports_a_clear_failure_and_a_non_zero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # nothing listens on port 9 of this machine
    code = main(["--data-dir", str(tmp_path), "provision", "--backend", "http://127.0.0.1:9", "--token", "x"])
    assert code == 4
    err = capsys.readouterr().err
    assert "backend not reachable" in err and "Nothing was changed" in err
    assert not (tmp_path / "config.json").exists()


def test_status_shows_provisioning_backlog_and_held_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = Keypair()
    main(["--data-dir", str(tmp_path), "status"])
    assert "not provisioned" in capsys.readouterr().out
    outbox = SqlOutbox(tmp_path / "outbox.sqlite", keys.public_b64)
    outbox.put_case(make_payload("theft", 1))
    outbox.put_case(make_payload("theft", 2))
    first = outbox.next_case(now=1e12)
    assert first is not None
    outbox.hold_case(first.delivery.case_id, "backend already has a different case with this id")
    second = outbox.next_case(now=1e12)
    assert second is not None
    outbox.postpone_case(second.delivery.case_id, "backend not reachable", until=0)
    (tmp_path / "config.json").write_text(
        json.dumps(
            {
                "backend_url": "https://l.example",
                "kiosk_token": "secret-token",
                "backend_public_key": keys.public_b64,
                "kiosk_name": "K1",
                "location": "Emmen",
            }
        )
    )
    assert main(["--data-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "Provisioning: K1 (Emmen)" in out and "secret-token" not in out
    assert "2 case(s) waiting" in out
    assert "backend not reachable (1x)" in out
    assert f"set aside: case {first.delivery.case_id}" in out
    assert main(["--data-dir", str(tmp_path), "status", "--retry-held"]) == 0
    assert "Put 1 held" in capsys.readouterr().out
    assert outbox.counts().held_cases == 0


def test_age_is_readable() -> None:
    assert [status.age(s) for s in (5, 600, 36000)] == ["5 s", "10 min", "10.0 h"]
