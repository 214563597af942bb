"""Fixtures the kiosk's end-to-end tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.backend_process import BackendProcess


@pytest.fixture(scope="module")
def backend_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendProcess]:
    """A real backend process (`python -m backend serve` on 127.0.0.1, its own SQLite file), one per module."""
    process = BackendProcess(tmp_path_factory.mktemp("backend"))
    process.start()
    yield process
    process.stop()
