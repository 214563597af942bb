"""Every token the project prints for a person to paste is accepted as it is by the command that takes it."""

from __future__ import annotations

import pytest

from backend.services.kiosks import TOKEN_BYTES, pasteable_token
from kiosk.commands.cli import build_parser


def test_kiosk_tokens_never_start_like_an_option() -> None:
    tokens = [pasteable_token(TOKEN_BYTES) for _ in range(20_000)]  # about 300 would start with "-" before
    assert not [token for token in tokens if token[0] in "-_"]
    assert len(set(tokens)) == len(tokens) and min(len(t) for t in tokens) >= 43


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_the_kiosk_provision_command_takes_every_generated_token(form: str) -> None:
    parser = build_parser()
    for _ in range(500):
        token = pasteable_token(TOKEN_BYTES)
        given = ["--token", token] if form == "separate" else [f"--token={token}"]
        args = parser.parse_args(["provision", "--backend", "https://loket.example", *given])
        assert args.token == token
    dash = "-" + pasteable_token(TOKEN_BYTES)[1:]  # an old token that does start with "-": the = form still works
    assert parser.parse_args(["provision", "--backend", "x", f"--token={dash}"]).token == dash
