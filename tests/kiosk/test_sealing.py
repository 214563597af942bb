import base64

import pytest
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox

from kiosk.delivery.sealing import InvalidPublicKey, fingerprint, load_public_key, seal
from tests.kiosk.delivery_support import Keypair


def test_only_the_backend_key_opens_a_sealed_payload() -> None:
    keys = Keypair()
    sealed = seal(b'{"name":"Zwanenburg-Oukili"}', keys.public_b64)
    assert keys.open(sealed) == b'{"name":"Zwanenburg-Oukili"}'
    with pytest.raises(CryptoError):
        SealedBox(PrivateKey.generate()).decrypt(base64.b64decode(sealed))


def test_sealing_the_same_payload_twice_gives_different_ciphertext() -> None:
    keys = Keypair()
    assert seal(b"same", keys.public_b64) != seal(b"same", keys.public_b64)
    assert b"Zwanenburg" not in base64.b64decode(seal(b"Zwanenburg", keys.public_b64))


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"short").decode(), "é"])
def test_a_malformed_public_key_is_refused(bad: str) -> None:
    with pytest.raises(InvalidPublicKey):
        load_public_key(bad)


def test_fingerprint_is_stable_and_differs_between_keys() -> None:
    one, other = Keypair(), Keypair()
    assert fingerprint(one.public_b64) == fingerprint(one.public_b64)
    assert fingerprint(one.public_b64) != fingerprint(other.public_b64)
