"""Fuzz of what travels inside the seal: random JSON shapes and strings, whole payloads and single parts of a real
one. Whatever a kiosk (or someone holding a kiosk token) seals, the backend answers without a server error, and a
case it stores can be read by an officer as the console view, the JSON export and the PDF."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.services.schemas import Role
from domain.wire import CASES_PATH
from kiosk.delivery.sealing import seal
from tests.backend.support import Backend, SignedIn, payload_for
from tests.strategies import text_values

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text_values(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text_values(), inner, max_size=4),
    max_leaves=20,
)
PARTS = ["answers", "translations", "created_at", "format", "case_type", "language", "schema_version"]


def sealed_answer(backend: Backend, kiosk_headers: dict[str, str], raw: Any, case_id: uuid.UUID) -> int:
    clear = payload_for(case_id)
    body = backend.delivery(clear)
    plaintext = json.dumps(raw, ensure_ascii=False).encode("utf-8", "surrogatepass")
    body["sealed"] = seal(plaintext, backend.services.keys.public_key)
    answer = backend.anonymous.post(CASES_PATH, json=body, headers=kiosk_headers)
    assert answer.status_code < 500, answer.text
    return answer.status_code


def readable(officer: SignedIn, case_id: uuid.UUID) -> None:
    for path in ("", "/export.json", "/export.pdf"):
        answer = officer.get(f"/api/cases/{case_id}{path}")
        assert answer.status_code == 200, (path, answer.text)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                derandomize=True)


@FUZZ
@given(raw=JSON)
def test_any_json_inside_the_seal_gets_a_clear_answer(backend: Backend, raw: Any) -> None:
    kiosk = backend.kiosk()
    assert sealed_answer(backend, kiosk.headers, raw, uuid.uuid4()) in (400, 409, 413, 422)


@FUZZ
@given(part=st.sampled_from(PARTS), value=JSON, field=text_values(), nested=JSON)
def test_one_part_of_a_real_payload_replaced_by_anything(
    backend: Backend, part: str, value: Any, field: str, nested: Any
) -> None:
    kiosk = backend.kiosk()
    case_id = uuid.uuid4()
    raw = json.loads(payload_for(case_id).to_json())
    raw[part] = value
    if part == "answers":  # also: one answer replaced, keeping the rest of the real answers
        raw["answers"] = {**json.loads(payload_for(case_id).to_json())["answers"], field: nested}
    if part == "translations":
        raw["translations"] = {"description": nested} if isinstance(nested, dict) else value
    status = sealed_answer(backend, kiosk.headers, raw, case_id)
    if status == 201:
        readable(backend.sign_in(Role.OFFICER), case_id)
