# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow / descope_flow_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import copy
import json
import pathlib
import shutil
import typing as t

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "flows"


def stage(playbook: t.Any) -> pathlib.Path:
    """Copy the sample exports into the play's files/ directory (where copy/template look too)."""
    files = pathlib.Path(playbook.workdir) / "files"
    shutil.copytree(FIXTURES, files / "samples")
    return files


def write_paths(emulator: t.Any) -> list[str]:
    return [w["path"] for w in emulator.writes()]


@pytest.mark.smoke
def test_deploy_from_v1_and_v2_files_then_unchanged(playbook: t.Any, emulator: t.Any) -> None:
    stage(playbook)
    tasks = [
        {"name": "v2", "descope.mgmt.descope_flow": {"src": "samples/v2/sign-up-or-in.json"}},
        {"name": "v1", "descope.mgmt.descope_flow": {"flow_id": "password-sign-in", "src": "samples/v1/sign-in.json"}},
    ]
    first = playbook.run(tasks)
    assert first.rc == 0, first.stdout + first.stderr
    assert first.task("v2")["flow"]["action"] == "updated" and first.task("v1")["flow"]["action"] == "created"
    assert "wins" in " ".join(first.task("v1").get("warnings", []))  # the file says sign-in, the task says password-sign-in
    state = emulator.state()["flows"]
    assert state["password-sign-in"]["metadata"]["name"] == "Sign In" and len(state["sign-up-or-in"]["screens"]) == 2
    emulator.clear_log()
    second = playbook.run(tasks)
    assert second.rc == 0 and not second.task("v1")["changed"] and not second.task("v2")["changed"]
    assert emulator.writes() == []


@pytest.mark.smoke
def test_export_then_redeploy_is_unchanged_with_zero_writes(playbook: t.Any, emulator: t.Any) -> None:
    result = playbook.run(
        [
            {"name": "export", "descope.mgmt.descope_flow_info": {"dest": "exported", "theme": True}},
            {"name": "export again", "descope.mgmt.descope_flow_info": {"dest": "exported", "theme": True}},
        ]
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert result.task("export")["changed"] is True and result.task("export again")["changed"] is False
    exported = pathlib.Path(playbook.workdir) / "exported"
    assert sorted(p.name for p in exported.iterdir()) == ["sign-in.json", "sign-up-or-in.json", "theme.json"]
    emulator.clear_log()
    redeploy = playbook.run([{"name": "redeploy", "descope.mgmt.descope_flow": {"src_dir": "exported", "theme": "exported/theme.json", "prune": True}}])
    assert redeploy.rc == 0 and redeploy.task("redeploy")["changed"] is False
    assert emulator.writes() == []


@pytest.mark.slow
def test_console_edit_is_reported_as_drift_in_check_mode(playbook: t.Any, emulator: t.Any) -> None:
    files = stage(playbook)
    deploy = playbook.run([{"name": "deploy", "descope.mgmt.descope_flow": {"src": "samples/v2/sign-up-or-in.json"}}])
    assert deploy.rc == 0
    # someone edits the flow in the console: a new task and another description
    edited = json.loads((files / "samples" / "v2" / "sign-up-or-in.json").read_text())["flow"]
    edited = copy.deepcopy(edited)
    edited["metadata"]["description"] = "edited in the console"
    edited["contents"]["tasks"]["captcha"] = {"id": "captcha", "type": "action", "action": "captcha.verify", "next": {"success": "send-otp"}}
    response = emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": edited})
    assert response.status_code == 200
    emulator.clear_log()
    drift = playbook.run([{"name": "drift", "descope.mgmt.descope_flow": {"src": "samples/v2/sign-up-or-in.json"}}], check=True, diff=True)
    assert drift.rc == 0
    result = drift.task("drift")
    assert result["changed"] is True and result["flow"]["action"] == "updated"
    assert result["flow"]["changes"]["tasks"]["removed"] == ["captcha"] and result["flow"]["changes"]["metadata"] == ["description"]
    assert "tasks removed: captcha" in drift.stdout and "edited in the console" in drift.stdout  # summary + full before/after
    assert emulator.writes() == []


@pytest.mark.slow
def test_absent_twice(playbook: t.Any, emulator: t.Any) -> None:
    tasks = [{"name": "absent", "descope.mgmt.descope_flow": {"flow_id": "sign-in", "state": "absent"}}]
    first = playbook.run(tasks)
    assert first.rc == 0 and first.task("absent")["changed"] is True
    assert write_paths(emulator) == ["/v1/mgmt/flow/delete"] and "sign-in" not in emulator.state()["flows"]
    emulator.clear_log()
    second = playbook.run(tasks)
    assert second.rc == 0 and second.task("absent")["changed"] is False and emulator.writes() == []


@pytest.mark.smoke
def test_invalid_files_rejected_with_zero_writes(playbook: t.Any, emulator: t.Any) -> None:
    stage(playbook)
    emulator.clear_log()
    result = playbook.run([{"name": "bad", "descope.mgmt.descope_flow": {"src_dir": "samples/invalid", "prune": True}}])
    assert result.rc != 0
    bad = result.task("bad")
    assert result.status("bad") == "failed" and len(bad["validation_errors"]) >= 4
    assert any(e["source"].endswith("invalid/sign-up-or-in.json") and e["field"] == "$.flow.screens[2].screenId" for e in bad["validation_errors"])
    assert any(e["source"].endswith("invalid/sign-in.json") and e["field"] == "$.flow.name" for e in bad["validation_errors"])
    assert any(e["source"].endswith("invalid/broken.json") and "invalid JSON" in e["message"] for e in bad["validation_errors"])
    assert emulator.requests() == []


@pytest.mark.slow
def test_src_dir_with_prune_and_protected_ids(playbook: t.Any, emulator: t.Any) -> None:
    files = stage(playbook)
    flows = files / "project-flows"
    flows.mkdir()
    shutil.copy(files / "samples" / "v2" / "sign-up-or-in.json", flows / "sign-up-or-in.json")
    shutil.copy(files / "samples" / "v1" / "sign-in.json", flows / "password-sign-in.json")
    seeded = emulator.state()["flows"]["sign-in"]
    extra = dict(copy.deepcopy(seeded), flowId="legacy-login")
    assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": extra}).status_code == 200
    task = {"name": "set", "descope.mgmt.descope_flow": {"src_dir": "project-flows", "prune": True, "protected_ids": ["sign-in"]}}
    emulator.clear_log()
    check = playbook.run([task], check=True)
    assert check.rc == 0
    actions = {f["id"]: f["action"] for f in check.task("set")["flows"]}
    assert actions == {"password-sign-in": "created", "sign-up-or-in": "updated", "legacy-login": "deleted"}
    assert emulator.writes() == []
    real = playbook.run([task])
    assert real.rc == 0 and {f["id"]: f["action"] for f in real.task("set")["flows"]} == actions
    assert sorted(emulator.state()["flows"]) == ["password-sign-in", "sign-in", "sign-up-or-in"]
    assert write_paths(emulator).count("/v1/mgmt/flow/delete") == 1
    emulator.clear_log()
    again = playbook.run([task])
    assert again.rc == 0 and again.task("set")["changed"] is False and emulator.writes() == []


@pytest.mark.slow
def test_theme_import_compares_before_writing(playbook: t.Any, emulator: t.Any) -> None:
    stage(playbook)
    tasks = [{"name": "theme", "descope.mgmt.descope_flow": {"theme": "samples/theme.json"}}]
    emulator.clear_log()
    check = playbook.run(tasks, check=True, diff=True)
    assert check.rc == 0 and check.task("theme")["theme"]["action"] == "updated" and emulator.writes() == []
    assert "theme changed: styles.dark, styles.light" in check.stdout
    first = playbook.run(tasks)
    assert first.rc == 0 and write_paths(emulator) == ["/v2/mgmt/theme/import"]
    assert emulator.state()["theme"]["styles"]["light"]["globals"]["fontFamily"] == "Inter"
    emulator.clear_log()
    second = playbook.run(tasks)
    assert second.rc == 0 and second.task("theme")["changed"] is False and emulator.writes() == []


@pytest.mark.slow
def test_module_path_gives_the_same_result(playbook: t.Any, emulator: t.Any) -> None:
    stage(playbook)
    # relative to the play's files/ directory in both paths: the action plugin resolves it before either
    tasks = [{"name": "deploy", "descope.mgmt.descope_flow": {"src": "samples/v2/sign-up-or-in.json"}}]
    in_process = playbook.run(tasks, check=True)
    module = playbook.run(tasks, check=True, env={"DESCOPE_MGMT_IN_PROCESS": "false"})
    assert in_process.rc == 0 and module.rc == 0, module.stdout + module.stderr
    a, b = in_process.task("deploy"), module.task("deploy")
    assert a["flow"] == b["flow"] and a["msg"] == b["msg"]
    assert emulator.writes() == []
