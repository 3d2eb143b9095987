# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A canary management key through every module, success and failure paths, in process.

The key is looked for in each result (messages, errors, diffs, audit blocks), each warning, the audit
callback's printed lines and JSONL files, exceptions, and every file written (exports, backups). The
ansible-playbook version runs the smoke and canary integration tests at -vvvv: ``scripts/test canary``
(tests/integration/conftest.py).
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import secrets
import sys
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
from ansible_collections.descope.mgmt.plugins.module_utils._options import settings_from_params

# the in-process harness of tests/reliability (module run + audit callback), loaded by path
_SPEC = importlib.util.spec_from_file_location("_descope_reliability_harness", pathlib.Path(__file__).resolve().parents[1] / "reliability" / "conftest.py")
_HARNESS = sys.modules.setdefault(_SPEC.name, importlib.util.module_from_spec(_SPEC))  # type: ignore[arg-type]  # dataclasses need it registered
_SPEC.loader.exec_module(_HARNESS)  # type: ignore[union-attr]
Engine = _HARNESS.Engine

FLOW = json.loads((pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "flows" / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))
PROJECT = "P2CanarySecurityProject00001"
FAST = {"retries": 1, "retry_max_wait": 1, "timeout": 1}


@pytest.fixture
def canary(emulator: t.Any, tmp_path: pathlib.Path) -> t.Any:
    key = "K2Canary" + secrets.token_hex(16)
    emulator.seed(
        {
            "id": PROJECT,
            "managementKey": key,
            "license": "pro",
            "tenants": [{"id": "c0", "name": "Canary zero"}],
            "flows": [dict(FLOW["flow"], flowId="canary-flow")],
        }
    )
    env = dict(emulator.env, DESCOPE_PROJECT_ID=PROJECT, DESCOPE_MANAGEMENT_KEY=key)
    engine = Engine(emulator, tmp_path / "audit")
    return key, env, engine


def scan(key: str, root: pathlib.Path, *texts: t.Any) -> list[str]:
    hits = [f"text {n}" for n, text in enumerate(texts) if key in (text if isinstance(text, str) else json.dumps(text, default=str))]
    hits += [str(p) for p in root.rglob("*") if p.is_file() and key.encode() in p.read_bytes()]
    return hits


SCENARIOS: list[tuple[str, str, dict[str, t.Any], dict[str, t.Any] | None]] = [
    ("tenant set ok", "descope_tenant", {"tenants": [{"id": "c1", "name": "C1"}, {"id": "c0", "name": "Renamed"}]}, None),
    ("tenant validation", "descope_tenant", {"tenants": [{"id": "c1", "name": 5, "self_provisioning_domains": ["@bad"]}]}, None),
    (
        "tenant 401 mid-run",
        "descope_tenant",
        {"tenants": [{"id": f"c{n}", "name": f"C{n}"} for n in range(1, 5)]},
        {"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 401, "after": 1},
    ),
    ("tenant dropped write", "descope_tenant", {"id": "c9", "name": "C9"}, {"path": "/v1/mgmt/tenant/create", "kind": "drop"}),
    ("tenant_info malformed", "descope_tenant_info", {}, {"path": "/v1/mgmt/tenant/all", "kind": "malformed"}),
    ("flow import 503", "descope_flow", {"flow_id": "canary-new", "definition": FLOW}, {"path": "/v2/mgmt/flow/import", "kind": "status", "status": 503}),
    ("flow_info export", "descope_flow_info", {"dest": "{tmp}/export", "theme": True}, None),
    ("backup", "descope_backup", {"backup_dir": "{tmp}/backups"}, None),
    ("backup timeout", "descope_backup", {"backup_dir": "{tmp}/backups2"}, {"path": "/v1/mgmt/flow/list", "kind": "delay", "seconds": 1.5}),
]


@pytest.mark.parametrize(("module", "params", "fault"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_canary_key_never_leaves_the_client(
    canary: t.Any, emulator: t.Any, tmp_path: pathlib.Path, module: str, params: dict[str, t.Any], fault: dict[str, t.Any] | None
) -> None:
    key, env, engine = canary
    if fault:
        emulator.faults(dict(fault, count=None))
    resolved = {k: v.format(tmp=tmp_path) if isinstance(v, str) else v for k, v in params.items()}
    for check in (True, False):
        out = engine.run(module, {**FAST, **resolved}, check=check, diff=True, environ=env)
        assert scan(key, tmp_path, out.result, out.warnings, out.printed, out.audit) == []
    assert out.audit, "the run must have left audit lines to scan"


def test_backup_refuses_to_write_a_snapshot_that_contains_the_key(canary: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    """A snapshot whose content holds the key (say a connector secret equal to it) is never written to disk."""
    key, env, engine = canary
    files = {"files": {"connectors/leaky.json": {"id": "leaky", "configuration": {"token": key}}}}
    emulator.faults({"path": "/v1/mgmt/project/snapshot/export", "kind": "status", "status": 200, "body": json.dumps(files), "count": None})
    out = engine.run("descope_backup", {**FAST, "backup_dir": str(tmp_path / "backups")}, environ=env)
    assert out.failed and "would contain the management key" in out.result["msg"]
    assert scan(key, tmp_path, out.result, out.warnings, out.printed, out.audit) == []


def test_errors_and_settings_never_render_the_key(canary: t.Any, emulator: t.Any) -> None:
    key, env, _engine = canary
    settings = settings_from_params({"base_url": "http://127.0.0.1:9", "retries": 0, "timeout": 1}, env)
    assert key not in repr(settings) and key not in str(settings.cache_key())
    with pytest.raises(DescopeAPIError) as info:
        DescopeClient(settings).get("/v1/mgmt/tenant/all")
    rendered = [str(info.value), repr(info.value), json.dumps(info.value.to_result(), default=str)]
    assert all(key not in text for text in rendered)
