"""Every run's randomness is seeded and printed, so a failure can be replayed.

Property tests (hypothesis) draw from one seed per run: chosen at random unless given, shown in the report header
and again after a failure. Replay with `./scripts/test --hypothesis-seed=N` (or POLITIELOKET_TEST_SEED=N).
Other tests that use randomness seed their own `random.Random(...)` with constants.
"""

from __future__ import annotations

import os
import secrets

import pytest

import tests.hypothesis_profile  # noqa: F401  (loads the project's hypothesis profile)

SEED_ENV = "POLITIELOKET_TEST_SEED"
SCREENSHOTS_ENV = "POLITIELOKET_SCREENSHOTS"  # read by tests/kiosk/gui/driver.py


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", action="store_true",
                     help="write every kiosk screen the GUI tests visit to test-artifacts/screens/ (slower)")


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own pytest_configure reads the option
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("screenshots"):
        os.environ[SCREENSHOTS_ENV] = "1"  # inherited by pytest-xdist workers
    if config.getoption("hypothesis_seed", None) is None:
        seed = os.environ.get(SEED_ENV) or str(secrets.randbelow(2**32))
        os.environ[SEED_ENV] = seed  # pytest-xdist workers inherit the controller's seed
        config.option.hypothesis_seed = seed


def _replay(config: pytest.Config) -> str:
    seed = config.option.hypothesis_seed
    return f"hypothesis seed {seed}: replay with --hypothesis-seed={seed}"


def pytest_report_header(config: pytest.Config) -> str:
    return _replay(config)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    if exitstatus != 0:
        terminalreporter.write_line(_replay(config))
