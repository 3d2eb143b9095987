# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant / descope_tenant_info main(): the module path (AnsibleModule in, exit_json out)."""

from __future__ import annotations

import json
import typing as t

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant


def run_main(
    module: t.Any, args: dict[str, t.Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> dict[str, t.Any]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with patch_module_args(args), pytest.raises(SystemExit):
        module.main()
    return t.cast(dict[str, t.Any], json.loads(capsys.readouterr().out))


def test_main_creates_then_reports_unchanged(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    args = {"id": "m1", "name": "Module One", "self_provisioning_domains": ["m1.com"]}
    first = run_main(descope_tenant, args, capsys, monkeypatch, emulator.env)
    assert first["changed"] and first["tenant"]["action"] == "created" and first["descope_audit"]["module"] == "descope_tenant"
    second = run_main(descope_tenant, args, capsys, monkeypatch, emulator.env)
    assert not second["changed"] and second["tenant"]["action"] == "unchanged"
    assert emulator.management_key not in json.dumps(second)


def test_main_check_mode_and_diff(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    args = {"tenants": [{"id": "a", "name": "A"}], "_ansible_check_mode": True, "_ansible_diff": True}
    result = run_main(descope_tenant, args, capsys, monkeypatch, emulator.env)
    assert result["changed"] and result["tenants"][0]["action"] == "created" and result["diff"][0]["after"] == {"id": "a", "name": "A"}
    assert emulator.writes() == []


def test_main_validation_failure(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_main(descope_tenant, {"tenants": [{"id": "a", "name": "A", "disabled": "maybe"}]}, capsys, monkeypatch, emulator.env)
    assert result["failed"] and result["validation_errors"][0]["field"] == "disabled" and emulator.writes() == []


def test_main_rejects_single_and_set_mode_together(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_main(descope_tenant, {"id": "a", "tenants": []}, capsys, monkeypatch, emulator.env)
    assert result["failed"] and "mutually exclusive" in result["msg"]


def test_main_missing_credentials_names_option_and_variable(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("DESCOPE_PROJECT_ID", "DESCOPE_MANAGEMENT_KEY", "DESCOPE_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    result = run_main(descope_tenant, {"id": "a", "name": "A"}, capsys, monkeypatch, {})
    assert result["failed"] and "management_key" in result["msg"] and "DESCOPE_MANAGEMENT_KEY" in result["msg"]
    assert emulator.requests() == []
