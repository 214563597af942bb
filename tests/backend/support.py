"""Helpers for backend API tests: kiosks, signed-in users and sealed deliveries, as real clients make them."""

from __future__ import annotations

import copy
import io
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from backend.http.auth import CSRF_HEADER
from backend.services.schemas import Role
from backend.storage.audit import SYSTEM
from backend.wiring import Services
from domain.forms import FormCatalog, default_assets_dir
from domain.payload import CasePayload, Translation
from domain.validation import validate
from domain.wire import CASES_PATH
from kiosk.delivery.sealing import seal
from kiosk.session.payloads import build_payload
from tools.samples import ANSWERS

PASSWORD = "correct horse battery staple"
CREATED_AT = "2026-11-21T10:15:00+01:00"


@dataclass
class KioskAccount:
    id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class SignedIn:
    """A browser session: cookie jar plus the CSRF token, sent on every change."""

    def __init__(self, client: TestClient, csrf: str, name: str, user_id: str) -> None:
        self.client = client
        self.csrf = csrf
        self.name = name
        self.user_id = user_id

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {CSRF_HEADER: self.csrf, **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


FORMS = FormCatalog.load(default_assets_dir() / "forms")


def normalised(case_type: str, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answers as the kiosk seals them: what domain validation returns for what the resident typed."""
    result = validate(FORMS.get(case_type), ANSWERS[case_type] if answers is None else answers,
                      now=datetime.fromisoformat(CREATED_AT))
    assert result.ok, result.errors
    return result.values


def payload_for(
    case_id: uuid.UUID, case_type: str = "bike_theft", answers: dict[str, Any] | None = None, language: str = "en"
) -> CasePayload:
    """What the kiosk's own code seals for these typed answers (validate, then kiosk.session.payloads.build_payload).

    Answers that do not pass validation are sealed as they are: a hand-made payload, as an attacker would send.
    """
    answers = copy.deepcopy(ANSWERS[case_type] if answers is None else answers)
    created = datetime.fromisoformat(CREATED_AT)
    result = validate(FORMS.get(case_type), answers, now=created)
    translations = {}
    if "description" in answers:
        original = result.values.get("description", answers["description"]) if result.ok else answers["description"]
        translations["description"] = Translation(
            original=original, source_language=language, dutch="Mijn fiets is gestolen.",
        )
    if result.ok:
        built = build_payload(FORMS.get(case_type), language, result.values, translations, created)
        return replace(built, case_id=str(case_id))
    return CasePayload(
        case_id=str(case_id), case_type=case_type, schema_version=1, language=language, created_at=CREATED_AT,
        answers=answers, translations=translations,
    )  # fmt: skip


def document_still(width: int = 480, height: int = 300, image_format: str = "JPEG", **save: Any) -> bytes:
    """A made-up identity card as the officer's browser sends it after cropping the call's video: a specimen, no
    real person's data. `save` goes to Pillow (exif=..., comment=..., pnginfo=...)."""
    card = Image.new("RGB", (width, height), (214, 228, 240))
    draw = ImageDraw.Draw(card)
    unit = max(1, height // 10)
    bold = ImageFont.truetype(str(default_assets_dir() / "fonts" / "NotoSans-Bold.ttf"), max(1, unit * 4 // 5))
    plain = ImageFont.truetype(str(default_assets_dir() / "fonts" / "NotoSans-Regular.ttf"), max(1, unit * 3 // 4))
    draw.rectangle((0, 0, width, unit * 2), fill=(21, 41, 90))
    draw.text((unit // 2, unit // 2), "IDENTITEITSKAART — SPECIMEN", font=bold, fill="white")
    draw.rectangle((unit // 2, unit * 3, unit // 2 + width // 4, height - unit), fill=(150, 160, 172))
    draw.ellipse((unit + width // 16, unit * 4, width // 4 - unit // 2, unit * 6), fill=(110, 118, 128))
    for row, line in enumerate(("Naam: VOORBEELD", "Voornamen: Sam", "Geboren: 01 01 1990", "Nr: XX00AB12")):
        draw.text((width // 4 + unit, unit * 3 + row * unit * 3 // 2), line, font=plain, fill=(20, 20, 20))
    out = io.BytesIO()
    card.save(out, image_format, **save)
    return out.getvalue()


KEPT_SESSIONS_ADDRESS = "198.51.100.250"  # TEST-NET-2 (RFC 5737)


class Backend:
    """The app under test and the shortcuts a test needs to drive it."""

    def __init__(self, services: Services, app: FastAPI) -> None:
        self.services = services
        self.app = app
        self.anonymous = TestClient(app)
        self._clients: list[TestClient] = [self.anonymous]

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def client(self, address: str = "testclient") -> TestClient:
        client = TestClient(self.app, client=(address, 50000))
        self._clients.append(client)
        return client

    def kiosk(self, name: str | None = None, location: str = "Emmen, bibliotheek") -> KioskAccount:
        kiosk, token = self.services.kiosks.provision(name or f"kiosk-{uuid.uuid4().hex[:8]}", location, SYSTEM)
        return KioskAccount(kiosk.id, token)

    def user(self, role: Role, name: str | None = None) -> str:
        name = name or f"{role.value}-{uuid.uuid4().hex[:8]}"
        self.services.accounts.create_user(name, role, PASSWORD)
        return name

    def sign_in(self, role: Role, name: str | None = None, address: str = "testclient") -> SignedIn:
        name = name or self.user(role)
        client = self.client(address)
        answer = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return SignedIn(client, body["csrf_token"], name, body["user"]["id"])

    def working_session(self, role: Role, kept: dict[Role, SignedIn]) -> SignedIn:
        """The session kept for `role` while `/api/auth/me` says it still works, else a new login (kept too).

        For tests that send many requests as each role, some of which may end the session (log out)."""
        session = kept.get(role)
        if session is None or session.client.get("/api/auth/me").status_code != 200:
            # From an address of its own: the failed logins those many requests make (all from "testclient")
            # reach the per-address throttle, which must not lock out the test's own sign-in.
            session = kept[role] = self.sign_in(role, address=KEPT_SESSIONS_ADDRESS)
        return session

    def delivery(self, payload: CasePayload, **changes: Any) -> dict[str, Any]:
        """The CaseDelivery JSON a kiosk sends for `payload`, freshly sealed (sealed boxes are randomised)."""
        body = {
            "case_id": payload.case_id, "case_type": payload.case_type, "schema_version": payload.schema_version,
            "language": payload.language, "created_at": payload.created_at,
            "sealed": seal(payload.to_json(), self.services.keys.public_key),
        }  # fmt: skip
        body.update(changes)
        return body

    def deliver(self, kiosk: KioskAccount, payload: CasePayload, **changes: Any) -> httpx.Response:
        return self.anonymous.post(CASES_PATH, json=self.delivery(payload, **changes), headers=kiosk.headers)

    def new_case(self, kiosk: KioskAccount | None = None, case_type: str = "bike_theft") -> tuple[uuid.UUID, str]:
        """A delivered case: its id and reference."""
        case_id = uuid.uuid4()
        answer = self.deliver(kiosk or self.kiosk(), payload_for(case_id, case_type))
        assert answer.status_code == 201, answer.text
        return case_id, answer.json()["reference"]

    def set_clock(self, moment: datetime) -> None:
        self.services.clock = lambda: moment


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class LiveServer:
    """The app served by uvicorn in a thread on 127.0.0.1, for tests with real concurrent HTTP clients."""

    def __init__(self, app: FastAPI, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
