# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hypothesis profiles: deterministic by default, deeper on demand.

``ci`` (the default) is derandomised: the same examples on every run and every machine, so a green run means
the same thing twice. ``deep`` searches with fresh randomness and ``DEEP_FACTOR`` times the examples, and keeps
what it finds in ``.cache/hypothesis`` so a failure replays on the next run. Select it with
``DESCOPE_PROPERTY_PROFILE=deep`` (an environment variable, so it reaches pytest through ``scripts/test``). Every counterexample a search finds becomes a plain
regression test (see ``tests/property/test_*_regressions.py``), so the ci profile never depends on having found it again.
"""

from __future__ import annotations

import os
import pathlib

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

DEEP_FACTOR = 20
_COMMON = {
    "deadline": None,
    "print_blob": True,
    # the engine fixture is per test and reset per example on purpose; in-process runs are slow by nature
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
settings.register_profile(
    "deep",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(str(pathlib.Path(__file__).resolve().parents[1] / ".cache" / "hypothesis")),
    **_COMMON,
)


settings.load_profile(os.environ.get("DESCOPE_PROPERTY_PROFILE") or "ci")


def budget(examples: int, **extra: object) -> settings:
    """Settings for one test: ``examples`` under ci, ``DEEP_FACTOR`` times more under deep."""
    factor = DEEP_FACTOR if settings.get_current_profile_name() == "deep" else 1
    return settings(max_examples=examples * factor, **extra)  # type: ignore[arg-type]
