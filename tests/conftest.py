"""Shared pytest fixtures: the Descope Management API emulator (see docs/architecture.md, "Emulator").

``emulator_server`` starts one emulator process per session (under pytest-xdist: one per worker); ``emulator``
resets it before each test and hands out the control client. Suite-specific fixtures belong in the suites' own
conftest.py.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the emulator package lives beside this file
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

try:
    from emulator.control_client import EmulatorControl  # needs requests
except ImportError:  # the fixture skips; other suites must not break at import
    EmulatorControl = None

START_TIMEOUT = 20


@pytest.fixture(scope="session")
def emulator_server():
    """The emulator process for the whole session; yields an EmulatorControl (no reset)."""
    if EmulatorControl is None:
        pytest.skip("requests is not installed")
    running = EmulatorProcess(timeout=START_TIMEOUT, strict=True)  # any undeclared request field fails the test
    try:
        # tests count exact requests; the licence handshake (one GET per client) is tested on its own
        # (test_client.py, tests/integration/test_credentials_safety.py), so it is off for the rest
        yield EmulatorControl({**running.env, "DESCOPE_LICENSE_HANDSHAKE": "false"})
    finally:
        running.stop()


@pytest.fixture
def emulator(emulator_server):  # pylint: disable=redefined-outer-name
    """The emulator, reset to its start state (seed re-applied; log, faults and limits cleared)."""
    emulator_server.reset()
    return emulator_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow first (otherwise in their collected order), so that under pytest-xdist the longest tests
    start early and the last minutes are not one worker finishing one long test while the other core idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
