# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow_info main(): listing and exporting through the module path."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.descope.mgmt.plugins.modules import descope_flow_info


def run_main(args: dict[str, t.Any], capsys: pytest.CaptureFixture[str]) -> dict[str, t.Any]:
    with patch_module_args(args), pytest.raises(SystemExit):
        descope_flow_info.main()
    return t.cast(dict[str, t.Any], json.loads(capsys.readouterr().out))


@pytest.fixture
def env(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> t.Any:
    for key, value in emulator.env.items():
        monkeypatch.setenv(key, value)
    return emulator


def test_info_lists_flows(env: t.Any, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main({}, capsys)
    assert result["changed"] is False and sorted(f["id"] for f in result["flows"]) == ["sign-in", "sign-up-or-in"]
    assert env.writes() == []


def test_info_exports_then_reports_unchanged(env: t.Any, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "out"
    first = run_main({"dest": str(dest), "flow_ids": ["sign-in"], "theme": True}, capsys)
    assert first["changed"] is True and (dest / "sign-in.json").is_file() and (dest / "theme.json").is_file()
    assert json.loads((dest / "sign-in.json").read_text())["flow"]["flowId"] == "sign-in"
    second = run_main({"dest": str(dest), "flow_ids": ["sign-in"], "theme": True}, capsys)
    assert second["changed"] is False


def test_info_theme_requires_dest(env: t.Any, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main({"theme": True}, capsys)
    assert result["failed"] and "dest" in result["msg"]
