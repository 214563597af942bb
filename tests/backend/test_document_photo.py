"""The one still of the resident's identity document an officer may keep with a case.

Sent as the raw image (JPEG or PNG), decoded and checked by the backend, kept re-encoded as a JPEG without metadata
and encrypted with the storage key, purged with the case. Only the officer holding the case sees, replaces or
deletes it; only their case file PDF prints it; it never reaches a log, the JSON export or the audit log's text.
"""

from __future__ import annotations

import base64
import io
import itertools
import logging
import shutil
import struct
import subprocess
import uuid
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from PIL import Image, PngImagePlugin
from schemathesis.generation.modes import GenerationMode
from sqlalchemy import select

from backend.services.photos import MAX_PHOTO_BYTES
from backend.services.schemas import Role
from backend.storage.audit import Actor
from backend.storage.models import AuditEntry, CaseDocumentPhoto
from tests.backend.support import Backend, SignedIn, document_still
from tests.backend.test_schemathesis import CHECKS, Credentials

JPEG = {"Content-Type": "image/jpeg"}
PNG = {"Content-Type": "image/png"}
SECRET = "GEHEIM-7Q-MARKER"  # hidden in an upload's metadata: must never come back or reach a log


def claimed_case(backend: Backend) -> tuple[uuid.UUID, SignedIn]:
    case_id, _reference = backend.new_case()
    officer = backend.sign_in(Role.OFFICER)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    return case_id, officer


def photo_path(case_id: uuid.UUID) -> str:
    return f"/api/cases/{case_id}/identity/photo"


def stored(backend: Backend) -> list[CaseDocumentPhoto]:
    with backend.services.db.read() as session:
        return list(session.scalars(select(CaseDocumentPhoto)))


def audit(backend: Backend, *actions: str) -> list[AuditEntry]:
    with backend.services.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id)))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def exif_with_gps_and_comment() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x0110] = "Pixel 8 Pro"  # Model
    exif[0x8825] = {1: "N", 2: (52.0, 46.0, 48.0), 3: "E", 4: (6.0, 54.0, 36.0)}  # GPS: Emmen
    return exif.tobytes()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG file whose header declares `width` x `height` pixels: a decompression bomb's first step."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(width * 3 + 1)))
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.mark.both_databases
def test_the_officer_keeps_sees_replaces_and_deletes_the_photo(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    first = officer.put(photo_path(case_id), content=document_still(640, 400, "PNG"), headers=PNG)
    assert first.status_code == 200, first.text
    assert {k: first.json()[k] for k in ("taken_by", "width", "height")} == {
        "taken_by": officer.name, "width": 640, "height": 400}
    assert officer.get(f"/api/cases/{case_id}").json()["document_photo"]["taken_by"] == officer.name
    shown = officer.get(photo_path(case_id))
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"] == "no-store"
    assert opened(shown.content).format == "JPEG" and opened(shown.content).size == (640, 400)  # kept as a JPEG

    second = officer.put(photo_path(case_id), content=document_still(400, 250), headers=JPEG)
    assert second.status_code == 200 and (second.json()["width"], second.json()["height"]) == (400, 250)
    assert opened(officer.get(photo_path(case_id)).content).size == (400, 250)  # the new one replaced the last
    assert len(stored(backend)) == 1
    assert [entry.subject for entry in audit(backend, "document_photo_saved")] == ["new", "replaced"]

    assert officer.delete(photo_path(case_id)).status_code == 204
    gone = officer.get(photo_path(case_id))
    assert gone.status_code == 404 and gone.json()["error"] == "no_photo"
    assert officer.get(f"/api/cases/{case_id}").json()["document_photo"] is None
    assert officer.delete(photo_path(case_id)).status_code == 404
    assert stored(backend) == []
    reads = [entry.subject for entry in audit(backend, "case_read") if entry.subject == "document photo"]
    assert len(reads) == 2 and len(audit(backend, "document_photo_deleted")) == 1


def test_only_the_officer_holding_the_case_sees_or_changes_the_photo(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    photo = document_still()
    assert officer.put(photo_path(case_id), content=photo, headers=JPEG).status_code == 200
    kept = officer.get(photo_path(case_id)).content
    other = backend.sign_in(Role.OFFICER)
    for answer in (other.get(photo_path(case_id)), other.put(photo_path(case_id), content=photo, headers=JPEG),
                   other.delete(photo_path(case_id))):  # fmt: skip
        assert answer.status_code == 403 and answer.json()["error"] == "not_your_case"
        assert kept[:64] not in answer.content and b"\xff\xd8\xff" not in answer.content
    seen = other.get(f"/api/cases/{case_id}")  # the case itself: that there is a photo, never the photo
    assert seen.json()["document_photo"]["taken_by"] == officer.name
    assert kept[:64] not in seen.content and base64.b64encode(kept[:48]) not in seen.content
    for role in (Role.PILOT, Role.ADMIN):
        assert backend.sign_in(role).get(photo_path(case_id)).status_code == 403
    assert backend.anonymous.get(photo_path(case_id)).status_code == 401

    unclaimed, _ = backend.new_case()
    refused = officer.put(photo_path(unclaimed), content=photo, headers=JPEG)
    assert refused.status_code == 403 and refused.json()["error"] == "not_your_case"
    assert officer.get(photo_path(uuid.uuid4())).status_code == 404
    assert officer.post(f"/api/cases/{case_id}/release").status_code == 200  # back in the queue: nobody holds it
    assert officer.get(photo_path(case_id)).status_code == 403
    assert len(stored(backend)) == 1 and len(audit(backend, "document_photo_saved")) == 1


BAD_UPLOADS = {
    "text": (b"this is not an image at all", JPEG, 422, "photo_unreadable"),
    "truncated_jpeg": (document_still()[:3000], JPEG, 422, "photo_unreadable"),
    "gif_called_png": (document_still(image_format="GIF"), PNG, 422, "photo_unreadable"),
    "empty": (b"", JPEG, 422, "photo_unreadable"),
    "png_bomb": (png_declaring(20000, 20000), PNG, 422, "photo_size"),
    "too_wide": (png_declaring(5000, 100), PNG, 422, "photo_size"),
    "too_small": (document_still(24, 24, "PNG"), PNG, 422, "photo_size"),
    "too_large": (b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES), JPEG, 413, "too_large"),
    "json": (b'{"photo": 1}', {"Content-Type": "application/json"}, 415, "unsupported_media_type"),
    "no_type": (document_still(), {}, 415, "unsupported_media_type"),
    "webp": (document_still(image_format="WEBP"), {"Content-Type": "image/webp"}, 415, "unsupported_media_type"),
}


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
def test_what_is_not_a_usable_photo_is_refused_and_nothing_is_kept(backend: Backend, name: str) -> None:
    body, headers, status, error = BAD_UPLOADS[name]
    case_id, officer = claimed_case(backend)
    answer = officer.put(photo_path(case_id), content=body, headers=headers)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert stored(backend) == [] and audit(backend, "document_photo_saved") == []


def test_a_photo_larger_than_other_bodies_is_taken_but_no_other_request_gets_that_allowance(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    noise = io.BytesIO()
    Image.effect_noise((1100, 1000), 90).convert("RGB").save(noise, "PNG")
    big = noise.getvalue()
    assert backend.services.settings.max_body_bytes < len(big) <= MAX_PHOTO_BYTES
    assert officer.put(photo_path(case_id), content=big, headers=PNG).status_code == 200
    padded = b'{"text": "' + b" " * len(big) + b'"}'
    assert officer.post(f"/api/cases/{case_id}/notes", content=padded,
                        headers={"Content-Type": "application/json"}).status_code == 413  # fmt: skip
    streamed = officer.put(photo_path(case_id), content=iter([bytes(1024 * 1024)] * 5), headers=JPEG)  # no length
    assert streamed.status_code == 413 and streamed.json()["error"] == "too_large"


def test_no_metadata_survives_in_what_is_kept(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    upload = document_still(exif=exif_with_gps_and_comment(), comment=SECRET.encode())
    assert opened(upload).getexif().get(0x8825) is not None and SECRET.encode() in upload  # it was there
    assert officer.put(photo_path(case_id), content=upload, headers=JPEG).status_code == 200
    kept = officer.get(photo_path(case_id)).content
    image = opened(kept)
    assert dict(image.getexif()) == {} and "exif" not in image.info and "comment" not in image.info
    assert SECRET.encode() not in kept and b"Exif" not in kept and b"Pixel 8" not in kept

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SECRET)
    assert officer.put(photo_path(case_id), content=document_still(image_format="PNG", pnginfo=text),
                       headers=PNG).status_code == 200  # fmt: skip
    assert SECRET.encode() not in officer.get(photo_path(case_id)).content


@pytest.mark.both_databases
def test_an_attacker_with_the_database_finds_no_image_in_it(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    assert officer.put(photo_path(case_id), content=document_still(), headers=JPEG).status_code == 200
    kept = officer.get(photo_path(case_id)).content
    (row,) = stored(backend)
    assert row.ciphertext is not None and not row.ciphertext.startswith(b"\xff\xd8")
    assert b"JFIF" not in row.ciphertext  # the JPEG's own header
    assert all(kept[start:start + 32] not in row.ciphertext for start in range(0, len(kept) - 32, 512))
    assert backend.services.keys.decrypt(row.ciphertext) == kept  # under the storage key, like the answers
    entries = audit(backend, "document_photo_saved", "case_read")
    assert all(entry.subject in (None, "new", "document photo") for entry in entries)


@pytest.mark.both_databases
def test_the_purge_removes_the_photo_with_the_rest_of_the_personal_data(backend: Backend) -> None:
    case_id, officer = claimed_case(backend)
    assert officer.put(photo_path(case_id), content=document_still(), headers=JPEG).status_code == 200
    assert officer.post(f"/api/cases/{case_id}/status", json={"status": "referred"}).status_code == 200
    backend.set_clock(backend.services.clock() + timedelta(days=400))
    assert backend.services.retention.purge(backend.services.clock()) == 1
    (row,) = stored(backend)
    assert row.ciphertext is None and (row.width, row.height) == (480, 300)
    later = backend.sign_in(Role.OFFICER)
    assert later.get(f"/api/cases/{case_id}").json()["document_photo"] is None
    again = backend.sign_in(Role.OFFICER, officer.name)
    assert again.get(photo_path(case_id)).status_code == 403  # the case is finished: nobody holds it
    handler = Actor(uuid.UUID(officer.user_id), officer.name)
    assert backend.services.identities.for_case_file(case_id, handler, backend.services.clock()) is None


def pdf_images(tmp_path: Path, pdf: bytes) -> list[tuple[int, int]] | None:
    """(width, height) of each image in the PDF, by poppler's pdfimages; None when it is not installed."""
    if shutil.which("pdfimages") is None:
        return None
    (tmp_path / "case.pdf").write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(tmp_path / "case.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]  # fmt: skip
    return [(int(line.split()[3]), int(line.split()[4])) for line in listed if line.strip()]


def pdf_text(tmp_path: Path, pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    (tmp_path / "case.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", str(tmp_path / "case.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_the_case_file_pdf_prints_the_photo_and_no_other_export_holds_it(backend: Backend, tmp_path: Path) -> None:
    case_id, officer = claimed_case(backend)
    assert officer.put(photo_path(case_id), content=document_still(480, 300), headers=JPEG).status_code == 200
    kept = officer.get(photo_path(case_id)).content
    pdf = officer.get(f"/api/cases/{case_id}/export.pdf").content
    assert b"/Subtype /Image" in pdf and kept[200:264] in pdf  # fpdf2 embeds the JPEG as it is (DCTDecode)
    images = pdf_images(tmp_path, pdf)
    assert images is None or images == [(480, 300)]
    text = pdf_text(tmp_path, pdf)
    caption = f"Foto van het identiteitsbewijs (bijgesneden door de agent), vastgelegd door {officer.name} op"
    assert text is None or caption in " ".join(text.split())
    assert "export:pdf document photo" in [entry.subject for entry in audit(backend, "case_read")]

    exported = officer.get(f"/api/cases/{case_id}/export.json").content
    assert kept[200:264] not in exported and base64.b64encode(kept[:48]) not in exported
    assert b"document_photo" not in exported and b"\\xff\\xd8" not in exported

    other = backend.sign_in(Role.OFFICER)
    theirs = other.get(f"/api/cases/{case_id}/export.pdf").content
    assert b"/Subtype /Image" not in theirs  # only the officer who handles the case prints it
    text = pdf_text(tmp_path, theirs)
    assert text is None or "alleen de behandelaar van de zaak kan haar afdrukken" in " ".join(text.split())

    assert officer.post(f"/api/cases/{case_id}/status", json={"status": "referred"}).status_code == 200
    after = officer.get(f"/api/cases/{case_id}/export.pdf").content  # printed for the file once the case is done
    assert b"/Subtype /Image" in after


def test_no_photo_byte_and_nothing_the_officer_typed_reaches_a_log(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, Pillow's and fpdf2's chatter included
    case_id, officer = claimed_case(backend)
    typed = {"document_type": "passport", "issuing_country": "SY", "number_last4": "Q7X9", "face_matches": True}
    assert officer.put(f"/api/cases/{case_id}/identity", json=typed).status_code == 200
    upload = document_still(exif=exif_with_gps_and_comment(), comment=SECRET.encode())
    assert officer.put(photo_path(case_id), content=upload, headers=JPEG).status_code == 200
    kept = officer.get(photo_path(case_id)).content
    officer.put(photo_path(case_id), content=upload[: len(upload) // 2], headers=JPEG)  # truncated: refused
    officer.put(photo_path(case_id), content=SECRET.encode() * 100, headers=PNG)  # not an image: refused
    assert officer.get(f"/api/cases/{case_id}/export.pdf").status_code == 200
    assert backend.sign_in(Role.OFFICER).get(photo_path(case_id)).status_code == 403
    assert caplog.records  # the capture works: Pillow and the HTTP client log at DEBUG and INFO
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in caplog.records
    )  # fmt: skip
    for secret in (SECRET, "Q7X9", "Pixel 8", base64.b64encode(kept[:30]).decode(), kept[:12].hex(),
                   repr(kept[:12])[2:-1], repr(upload[:12])[2:-1], "52.0, 46.0"):  # fmt: skip
        assert secret not in logged, secret


# --- generated requests (schemathesis), the photo's three operations only ----------------------------------------


@pytest.mark.both_databases
def test_generated_requests_to_the_photo_operations_never_fail_the_server(backend: Backend) -> None:
    """test_schemathesis.py runs over the whole API with random case ids (404s); here every other request names a
    case the officer holds, with a photo kept, so they reach the image checks, the 200 and the 204 answers."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", backend.app)
    credentials = Credentials(backend)
    credentials.for_path("/api/cases")  # the officer session every generated request uses
    officer = credentials.sessions[Role.OFFICER]
    case_id, _reference = backend.new_case(credentials.kiosk)
    assert officer.post(f"/api/cases/{case_id}/claim").status_code == 200
    operations = [found.ok() for found in schema.get_all_operations()]
    photo_operations = sorted((op for op in operations if op.path.endswith("/identity/photo")), key=lambda op: op.label)
    assert [op.method.upper() for op in photo_operations] == ["DELETE", "GET", "PUT"]
    for operation in photo_operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            exercise_on(operation, mode, credentials, officer, case_id)


def exercise_on(
    operation: Any, mode: GenerationMode, credentials: Credentials, officer: SignedIn, case_id: uuid.UUID
) -> None:
    turns = itertools.count()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: Any) -> None:
        if next(turns) % 2:  # every other request names the held case
            case.path_parameters["case_id"] = str(case_id)
            # a photo to read or delete; the generated upload (Schemathesis' 1 x 1 pixel sample) is too small
            officer.put(photo_path(case_id), content=document_still(64, 40), headers=JPEG)
        headers, cookies = credentials.for_path(operation.path)
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE
