"""Seal a case payload to the backend's public key (libsodium sealed box through PyNaCl).

A sealed box needs only the recipient's public key; the sender's ephemeral key is thrown away, so the
kiosk that sealed a payload cannot open it again. Nothing on the kiosk can read its own outbox.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from nacl.public import PublicKey, SealedBox


class InvalidPublicKey(ValueError):
    pass


def load_public_key(public_key_b64: str) -> PublicKey:
    """Decode a base64 Curve25519 public key, refusing anything that is not exactly 32 bytes."""
    try:
        raw = base64.b64decode(public_key_b64.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise InvalidPublicKey("the backend's public key is not valid base64") from error
    if len(raw) != PublicKey.SIZE:
        raise InvalidPublicKey(f"the backend's public key must be {PublicKey.SIZE} bytes, not {len(raw)}")
    return PublicKey(raw)


def seal(plaintext: bytes, public_key_b64: str) -> str:
    """The sealed box of `plaintext`, base64 text: what CaseDelivery.sealed carries."""
    box = SealedBox(load_public_key(public_key_b64))
    return base64.b64encode(box.encrypt(plaintext)).decode("ascii")


def fingerprint(public_key_b64: str) -> str:
    """A short, non-secret label for a public key, for the technician to compare with the backend."""
    return hashlib.sha256(load_public_key(public_key_b64).encode()).hexdigest()[:16]
