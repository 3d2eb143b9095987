# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests: run the engines in process against the emulator for many generated inputs.

Hypothesis calls the test body many times per test, so the per-test ``emulator`` fixture (reset once)
does not fit; ``fresh`` resets the session emulator at the start of each example instead.
"""

from __future__ import annotations

import typing as t

import property_profiles  # noqa: F401  # pylint: disable=unused-import  # loads the Hypothesis profile first
import pytest
from emulator import seed_data
from harness import run_spec


class InProcess:
    def __init__(self, server: t.Any) -> None:
        self.server = server

    def fresh(self, tenants: list[dict[str, t.Any]] | None = None) -> None:
        self.server.reset()
        if tenants:
            # the seed replaces the project: keep the built-in attribute definitions and roles tenants refer to
            self.server.seed(tenants=tenants, customAttributes=seed_data.CUSTOM_ATTRIBUTES, permissions=seed_data.PERMISSIONS, roles=seed_data.ROLES)
        self.server.clear_log()

    def run(self, module: str, params: dict[str, t.Any], check: bool = False, diff: bool = False) -> tuple[dict[str, t.Any], list[dict[str, t.Any]]]:
        """The module's result and the write requests it caused."""
        since = self.server.last_seq()
        result = run_spec(module, {**params, "retries": 0, "timeout": 10}, check=check, diff=diff, environ=self.server.env)
        return result, self.server.writes(since=since)

    def check_then_run(
        self, module: str, params: dict[str, t.Any], live: t.Callable[[], t.Any]
    ) -> tuple[dict[str, t.Any], dict[str, t.Any], list[dict[str, t.Any]], t.Any, t.Any] | None:
        """What every model checks first: check mode writes and changes nothing; the real run has the same verdict;
        a refused run wrote nothing and failed validation (then None). Else (predicted, result, writes, before,
        after), ``live()`` read before and after the real run."""
        before = live()
        predicted, check_writes = self.run(module, params, check=True, diff=True)
        assert check_writes == [] and live() == before, "check mode wrote"
        result, writes = self.run(module, params, diff=True)
        after = live()
        assert bool(predicted.get("failed")) == bool(result.get("failed")), (predicted.get("msg"), result.get("msg"))
        if result.get("failed"):
            assert writes == [] and after == before, f"a refused task wrote: {result.get('msg')}"
            assert (result.get("error") or {}).get("kind") == "validation" or result.get("argument_errors"), result.get("msg")
            return None
        return predicted, result, writes, before, after


@pytest.fixture
def engine(emulator_server: t.Any) -> InProcess:
    return InProcess(emulator_server)
