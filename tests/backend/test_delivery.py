"""Kiosk case delivery: sealed round trip, idempotent retries, conflicts, refusals that reveal nothing."""

from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from nacl.public import PrivateKey
from sqlalchemy import func, select

from backend.services.intake import open_delivery
from backend.services.kiosks import KioskIdentity
from backend.services.references import ALPHABET
from backend.services.schemas import Role
from backend.storage.audit import SYSTEM
from backend.storage.models import AuditEntry, Case
from domain.wire import CASES_PATH, MAX_SEALED_BYTES, PROVISIONING_PATH, CaseDelivery
from kiosk.delivery.sealing import seal
from tests.backend.support import Backend, LiveServer, normalised, payload_for, utc
from tools.samples import ANSWERS, SECRETS

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL


def count_cases(backend: Backend) -> int:
    with backend.services.db.read() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def test_provisioning_hands_out_the_sealing_key(backend: Backend) -> None:
    kiosk = backend.kiosk(name="Kiosk Emmen")
    answer = backend.anonymous.get(PROVISIONING_PATH, headers=kiosk.headers)
    assert answer.status_code == 200
    assert answer.json() == {
        "kiosk_id": str(kiosk.id), "name": "Kiosk Emmen", "location": "Emmen, bibliotheek",
        "public_key": backend.services.keys.public_key,
    }  # fmt: skip
    assert len(base64.b64decode(answer.json()["public_key"])) == 32


@pytest.mark.parametrize("case_type", sorted(ANSWERS))
def test_sealed_case_round_trip_to_an_officer(backend: Backend, case_type: str) -> None:
    kiosk = backend.kiosk()
    case_id = uuid.uuid4()
    answer = backend.deliver(kiosk, payload_for(case_id, case_type))
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["case_id"] == str(case_id) and receipt["duplicate"] is False
    reference = receipt["reference"]
    assert len(reference) == 7 and reference[3] == "-" and set(reference.replace("-", "")) <= set(ALPHABET)

    officer = backend.sign_in(Role.OFFICER)
    detail = officer.get(f"/api/cases/{case_id}").json()
    assert detail["reference"] == reference and detail["status"] == "new" and detail["case_type"] == case_type
    assert detail["answers"] == normalised(case_type)  # exactly what the kiosk sealed
    assert detail["location"] == "Emmen, bibliotheek"
    if "description" in ANSWERS[case_type]:
        assert detail["translations"]["description"]["dutch"] == "Mijn fiets is gestolen."


def test_the_same_case_again_gets_the_same_reference_and_stores_nothing(backend: Backend) -> None:
    kiosk = backend.kiosk()
    payload = payload_for(uuid.uuid4())
    first = backend.deliver(kiosk, payload)
    again = backend.deliver(kiosk, payload)  # sealed anew: other ciphertext, same content
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert count_cases(backend) == 1


def test_the_same_case_id_with_other_content_is_a_conflict(backend: Backend) -> None:
    kiosk = backend.kiosk()
    case_id = uuid.uuid4()
    assert backend.deliver(kiosk, payload_for(case_id)).status_code == 201
    changed = {**ANSWERS["bike_theft"], "bike_brand": "Batavus"}
    answer = backend.deliver(kiosk, payload_for(case_id, answers=changed))
    assert answer.status_code == 409
    assert answer.json()["error"] == "case_id_conflict"
    assert count_cases(backend) == 1


def test_concurrent_deliveries_of_one_case_store_one_row(backend: Backend, live: LiveServer) -> None:
    kiosk = backend.kiosk()
    payload = payload_for(uuid.uuid4())
    bodies = [backend.delivery(payload) for _ in range(12)]

    def send(body: dict[str, object]) -> httpx.Response:
        return httpx.post(f"{live.url}{CASES_PATH}", json=body, headers=kiosk.headers, timeout=30)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(send, bodies))
    assert sorted(a.status_code for a in answers) == [200] * 11 + [201]
    assert len({a.json()["reference"] for a in answers}) == 1
    assert sum(not a.json()["duplicate"] for a in answers) == 1
    assert count_cases(backend) == 1


def test_a_payload_sealed_to_another_key_is_refused_without_content(backend: Backend) -> None:
    kiosk = backend.kiosk()
    payload = payload_for(uuid.uuid4())
    other_key = base64.b64encode(bytes(PrivateKey.generate().public_key)).decode()
    answer = backend.deliver(kiosk, payload, sealed=seal(payload.to_json(), other_key))
    assert answer.status_code == 422 and answer.json()["error"] == "unsealable"
    for garbage in ("not base64!", base64.b64encode(b"too short").decode(), ""):
        answer = backend.deliver(kiosk, payload, sealed=garbage)
        assert answer.status_code == 422 and answer.json()["error"] == "unsealable"
    assert count_cases(backend) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("case_type", "theft"), ("language", "ar"), ("case_id", "00000000-0000-4000-8000-000000000001")],
)
def test_a_payload_that_disagrees_with_the_clear_metadata_is_refused(backend: Backend, field: str, value: str) -> None:
    answer = backend.deliver(backend.kiosk(), payload_for(uuid.uuid4()), **{field: value})
    assert answer.status_code == 422
    assert answer.json()["error"] == "payload_mismatch"
    assert field in answer.json()["detail"]
    assert count_cases(backend) == 0


def test_unreadable_payload_inside_a_good_seal_is_refused(backend: Backend) -> None:
    payload = payload_for(uuid.uuid4())
    for plaintext in (b"not json", b"[1, 2]", b'{"case_id": "x"}', b"{\"answers\": 1}"):
        sealed = seal(plaintext, backend.services.keys.public_key)
        answer = backend.deliver(backend.kiosk(), payload, sealed=sealed)
        assert answer.status_code == 422 and answer.json()["error"] == "unreadable_payload"


def test_answers_that_break_the_form_are_refused_naming_fields_not_content(backend: Backend) -> None:
    answers = {**ANSWERS["bike_theft"], "phone": "Zwanenburg-Oukili 12", "bike_type": "unicycle"}
    del answers["last_name"]
    answer = backend.deliver(backend.kiosk(), payload_for(uuid.uuid4(), answers=answers))
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_answers"
    assert "phone: invalid_phone" in body["detail"] and "last_name: required" in body["detail"]
    assert "bike_type: invalid_choice" in body["detail"]
    assert not any(secret in answer.text for secret in SECRETS)
    assert "unicycle" not in answer.text


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"case_type": "burglary"}, "unknown_case_type"),
        ({"schema_version": 99}, "unsupported_schema_version"),
        ({"language": "xx"}, "unsupported_language"),
    ],
)
def test_unknown_form_or_language_is_refused(backend: Backend, changes: dict[str, object], error: str) -> None:
    case_id = uuid.uuid4()
    base = payload_for(case_id)
    fields = {"case_type": base.case_type, "schema_version": base.schema_version, "language": base.language}
    fields.update(changes)
    payload = replace(base, **fields)  # the payload agrees with the metadata; the backend just does not know it
    answer = backend.deliver(backend.kiosk(), payload)
    assert answer.status_code == 422 and answer.json()["error"] == error


def test_kiosk_token_is_required_and_checked(backend: Backend) -> None:
    kiosk = backend.kiosk()
    body = backend.delivery(payload_for(uuid.uuid4()))
    assert backend.anonymous.post(CASES_PATH, json=body).status_code == 401
    wrong = {"Authorization": "Bearer " + "x" * 43}
    assert backend.anonymous.post(CASES_PATH, json=body, headers=wrong).json()["error"] == "invalid_token"
    backend.services.kiosks.revoke(kiosk.id, SYSTEM)
    answer = backend.anonymous.post(CASES_PATH, json=body, headers=kiosk.headers)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert count_cases(backend) == 0


def test_oversized_bodies_are_refused_with_413(backend: Backend) -> None:
    kiosk = backend.kiosk()
    limit = backend.services.settings.max_body_bytes
    answer = backend.anonymous.post(
        CASES_PATH, content=b"{" + b" " * limit + b"}", headers={**kiosk.headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"

    def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    answer = backend.anonymous.post(CASES_PATH, content=chunks(), headers=kiosk.headers)
    assert answer.status_code == 413
    sealed = "A" * (4 * (MAX_SEALED_BYTES // 3) + 8)
    answer = backend.deliver(kiosk, payload_for(uuid.uuid4()), sealed=sealed)
    assert answer.status_code == 413


def test_kiosk_times_without_offset_are_taken_as_utc(backend: Backend) -> None:
    backend.set_clock(utc("2026-11-21T10:00:00+00:00"))
    case_id = uuid.uuid4()
    answer = backend.deliver(backend.kiosk(), payload_for(case_id), created_at="2026-11-21T09:15:00")
    assert answer.status_code == 201
    officer = backend.sign_in(Role.OFFICER)
    assert officer.get(f"/api/cases/{case_id}").json()["created_at"] == "2026-11-21T09:15:00Z"


def test_an_insert_that_loses_the_race_is_answered_from_the_stored_row(backend: Backend) -> None:
    """What a concurrent delivery meets: the row appeared after its check; the unique id decides."""
    account = backend.kiosk()
    payload = payload_for(uuid.uuid4())
    first = backend.deliver(account, payload).json()
    body = backend.delivery(payload)
    delivery = CaseDelivery(
        case_id=uuid.UUID(body["case_id"]), case_type=body["case_type"], schema_version=body["schema_version"],
        language=body["language"], created_at=backend.services.clock(), sealed=body["sealed"],
    )  # fmt: skip
    opened = open_delivery(delivery, backend.services.keys)
    kiosk = KioskIdentity(account.id, "k", "Emmen, bibliotheek")
    receipt = backend.services.cases.store(delivery, opened, kiosk, backend.services.clock())
    assert (receipt.reference, receipt.duplicate) == (first["reference"], True)
    assert count_cases(backend) == 1


def test_a_case_id_belongs_to_the_kiosk_that_first_delivered_it(backend: Backend) -> None:
    """Kiosk B replaying kiosk A's sealed delivery learns nothing: 409, no reference, an audit entry."""
    kiosk_a, kiosk_b = backend.kiosk(name="kiosk-a"), backend.kiosk(name="kiosk-b")
    payload = payload_for(uuid.uuid4())
    body = backend.delivery(payload)
    first = backend.anonymous.post(CASES_PATH, json=body, headers=kiosk_a.headers)
    assert first.status_code == 201
    replay = backend.anonymous.post(CASES_PATH, json=body, headers=kiosk_b.headers)
    assert replay.status_code == 409 and replay.json()["error"] == "case_id_conflict"
    assert first.json()["reference"] not in replay.text
    again = backend.anonymous.post(CASES_PATH, json=body, headers=kiosk_a.headers)
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]
    with backend.services.db.read() as session:
        entries = session.execute(select(AuditEntry.action, AuditEntry.actor_name, AuditEntry.case_id)).all()
    assert ("case_replayed", "kiosk kiosk-b", uuid.UUID(payload.case_id)) in entries
    assert count_cases(backend) == 1


@pytest.mark.parametrize("created_at, flag", [("9000-01-01T00:00:00+00:00", "ahead"),
                                              ("1970-01-01T00:00:00+00:00", "behind"),
                                              ("2026-11-21T09:00:00+00:00", None)])
def test_a_kiosk_clock_far_off_is_clamped_for_the_queue_and_flagged(
    backend: Backend, created_at: str, flag: str | None
) -> None:
    now = utc("2026-11-21T10:00:00+00:00")
    backend.set_clock(now)
    case_id = uuid.uuid4()
    assert backend.deliver(backend.kiosk(), payload_for(case_id), created_at=created_at).status_code == 201
    officer = backend.sign_in(Role.OFFICER)
    detail = officer.get(f"/api/cases/{case_id}").json()
    ordered = utc(detail["created_at"])
    assert now - timedelta(days=30) <= ordered <= now + timedelta(minutes=5)
    assert detail["clock_flag"] == flag
    assert utc(detail["kiosk_created_at"]) == utc(created_at)  # the original is kept
    view = officer.get(f"/api/cases/{case_id}").json()
    if flag:
        assert "kioskklok" in view["created_text"] and "kiosk gaf" in view["created_text"]
    queue = officer.get("/api/cases?view=new").json()
    assert str(case_id) in [row["id"] for row in queue["cases"]]  # on the first page, not behind every other case


@pytest.mark.parametrize("entry", [
    {"original": 5, "source_language": "en", "dutch": "x"},
    {"original": "x", "source_language": "en", "dutch": ["not", "text"]},
    {"original": "x", "source_language": "en", "dutch": "x", "hops": [{"package": 1, "version": "1", "source": "en",
                                                                        "target": "nl"}]},
    {"original": "x", "source_language": "en", "dutch": "x", "low_confidence": "yes"},
])  # fmt: skip
def test_a_malformed_translation_is_stored_as_no_translation_with_the_original(
    backend: Backend, entry: dict[str, object]
) -> None:
    """Never trusted, never a lost case: the officer gets the resident's own words, flagged."""
    case_id = uuid.uuid4()
    raw = {**json.loads(payload_for(case_id).to_json()), "translations": {"description": entry}}
    sealed = seal(json.dumps(raw).encode(), backend.services.keys.public_key)
    answer = backend.deliver(backend.kiosk(), payload_for(case_id), sealed=sealed)
    assert answer.status_code == 201, answer.text
    stored = backend.sign_in(Role.OFFICER).get(f"/api/cases/{case_id}").json()["translations"]["description"]
    assert stored["dutch"] is None and stored["reason"] == "failed" and stored["low_confidence"] is True
    assert stored["original"] == ANSWERS["bike_theft"]["description"]


@pytest.mark.parametrize("translations", [{"description": "just a string"}, {"description": {"unknown": 1}}])
def test_translations_that_are_not_translation_records_are_refused(
    backend: Backend, translations: dict[str, object]
) -> None:
    case_id = uuid.uuid4()
    raw = {**json.loads(payload_for(case_id).to_json()), "translations": translations}
    sealed = seal(json.dumps(raw).encode(), backend.services.keys.public_key)
    answer = backend.deliver(backend.kiosk(), payload_for(case_id), sealed=sealed)
    assert answer.status_code == 422 and answer.json()["error"] == "unreadable_payload", answer.text
    assert count_cases(backend) == 0


def test_a_huge_translation_is_kept_out_and_the_original_flagged(backend: Backend) -> None:
    case_id = uuid.uuid4()
    raw = json.loads(payload_for(case_id).to_json())
    raw["translations"]["description"]["dutch"] = "fiets " * 40_000  # 240 KB
    sealed = seal(json.dumps(raw).encode(), backend.services.keys.public_key)
    assert backend.deliver(backend.kiosk(), payload_for(case_id), sealed=sealed).status_code == 201
    officer = backend.sign_in(Role.OFFICER)
    stored = officer.get(f"/api/cases/{case_id}").json()["translations"]["description"]
    assert stored["dutch"] is None and stored["reason"] == "too_long" and stored["low_confidence"] is True
    assert officer.get(f"/api/cases/{case_id}/export.pdf").status_code == 200


@pytest.mark.parametrize("depth", [13, 5000, 200_000])
def test_deeply_nested_values_are_refused_not_crashed_on(backend: Backend, depth: int) -> None:
    case_id = uuid.uuid4()
    text = payload_for(case_id).to_json().decode()
    nested = text.replace('"value":45000', '"value":' + "[" * depth + "]" * depth)
    assert nested != text
    sealed = seal(nested.encode(), backend.services.keys.public_key)
    answer = backend.deliver(backend.kiosk(), payload_for(case_id), sealed=sealed)
    assert answer.status_code in (413, 422) and answer.json()["error"] in ("unreadable_payload", "too_large")


@pytest.mark.parametrize("depth", [5000, 200_000])
def test_deeply_nested_request_bodies_are_refused_not_crashed_on(backend: Backend, depth: int) -> None:
    body = '{"case_id": ' + "[" * depth + "]" * depth + "}"
    answer = backend.anonymous.post(CASES_PATH, content=body, headers={**backend.kiosk().headers,
                                                                       "content-type": "application/json"})
    assert answer.status_code in (400, 413, 422), answer.text  # a clear refusal, never a 500
