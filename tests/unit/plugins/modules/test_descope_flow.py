# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow main(): the module path (AnsibleModule argument checks, exit/fail JSON) against the emulator."""

from __future__ import annotations

import json
import pathlib
import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_flow

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "flows"


def test_module_deploys_then_is_unchanged(env: t.Any, run_module: t.Any) -> None:
    src = str(FIXTURES / "v1" / "sign-in.json")
    first = run_module(descope_flow, {"src": src})
    assert first["changed"] is True and first["flow"]["id"] == "sign-in" and first["flow"]["action"] == "updated"
    env.clear_log()
    second = run_module(descope_flow, {"src": src})
    assert second["changed"] is False and env.writes() == []
    assert second["descope_audit"]["module"] == "descope_flow" and env.management_key not in json.dumps(second)


def test_module_check_mode_writes_nothing(env: t.Any, run_module: t.Any) -> None:
    env.clear_log()
    result = run_module(descope_flow, {"src": str(FIXTURES / "v2" / "sign-up-or-in.json"), "_ansible_check_mode": True, "_ansible_diff": True})
    assert result["changed"] is True and env.writes() == [] and result["diff"][0]["prepared"]


def test_module_rejects_exclusive_options(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_flow, {"src": "a.json", "src_dir": "flows"})
    assert result["failed"] and "mutually exclusive" in result["msg"]
    result = run_module(descope_flow, {"prune": True, "flow_id": "x", "src": "a.json"})
    assert result["failed"] and "src_dir" in result["msg"]
    assert env.requests() == []


def test_module_validation_failure_names_file_and_path(env: t.Any, run_module: t.Any) -> None:
    bad = str(FIXTURES / "invalid" / "sign-up-or-in.json")
    result = run_module(descope_flow, {"src": bad})
    assert result["failed"] and bad in result["msg"] and "$.flow.screens[2].screenId" in result["msg"]
    assert result["hint"] and env.requests() == []
