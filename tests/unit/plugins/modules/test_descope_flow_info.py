# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow_info main(): listing and exporting through the module path."""

from __future__ import annotations

import json
import pathlib
import typing as t

from ansible_collections.descope.mgmt.plugins.modules import descope_flow_info


def test_info_lists_flows(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_flow_info, {})
    assert result["changed"] is False and sorted(f["id"] for f in result["flows"]) == ["sign-in", "sign-up-or-in"]
    assert env.writes() == []


def test_info_exports_then_reports_unchanged(env: t.Any, tmp_path: pathlib.Path, run_module: t.Any) -> None:
    dest = tmp_path / "out"
    first = run_module(descope_flow_info, {"dest": str(dest), "flow_ids": ["sign-in"], "theme": True})
    assert first["changed"] is True and (dest / "sign-in.json").is_file() and (dest / "theme.json").is_file()
    assert json.loads((dest / "sign-in.json").read_text())["flowId"] == "sign-in"  # the bare object the Descope CLI reads
    second = run_module(descope_flow_info, {"dest": str(dest), "flow_ids": ["sign-in"], "theme": True})
    assert second["changed"] is False


def test_info_theme_requires_dest(env: t.Any, run_module: t.Any) -> None:
    result = run_module(descope_flow_info, {"theme": True})
    assert result["failed"] and "dest" in result["msg"]


def test_info_export_counts_every_file_it_wrote_including_the_theme(env: t.Any, tmp_path: pathlib.Path, run_module: t.Any) -> None:
    from ansible_collections.descope.mgmt.plugins.callback import descope_audit  # pylint: disable=import-outside-toplevel

    dest = tmp_path / "out"
    first = run_module(descope_flow_info, {"dest": str(dest), "theme": True})
    assert [(f["id"], f["action"]) for f in first["flows"]] == [("sign-in", "exported"), ("sign-up-or-in", "exported")]
    assert first["theme"]["action"] == "exported"
    assert first["msg"] == f"2 flow(s); wrote 3 file(s) (sign-in.json, sign-up-or-in.json, theme.json) to {dest}, the rest already up to date."
    lines = descope_audit.progress_lines("descope_flow_info", "h", first)
    assert lines == [
        "descope_flow_info [h]: flow sign-in: exported",
        "descope_flow_info [h]: flow sign-up-or-in: exported",
        "descope_flow_info [h]: theme theme: exported",
        "descope_flow_info [h]: 3 item(s): 0 created, 0 updated, 0 deleted, 0 unchanged, 0 failed, 3 exported",
    ]
    second = run_module(descope_flow_info, {"dest": str(dest), "theme": True})
    assert descope_audit.progress_lines("descope_flow_info", "h", second)[-1].endswith("3 item(s): 0 created, 0 updated, 0 deleted, 3 unchanged, 0 failed")
