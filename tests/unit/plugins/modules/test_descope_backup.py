# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup main(): the module path (AnsibleModule argument checks, exit/fail JSON) against the emulator."""

from __future__ import annotations

import json
import pathlib
import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_backup


def test_module_backs_up_then_is_unchanged_then_restores(env: t.Any, tmp_path: pathlib.Path, run_module: t.Any) -> None:
    first = run_module(descope_backup, {"backup_dir": str(tmp_path)})
    assert first["changed"] is True and pathlib.Path(first["backup"]["path"], "manifest.json").is_file()
    assert first["descope_audit"]["module"] == "descope_backup" and env.management_key not in json.dumps(first)
    second = run_module(descope_backup, {"backup_dir": str(tmp_path)})
    assert second["changed"] is False and second["backup"]["name"] == first["backup"]["name"]
    env.clear_log()
    restored = run_module(descope_backup, {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "_ansible_check_mode": True})
    assert restored["changed"] is False and env.writes() == []


def test_module_argument_rules(env: t.Any, tmp_path: pathlib.Path, run_module: t.Any) -> None:
    result = run_module(descope_backup, {"backup_dir": str(tmp_path), "state": "restored"})
    assert result["failed"] and "backup" in result["msg"]
    result = run_module(descope_backup, {"backup_dir": str(tmp_path), "state": "absent"})
    assert result["failed"] and "keep_last" in result["msg"]
    result = run_module(descope_backup, {"backup_dir": str(tmp_path), "include": ["users"]})
    assert result["failed"] and "include" in result["msg"]
    assert env.requests() == []


def test_module_reports_a_tampered_backup(env: t.Any, tmp_path: pathlib.Path, run_module: t.Any) -> None:
    path = pathlib.Path(run_module(descope_backup, {"backup_dir": str(tmp_path)})["backup"]["path"])
    (path / "theme.json").write_text("{}")
    env.clear_log()
    result = run_module(descope_backup, {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest"})
    assert result["failed"] and "theme.json" in result["msg"] and result["error"]["kind"] == "file" and result["hint"]
    assert env.requests() == []
