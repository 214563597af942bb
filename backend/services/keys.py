"""The backend's keys, kept as files outside the database: sealing keypair, storage key, digest key.

- sealing: Curve25519 keypair; kiosks seal each case to its public half (libsodium sealed box).
- storage: XSalsa20-Poly1305 key (SecretBox) for personal data at rest in the database.
- digest: HMAC-SHA256 key to compare payloads for idempotency without storing plain hashes of personal data.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox

from backend.services.errors import Broken

KEY_BYTES = 32
SEALING_FILE = "sealing.key"
STORAGE_FILE = "storage.key"
DIGEST_FILE = "digest.key"


class KeyFileError(RuntimeError):
    pass


class Unsealable(ValueError):
    """A sealed payload that is not base64, or was not sealed to this backend's key, or was altered."""


def _read_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise KeyFileError(f"key file {path} is damaged") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"key file {path} does not hold a {KEY_BYTES}-byte key")
    return key


def _create_key(path: Path) -> None:
    """Write a new random key readable by the owner only; if another process wins the race, keep its key."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process made the key first: keep that one
            os.link(temporary, path)  # atomic, and fails if the key already exists
    finally:
        temporary.unlink(missing_ok=True)


def load_or_create_key(keys_dir: Path, name: str) -> bytes:
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = keys_dir / name
    if not path.exists():
        _create_key(path)
    return _read_key(path)


class NaclKeyring:
    """Opens sealed cases, encrypts and decrypts data at rest, and makes keyed digests."""

    def __init__(self, sealing: bytes, storage: bytes, digest: bytes) -> None:
        self._private = PrivateKey(sealing)
        self._unsealer = SealedBox(self._private)
        self._storage = SecretBox(storage)
        self._digest = digest

    @classmethod
    def load(cls, keys_dir: Path) -> NaclKeyring:
        return cls(*(load_or_create_key(keys_dir, name) for name in (SEALING_FILE, STORAGE_FILE, DIGEST_FILE)))

    @property
    def public_key(self) -> str:
        """The sealing public key in base64, as kiosks receive it at provisioning."""
        return base64.b64encode(bytes(self._private.public_key)).decode()

    def unseal(self, sealed_base64: str) -> bytes:
        try:
            sealed = base64.b64decode(sealed_base64, validate=True)
            return self._unsealer.decrypt(sealed)
        except (binascii.Error, ValueError, CryptoError):
            raise Unsealable("the sealed payload cannot be opened with this backend's key") from None

    def encrypt(self, plaintext: bytes) -> bytes:
        return bytes(self._storage.encrypt(plaintext))

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Data this backend stored, or Broken: a storage key other than the one that encrypted it (a restore with
        the wrong keys directory) must say so, not fail as an unexplained server error."""
        try:
            return self._storage.decrypt(ciphertext)
        except CryptoError:
            raise Broken("storage_key_mismatch", "stored data cannot be decrypted with this key") from None

    def digest(self, data: bytes) -> str:
        return hmac.new(self._digest, data, hashlib.sha256).hexdigest()
