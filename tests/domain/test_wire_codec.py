"""The one JSON codec for wire messages: what it writes reads back the same, and what does not fit is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.wire import CaseReceipt, Heartbeat, ProvisioningInfo, UsageBatchReceipt
from domain.wire_codec import WireFormatError, from_jsonable, to_jsonable

MESSAGES = (CaseReceipt, UsageBatchReceipt, Heartbeat, ProvisioningInfo)


@given(st.one_of(*(st.from_type(kind) for kind in MESSAGES)))
def test_every_message_comes_back_from_its_json(message: Any) -> None:
    text = json.dumps(to_jsonable(message))  # what travels: plain JSON
    assert from_jsonable(type(message), json.loads(text)) == message


@pytest.mark.parametrize("data", [None, [], "PL-1", {"reference": "PL-1"}, {"case_id": "not-a-uuid",
                                  "reference": "PL-1", "duplicate": False}])  # fmt: skip
def test_what_does_not_fit_is_refused_naming_the_message_only(data: Any) -> None:
    with pytest.raises(WireFormatError) as error:
        from_jsonable(CaseReceipt, data)
    assert str(error.value) == "malformed CaseReceipt"
