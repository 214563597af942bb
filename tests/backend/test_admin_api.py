"""Admin API: kiosks provisioned and revoked, accounts created, disabled and reset, retention set."""

from __future__ import annotations

import uuid

import pytest

from backend.services.schemas import Role
from domain.wire import HEARTBEAT_PATH, PROVISIONING_PATH
from tests.backend.support import PASSWORD, Backend, payload_for


def test_a_kiosk_provisioned_through_the_api_can_deliver_until_revoked(backend: Backend) -> None:
    admin = backend.sign_in(Role.ADMIN)
    made = admin.post("/api/admin/kiosks", json={"name": "Kiosk Assen", "location": "Assen, stadhuis"})
    assert made.status_code == 201
    body = made.json()
    assert body["public_key"] == backend.services.keys.public_key and len(body["token"]) >= 43
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert backend.anonymous.get(PROVISIONING_PATH, headers=headers).json()["location"] == "Assen, stadhuis"
    assert admin.post("/api/admin/kiosks", json={"name": "Kiosk Assen", "location": "x"}).status_code == 409
    assert admin.post("/api/admin/kiosks", json={"name": "", "location": "x"}).status_code == 422
    assert admin.post("/api/admin/kiosks", json={"name": "a\nb", "location": "x"}).status_code == 422

    listed = admin.get("/api/admin/kiosks").json()
    assert [k["name"] for k in listed] == ["Kiosk Assen"] and "token" not in listed[0]
    kiosk_id = body["kiosk"]["id"]
    revoked = admin.post(f"/api/admin/kiosks/{kiosk_id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert backend.anonymous.get(PROVISIONING_PATH, headers=headers).status_code == 401
    assert admin.post(f"/api/admin/kiosks/{uuid.uuid4()}/revoke").status_code == 404


@pytest.mark.both_databases
def test_heartbeats_show_in_the_kiosk_overview(backend: Backend) -> None:
    kiosk = backend.kiosk(name="Kiosk Emmen")
    beat = {"outbox_pending": 4, "oldest_pending_seconds": 95, "last_error": "backend not reachable\n\x00",
            "app_version": "0.1.0", "translation_ready": True}
    assert backend.anonymous.post(HEARTBEAT_PATH, json=beat, headers=kiosk.headers).status_code == 204
    assert backend.anonymous.post(HEARTBEAT_PATH, json={**beat, "outbox_pending": -1},
                                  headers=kiosk.headers).status_code == 422
    (shown,) = backend.sign_in(Role.ADMIN).get("/api/admin/kiosks").json()
    assert shown["outbox_pending"] == 4 and shown["oldest_pending_seconds"] == 95
    assert shown["last_error"] == "backend not reachable  " and shown["app_version"] == "0.1.0"
    assert shown["translation_ready"] is True and shown["last_heartbeat_at"] is not None


def test_users_are_created_disabled_enabled_and_reset(backend: Backend) -> None:
    admin = backend.sign_in(Role.ADMIN)
    made = admin.post("/api/admin/users", json={"name": "agent-jansen", "role": "officer", "password": PASSWORD})
    assert made.status_code == 201 and made.json()["role"] == "officer" and "password" not in made.text
    user_id = made.json()["id"]
    assert admin.post("/api/admin/users", json={"name": "agent-jansen", "role": "officer",
                                                "password": PASSWORD}).status_code == 409
    assert admin.post("/api/admin/users", json={"name": "x", "role": "officer",
                                                "password": "short"}).status_code == 422
    assert admin.post("/api/admin/users", json={"name": "x", "role": "root",
                                                "password": PASSWORD}).status_code == 422

    officer = backend.sign_in(Role.OFFICER, name="agent-jansen")
    assert admin.post(f"/api/admin/users/{user_id}/disable").json()["disabled"] is True
    assert officer.get("/api/auth/me").status_code == 401  # open sessions end at once
    login = {"name": "agent-jansen", "password": PASSWORD}
    assert backend.client().post("/api/auth/login", json=login).status_code == 401
    assert admin.post(f"/api/admin/users/{user_id}/enable").json()["disabled"] is False
    officer = backend.sign_in(Role.OFFICER, name="agent-jansen")

    new_password = "a brand new passphrase"
    assert admin.post(f"/api/admin/users/{user_id}/password", json={"password": new_password}).status_code == 200
    assert officer.get("/api/auth/me").status_code == 401
    assert backend.client().post("/api/auth/login", json=login).status_code == 401
    assert backend.client().post("/api/auth/login", json={**login, "password": new_password}).status_code == 200
    names = [u["name"] for u in admin.get("/api/admin/users").json()]
    assert "agent-jansen" in names and admin.name in names


def test_an_admin_cannot_lock_themselves_out(backend: Backend) -> None:
    admin = backend.sign_in(Role.ADMIN)
    answer = admin.post(f"/api/admin/users/{admin.user_id}/disable")
    assert answer.status_code == 409 and answer.json()["error"] == "cannot_disable_self"


def test_retention_is_read_and_set_within_bounds(backend: Backend) -> None:
    admin = backend.sign_in(Role.ADMIN)
    assert admin.get("/api/admin/retention").json() == {"retention_days": 365}
    assert admin.put("/api/admin/retention", json={"retention_days": 30}).json() == {"retention_days": 30}
    assert admin.get("/api/admin/retention").json() == {"retention_days": 30}
    for bad in (0, -1, 5 * 366 + 1, "a year"):
        assert admin.put("/api/admin/retention", json={"retention_days": bad}).status_code == 422
    assert backend.services.retention.days() == 30


def test_admins_do_not_read_cases(backend: Backend) -> None:
    kiosk = backend.kiosk()
    case_id = uuid.uuid4()
    backend.deliver(kiosk, payload_for(case_id))
    assert backend.sign_in(Role.ADMIN).get(f"/api/cases/{case_id}").status_code == 403
