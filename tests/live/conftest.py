# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the live suite (tests/live/test_live.py): the target project, the run prefix, cleanup, playbooks.

Nothing here runs a request unless DESCOPE_LIVE_PROJECT_ID and DESCOPE_LIVE_MANAGEMENT_KEY are set (the suite
skips at module level otherwise). Playbooks go through the integration suite's runner (tests/integration/conftest.py:
real ``ansible-playbook``, the collection from DESCOPE_TEST_COLLECTIONS_PATH, ANSIBLE_COLLECTIONS_PATH or the tree).
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import types
import typing as t
import warnings

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # live_target / live_probes
from live_target import LiveTarget, new_prefix, redact  # noqa: E402  # pylint: disable=wrong-import-position

ENV_RECORD = "DESCOPE_LIVE_RECORD"
ENV_ANSWERS_FILE = "DESCOPE_LIVE_ANSWERS_FILE"
ENV_SWEEP_STALE = "DESCOPE_LIVE_SWEEP_STALE"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--record-live-answers", action="store_true", default=False, help="live suite: rewrite tests/fixtures/live_answers.json")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _integration_module() -> types.ModuleType:
    """tests/integration/conftest.py loaded as a plain module (its PlaybookRunner and collections_path)."""
    name = "descope_live_integration_helpers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "integration" / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def live() -> LiveTarget:
    target = LiveTarget.from_env()
    if target is None:  # test_live.py skips before this; a direct use of the fixture skips too
        pytest.skip("DESCOPE_LIVE_PROJECT_ID and DESCOPE_LIVE_MANAGEMENT_KEY are not set")
    return target


@pytest.fixture(scope="session")
def run_prefix(live: LiveTarget) -> t.Iterator[str]:  # pylint: disable=redefined-outer-name
    """The prefix of everything this run (this xdist worker) creates; swept at the end whatever happened."""
    prefix = new_prefix()
    stale = live.stale_prefixes()
    if stale and _truthy(os.environ.get(ENV_SWEEP_STALE)):
        for old in stale:
            live.sweep(old)
    elif stale:
        warnings.warn(f"objects of earlier live runs are still in the project: {stale}; {ENV_SWEEP_STALE}=1 removes them", stacklevel=1)
    yield prefix
    removed = live.sweep(prefix)
    if removed:
        print(f"\nlive sweep removed what a test left behind: {removed}")


class Created:
    """What one test created; removed by the finalizer even when the test failed half-way."""

    def __init__(self, target: LiveTarget) -> None:
        self.target = target
        self.tenants: list[str] = []
        self.flows: list[str] = []

    def tenant(self, tenant_id: str) -> str:
        self.tenants.append(tenant_id)
        return tenant_id

    def flow(self, flow_id: str) -> str:
        self.flows.append(flow_id)
        return flow_id

    def remove(self) -> None:
        for tenant_id in reversed(self.tenants):  # children were registered after their parents
            self.target.delete_tenant(tenant_id)
        self.target.delete_flows(self.flows)


@pytest.fixture
def created(live: LiveTarget, run_prefix: str) -> t.Iterator[Created]:  # pylint: disable=redefined-outer-name
    registry = Created(live)
    yield registry
    registry.remove()
    left = [x for x in live.leftovers(run_prefix) if x.split(" ", 1)[1] in registry.tenants + registry.flows]
    assert not left, f"cleanup left objects behind: {left}"


@pytest.fixture
def playbook(live: LiveTarget, tmp_path: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> t.Any:  # pylint: disable=redefined-outer-name
    helpers = _integration_module()
    configured = os.environ.get("DESCOPE_TEST_COLLECTIONS_PATH") or os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    collections = configured or helpers.collections_path(tmp_path_factory.getbasetemp())
    return helpers.PlaybookRunner(types.SimpleNamespace(env=live.ansible_env()), tmp_path, collections)


@pytest.fixture
def record_answers(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--record-live-answers", default=False)) or _truthy(os.environ.get(ENV_RECORD))


@pytest.fixture(autouse=True)
def no_key_in_files(request: pytest.FixtureRequest) -> t.Iterator[None]:
    """After each live test: the key is in no file the test wrote (playbooks, results, audit, backups, exports)."""
    if "live" not in request.fixturenames or "tmp_path" not in request.fixturenames:
        yield
        return
    target: LiveTarget = request.getfixturevalue("live")
    tmp_path: pathlib.Path = request.getfixturevalue("tmp_path")
    yield
    hits = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink() and target.key.encode() in p.read_bytes()]
    assert not hits, f"the management key was written to: {hits}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> t.Generator[None, t.Any, None]:
    """Redact the key from every report of this directory (failure text, captured output)."""
    outcome: t.Any = yield
    key = os.environ.get("DESCOPE_LIVE_MANAGEMENT_KEY", "").strip()
    if not key:
        return
    report = outcome.get_result()
    if report.longrepr is not None:
        text = str(report.longrepr)
        if redact(text, key) != text:
            report.longrepr = redact(text, key)
    report.sections = [(title, redact(text, key)) for title, text in report.sections]
