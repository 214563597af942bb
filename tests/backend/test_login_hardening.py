"""Login hardening: the throttle's rule on its own, then through the real app (on SQLite and PostgreSQL):
429 with Retry-After per account and per address, audited lockouts an admin sees and lifts, state shared
by two app instances on one database, unknown names treated alike, TOTP enrolment and login, mandatory TOTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from backend.http.app import create_app
from backend.services.schemas import Role
from backend.services.throttle import Limits, decide, locks_now, over_limit
from backend.settings import Settings, SettingsError, load_settings
from backend.storage.models import AuditEntry, UserTotp
from backend.wiring import Services
from tests.backend.support import PASSWORD, Backend, SignedIn

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL

T0 = datetime(2026, 11, 24, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30 s TOTP step
LIMITS = Limits()
WRONG = "not the password at all"


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


# --- the rule, without a database ----------------------------------------------------------------------------


def test_the_account_is_throttled_from_the_fifth_failure_within_fifteen_minutes() -> None:
    four = [T0 + minutes(i) for i in range(4)]
    assert decide(four, [], None, T0 + minutes(4), LIMITS) is None
    five = [*four, T0 + minutes(4)]
    refusal = decide(five, [], None, T0 + minutes(5), LIMITS)
    assert refusal is not None and refusal.error == "too_many_attempts"
    assert refusal.retry_after == 10 * 60  # the oldest of the five leaves the window at T0 + 15 min
    assert decide(five, [], None, T0 + minutes(15), LIMITS) is None  # the oldest one no longer counts


def test_the_address_has_its_own_higher_limit_and_the_longer_wait_wins() -> None:
    now = T0 + minutes(10)
    nineteen = [T0 + timedelta(seconds=i) for i in range(19)]
    assert decide([], nineteen, None, now, LIMITS) is None
    refusal = decide([], [*nineteen, T0 + minutes(9)], None, now, LIMITS)
    assert refusal is not None and refusal.retry_after == 5 * 60
    account = [now - minutes(1)] * 5
    both = decide(account, [*nineteen, T0 + minutes(9)], None, now, LIMITS)
    assert both is not None and both.retry_after == 14 * 60


def test_a_lockout_comes_first_and_follows_ten_failures_within_the_hour() -> None:
    locked = decide([], [], T0 + minutes(7), T0, LIMITS)
    assert locked is not None and locked.error == "account_locked" and locked.retry_after == 7 * 60
    assert decide([], [], T0, T0, LIMITS) is None  # a lockout that has just ended
    failures = [T0 + minutes(6 * i) for i in range(10)]  # ten failures, never five in a quarter of an hour
    assert locks_now(failures, T0 + minutes(54), LIMITS)
    assert not locks_now(failures, T0 + minutes(61), LIMITS)  # the first one is over an hour old
    assert over_limit([], 1, minutes(1), T0) is None


def test_the_limits_come_from_the_settings() -> None:
    assert Limits.from_settings(load_settings(environ={})) == Limits()
    tight = load_settings(environ={"POLITIELOKET_BACKEND_LOGIN_LOCKOUT_FAILURES": "3"})
    assert Limits.from_settings(tight).lockout_failures == 3
    with pytest.raises(SettingsError):
        load_settings({"login_account_failures": 0}, environ={})


# --- through the app -------------------------------------------------------------------------------------------


def login(client: TestClient, name: str, password: str = PASSWORD, code: str | None = None) -> tuple[int, dict]:
    body = {"name": name, "password": password, **({"code": code} if code else {})}
    answer = client.post("/api/auth/login", json=body)
    return answer.status_code, {"body": answer.json(), "retry_after": answer.headers.get("retry-after")}


def audit(backend: Backend, action: str) -> list[AuditEntry]:
    with backend.services.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_five_failures_give_429_with_retry_after_even_for_the_right_password(backend: Backend) -> None:
    backend.set_clock(T0)
    name = backend.user(Role.OFFICER)
    client = backend.client()
    for _ in range(5):
        assert login(client, name, WRONG)[0] == 401
    status, answer = login(client, name)  # the right password is not even checked now
    assert status == 429 and answer["body"]["error"] == "too_many_attempts" and answer["retry_after"] == "900"
    backend.set_clock(T0 + minutes(15))
    assert login(client, name)[0] == 200


def test_a_successful_login_resets_the_account_count(backend: Backend) -> None:
    backend.set_clock(T0)
    name = backend.user(Role.OFFICER)
    client = backend.client()
    for _ in range(4):
        assert login(client, name, WRONG)[0] == 401
    assert login(client, name)[0] == 200
    for _ in range(4):
        assert login(client, name, WRONG)[0] == 401  # eight failures in all, but never five since the success
    assert login(client, name)[0] == 200


def test_unknown_names_get_the_same_answers_and_the_same_throttle(backend: Backend) -> None:
    backend.set_clock(T0)
    real = backend.user(Role.OFFICER)
    answers = {}
    for name in (real, "nobody-by-this-name"):
        client = backend.client()
        answers[name] = [login(client, name, WRONG) for _ in range(6)]
        backend.set_clock(T0 + minutes(1))
    assert answers[real] == answers["nobody-by-this-name"]
    assert [status for status, _ in answers[real]] == [401] * 5 + [429]


def test_an_address_is_throttled_across_account_names(backend: Backend) -> None:
    backend.set_clock(T0)
    name = backend.user(Role.OFFICER)
    guesser = TestClient(backend.app, client=("198.51.100.7", 40000))
    for index in range(20):
        assert login(guesser, f"guess-{index}", WRONG)[0] == 401  # never five for one name
    status, answer = login(guesser, name)
    assert status == 429 and answer["body"]["error"] == "too_many_attempts" and int(answer["retry_after"]) == 900
    elsewhere = TestClient(backend.app, client=("203.0.113.9", 40000))
    assert login(elsewhere, name)[0] == 200  # another address, and the account itself was never guessed
    guesser.close()
    elsewhere.close()


def test_ten_failures_lock_the_account_audited_shown_to_the_admin_and_unlocked(backend: Backend) -> None:
    backend.set_clock(T0)
    admin = backend.sign_in(Role.ADMIN)
    name = backend.user(Role.OFFICER)
    client = backend.client()
    for batch in range(2):  # five, a quarter of an hour's wait, five more
        backend.set_clock(T0 + minutes(15 * batch))
        for _ in range(5):
            assert login(client, name, WRONG)[0] == 401
    backend.set_clock(T0 + minutes(16))
    status, answer = login(client, name)
    assert status == 429 and answer["body"]["error"] == "account_locked" and answer["retry_after"] == "840"
    locked = audit(backend, "account_locked")
    assert len(locked) == 1 and locked[0].subject is not None and locked[0].subject.startswith(f"user:{name} until:")

    row = next(user for user in admin.get("/api/admin/users").json() if user["name"] == name)
    assert datetime.fromisoformat(row["locked_until"]) == T0 + minutes(30)
    assert admin.post(f"/api/admin/users/{row['id']}/unlock").json()["locked_until"] is None
    assert [entry.actor_name for entry in audit(backend, "account_unlocked")] == [admin.name]
    assert login(client, name)[0] == 200  # unlocked, and the count cleared


def test_an_unknown_name_is_locked_alike_and_its_name_is_not_written_down(backend: Backend) -> None:
    backend.set_clock(T0)
    client = backend.client()
    for batch in range(2):
        backend.set_clock(T0 + minutes(15 * batch))
        for _ in range(5):
            assert login(client, "my secret passphrase", WRONG)[0] == 401
    status, answer = login(client, "my secret passphrase", WRONG)
    assert status == 429 and answer["body"]["error"] == "account_locked"
    assert [entry.subject for entry in audit(backend, "account_locked")] == ["unknown name"]


def test_neither_passwords_nor_names_nor_addresses_are_stored(backend: Backend) -> None:
    backend.set_clock(T0)
    name = backend.user(Role.OFFICER)
    client = TestClient(backend.app, client=("192.0.2.44", 40000))
    for password in ("hunter2-attempt-one", "hunter2-attempt-two"):
        login(client, name, password)
        login(client, "typed-my-password-here", password)
    client.close()
    dumped = []
    with backend.services.db.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            dumped += [repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
    everything = "\n".join(dumped)
    assert "hunter2" not in everything and "192.0.2.44" not in everything
    assert "typed-my-password-here" not in everything
    assert backend.services.throttle.failures_stored() == 8  # 4 attempts, each for the name and the address


@pytest.fixture
def twin(settings: Settings) -> Iterator[TestClient]:
    """A second app instance with its own Services and Database on the same database: another server process."""
    services = Services.start(settings)
    client = TestClient(create_app(settings, services))
    try:
        yield client
    finally:
        client.close()
        services.close()


def test_failures_counted_by_one_instance_are_enforced_by_the_other(backend: Backend, twin: TestClient) -> None:
    name = backend.user(Role.OFFICER)
    first = backend.client()
    for _ in range(5):
        assert login(first, name, WRONG)[0] == 401
    status, answer = login(twin, name)
    assert status == 429 and answer["body"]["error"] == "too_many_attempts" and int(answer["retry_after"]) > 880


# --- TOTP ------------------------------------------------------------------------------------------------------


def enrol(backend: Backend, user: SignedIn) -> pyotp.TOTP:
    started = user.post("/api/auth/totp/enrolment")
    assert started.status_code == 200, started.text
    made = started.json()
    assert made["qr_svg"].startswith("<svg") and made["uri"].startswith("otpauth://totp/Politieloket:")
    totp = pyotp.TOTP(made["secret"])
    wrong = user.post("/api/auth/totp/confirm", json={"code": str((int(totp.at(T0)) + 1) % 1_000_000).zfill(6)})
    assert wrong.status_code == 400 and wrong.json()["error"] == "code_invalid"
    confirmed = user.post("/api/auth/totp/confirm", json={"code": totp.at(T0)})
    assert confirmed.status_code == 200 and confirmed.json()["enrolled"] is True
    return totp


def test_totp_is_enrolled_with_a_first_code_and_stored_encrypted(backend: Backend) -> None:
    backend.set_clock(T0)
    officer = backend.sign_in(Role.OFFICER)
    assert officer.get("/api/auth/totp").json() == {"enrolled": False, "required": False}
    totp = enrol(backend, officer)
    assert officer.get("/api/auth/totp").json()["enrolled"] is True
    assert officer.post("/api/auth/totp/enrolment").json()["error"] == "totp_enrolled"  # 409: not twice
    with backend.services.db.read() as session:
        row = session.scalars(select(UserTotp)).one()
    assert totp.secret.encode() not in row.secret_ciphertext
    assert backend.services.keys.decrypt(row.secret_ciphertext) == totp.secret.encode()
    assert [entry.actor_name for entry in audit(backend, "totp_enrolled")] == [officer.name]


def test_login_asks_for_the_code_accepts_one_step_either_side_and_never_twice(backend: Backend) -> None:
    backend.set_clock(T0)
    officer = backend.sign_in(Role.OFFICER)
    totp = enrol(backend, officer)  # used the code of T0's step
    client = backend.client()
    backend.set_clock(T0 + timedelta(seconds=30))
    status, answer = login(client, officer.name)
    assert status == 401 and answer["body"]["error"] == "code_required"
    assert login(client, officer.name, WRONG, code=totp.at(T0 + timedelta(seconds=30)))[1]["body"]["error"] == (
        "login_failed"  # a wrong password says nothing about the code
    )
    assert login(client, officer.name, code=totp.at(T0))[1]["body"]["error"] == "code_invalid"  # used at enrolment
    assert login(client, officer.name, code=totp.at(T0 - timedelta(seconds=60)))[0] == 401  # outside the window
    assert login(client, officer.name, code=totp.at(T0 + timedelta(seconds=60)))[0] == 200  # one step ahead
    assert login(client, officer.name, code=totp.at(T0 + timedelta(seconds=60)))[0] == 401  # not twice
    backend.set_clock(T0 + timedelta(seconds=90))
    assert login(client, officer.name, code=totp.at(T0 + timedelta(seconds=90)))[0] == 200


def test_wrong_codes_count_as_failed_logins(backend: Backend) -> None:
    backend.set_clock(T0)
    officer = backend.sign_in(Role.OFFICER)
    totp = enrol(backend, officer)
    client = backend.client()
    backend.set_clock(T0 + timedelta(seconds=40))
    for _ in range(5):
        assert login(client, officer.name, code="000000")[1]["body"]["error"] == "code_invalid"
    status, answer = login(client, officer.name, code=totp.at(T0 + timedelta(seconds=40)))
    assert status == 429 and answer["body"]["error"] == "too_many_attempts"
    assert [entry.subject for entry in audit(backend, "login_failed")] == ["totp code"] * 5


def test_mandatory_totp_sends_officers_to_enrolment_and_opens_nothing_else(backend: Backend) -> None:
    backend.set_clock(T0)
    admin = backend.sign_in(Role.ADMIN)
    assert admin.put("/api/admin/totp-policy", json={"required": True}).json() == {"required": True}
    assert [entry.subject for entry in audit(backend, "totp_policy_changed")] == ["required"]
    assert admin.get("/api/admin/users").status_code == 200  # a session from before the change is left alone
    backend.new_case()

    name = backend.user(Role.OFFICER)
    officer_client = backend.client()
    answer = officer_client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert answer.status_code == 200 and answer.json()["totp_enrolment_required"] is True
    officer = SignedIn(officer_client, answer.json()["csrf_token"], name, answer.json()["user"]["id"])
    for path in ("/api/cases", "/api/console/labels"):
        refused = officer.get(path)
        assert refused.status_code == 403 and refused.json()["error"] == "totp_enrolment_required", path
    for page in ("/console/queue", "/console/"):
        assert officer.get(page, follow_redirects=False).headers["location"] == "/console/totp"
    assert officer.get("/console/totp").status_code == 200
    assert officer.get("/api/console/session").json()["totp_enrolment_required"] is True
    assert officer.get("/api/auth/me").json()["totp_enrolment_required"] is True
    assert officer.get("/api/auth/totp").json() == {"enrolled": False, "required": True}

    totp = enrol(backend, officer)
    assert officer.get("/api/cases").status_code == 200  # the same session, now enrolled
    assert officer.get("/api/console/session").json()["totp_enrolment_required"] is False
    backend.set_clock(T0 + timedelta(seconds=30))
    assert login(backend.client(), name, code=totp.at(T0 + timedelta(seconds=30)))[0] == 200

    pilot = backend.sign_in(Role.PILOT)  # the rule is for officers and admins
    assert pilot.get("/api/dashboard").status_code == 200


def test_an_admin_resets_a_lost_totp_and_the_user_enrols_again(backend: Backend) -> None:
    backend.set_clock(T0)
    admin = backend.sign_in(Role.ADMIN)
    officer = backend.sign_in(Role.OFFICER)
    enrol(backend, officer)
    row = next(user for user in admin.get("/api/admin/users").json() if user["name"] == officer.name)
    assert row["totp_enrolled"] is True and row["locked_until"] is None
    assert admin.post(f"/api/admin/users/{row['id']}/totp/reset").json()["totp_enrolled"] is False
    assert officer.get("/api/auth/me").status_code == 401  # its sessions ended
    assert [entry.subject for entry in audit(backend, "totp_reset")] == [f"user:{officer.name}"]
    assert login(backend.client(), officer.name)[0] == 200  # password only again
