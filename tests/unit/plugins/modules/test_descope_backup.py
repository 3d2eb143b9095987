# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup main(): the module path (AnsibleModule argument checks, exit/fail JSON) against the emulator."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.descope.mgmt.plugins.modules import descope_backup


def run_main(args: dict[str, t.Any], capsys: pytest.CaptureFixture[str]) -> dict[str, t.Any]:
    with patch_module_args(args), pytest.raises(SystemExit):
        descope_backup.main()
    return t.cast(dict[str, t.Any], json.loads(capsys.readouterr().out))


@pytest.fixture
def env(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> t.Any:
    for key, value in emulator.env.items():
        monkeypatch.setenv(key, value)
    return emulator


def test_module_backs_up_then_is_unchanged_then_restores(env: t.Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run_main({"backup_dir": str(tmp_path)}, capsys)
    assert first["changed"] is True and pathlib.Path(first["backup"]["path"], "manifest.json").is_file()
    assert first["descope_audit"]["module"] == "descope_backup" and env.management_key not in json.dumps(first)
    second = run_main({"backup_dir": str(tmp_path)}, capsys)
    assert second["changed"] is False and second["backup"]["name"] == first["backup"]["name"]
    env.clear_log()
    restored = run_main({"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "_ansible_check_mode": True}, capsys)
    assert restored["changed"] is False and env.writes() == []


def test_module_argument_rules(env: t.Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main({"backup_dir": str(tmp_path), "state": "restored"}, capsys)
    assert result["failed"] and "backup" in result["msg"]
    result = run_main({"backup_dir": str(tmp_path), "state": "absent"}, capsys)
    assert result["failed"] and "keep_last" in result["msg"]
    result = run_main({"backup_dir": str(tmp_path), "include": ["users"]}, capsys)
    assert result["failed"] and "include" in result["msg"]
    assert env.requests() == []


def test_module_reports_a_tampered_backup(env: t.Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = pathlib.Path(run_main({"backup_dir": str(tmp_path)}, capsys)["backup"]["path"])
    (path / "theme.json").write_text("{}")
    env.clear_log()
    result = run_main({"backup_dir": str(tmp_path), "state": "restored", "backup": "latest"}, capsys)
    assert result["failed"] and "theme.json" in result["msg"] and result["error"]["kind"] == "file" and result["hint"]
    assert env.requests() == []
