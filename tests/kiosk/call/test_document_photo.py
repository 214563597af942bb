"""The still of the identity document: the resident is told each time the officer takes, keeps or throws it away
(the session runs with fakes for the network, tests/kiosk/call/fakes.py)."""

from __future__ import annotations

import pytest

from domain.chat import ChatError, DocumentPhoto, PhotoState, decode, encode
from tests.kiosk.call.test_session import finish, start_call

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_resident_is_told_when_the_photo_is_taken_kept_or_thrown_away() -> None:
    call = start_call()
    await call.connect()
    assert call.session.view.document_photo == ""
    for state in (PhotoState.TAKEN, PhotoState.DISCARDED, PhotoState.TAKEN, PhotoState.SAVED):
        call.peer.on_message(encode(DocumentPhoto(state.value)))
        await call.until(lambda state=state: call.session.view.document_photo == state)
    await finish(call)


def test_an_unknown_photo_state_is_refused_on_the_channel() -> None:
    with pytest.raises(ChatError):
        decode('{"kind": "document_photo", "state": "uploaded"}')
    assert decode(encode(DocumentPhoto("saved"))) == DocumentPhoto("saved")
