"""The emulator's own tests: they exercise both modes, so the process starts lenient (its default) and the tests
that need strict mode turn it on with ``emulator.config(strict=True)``. The collection's suites start it strict
(tests/conftest.py)."""

import pytest
from emulator.launcher import EmulatorProcess

try:
    from emulator.control_client import EmulatorControl  # needs requests
except ImportError:
    EmulatorControl = None


@pytest.fixture(scope="session")
def emulator_server():
    if EmulatorControl is None:
        pytest.skip("requests is not installed")
    running = EmulatorProcess(timeout=20)
    try:
        yield EmulatorControl({**running.env, "DESCOPE_LICENSE_HANDSHAKE": "false"})
    finally:
        running.stop()
