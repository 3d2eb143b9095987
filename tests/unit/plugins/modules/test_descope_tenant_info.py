# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_info main(): the module path."""

from __future__ import annotations

import json
import typing as t

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.descope.mgmt.plugins.modules import descope_tenant_info


def run_main(args: dict[str, t.Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict[str, t.Any]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with patch_module_args(args), pytest.raises(SystemExit):
        descope_tenant_info.main()
    return t.cast(dict[str, t.Any], json.loads(capsys.readouterr().out))


def test_info_main(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    emulator.seed(tenants=[{"id": "x", "name": "X", "disabled": True}])
    result = run_main({}, capsys, monkeypatch, emulator.env)
    assert result["tenants"] == [{"id": "x", "name": "X", "disabled": True}] and not result["changed"]


def test_info_main_by_ids_reports_missing(emulator: t.Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    emulator.seed(tenants=[{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}])
    result = run_main({"ids": ["y", "nope"], "_ansible_check_mode": True}, capsys, monkeypatch, emulator.env)
    assert [x["id"] for x in result["tenants"]] == ["y"] and result["missing_ids"] == ["nope"] and "Not found: nope" in result["msg"]
    assert result["descope_audit"]["operations"] == [] and emulator.writes() == []
