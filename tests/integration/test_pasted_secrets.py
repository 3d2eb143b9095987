# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret pasted into a field that is not secret, through ansible-playbook -vvvv on both paths: refused, never shown.

The module path (DESCOPE_MGMT_IN_PROCESS=false) echoes the task's arguments at -vvvv (``invocation``): the key must be
masked there too. Every module is covered in process by tests/unit/plugins/module_utils/_pipeline/test_secrets.py.
"""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

pytestmark = pytest.mark.integration

PATHS = {"in-process": {}, "module": {"DESCOPE_MGMT_IN_PROCESS": "false"}}
FLOW_FIXTURE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "flows" / "v2" / "sign-up-or-in.json"
SHAPED = "K3" + "Zq7" * 24  # shaped like a management key; built here so no real-looking key is committed


def _tasks(secret: str, flow_src: str) -> dict[str, tuple[dict[str, t.Any], str]]:
    tenants = [{"id": f"t{i}", "name": f"T{i}"} for i in range(3)] + [{"id": "t3", "name": "T3", "custom_attributes": {"note": f"x {secret}"}}]
    return {
        "tenant": ({"descope.mgmt.descope_tenant": {"tenants": tenants}}, "tenants[3].custom_attributes.note"),
        "role": ({"descope.mgmt.descope_role": {"roles": [{"name": "r", "description": secret}]}}, "roles[0].description"),
        "flow": ({"descope.mgmt.descope_flow": {"src": flow_src}}, "flow.metadata.description"),
    }


def _flow_file(tmp_path: pathlib.Path, secret: str) -> str:
    doc = json.loads(FLOW_FIXTURE.read_text(encoding="utf-8"))
    doc["flow"]["metadata"]["description"] = f"deploy with {secret}"
    path = tmp_path / "input-flow-with-secret.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("check", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize("kind", ["tenant", "role", "flow"])
@pytest.mark.parametrize("path", PATHS)
def test_the_management_key_pasted_into_a_field_is_refused_and_never_shown(
    playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, path: str, kind: str, check: bool
) -> None:
    key = emulator.management_key
    task, field = _tasks(key, _flow_file(tmp_path, key))[kind]
    run = playbook.run([{"name": "pasted", **task}], env=PATHS[path], args=["-vvvv"], check=check)
    assert run.rc != 0, run.stdout
    result = run.task("pasted")
    assert result["failed"] and field in result["msg"] and "nothing was sent" in result["msg"], result
    if path == "module":
        assert "invocation" in result, "expected an AnsiballZ module run"
    assert key not in run.stdout + run.stderr and key not in json.dumps(result)
    assert emulator.requests() == []  # not one request: refused before planning reads anything


@pytest.mark.canary
@pytest.mark.parametrize("path", PATHS)
def test_a_key_shaped_value_is_refused_and_masked_in_the_echoed_arguments(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, path: str) -> None:
    task, field = _tasks(SHAPED, _flow_file(tmp_path, SHAPED))["tenant"]
    run = playbook.run([{"name": "pasted", **task}], env=PATHS[path], args=["-vvvv"])
    result = run.task("pasted")
    assert run.rc != 0 and result["failed"] and field in result["msg"], result
    assert SHAPED not in run.stdout + run.stderr and SHAPED not in json.dumps(result)
    assert emulator.requests() == [] and emulator.state()["tenants"] == []
