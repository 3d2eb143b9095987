# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials that must never leak, on both execution paths, through real ansible-playbook -vvvv runs.

Each case fails before the first request (the emulator log stays empty), with a message naming the option and the
fix, and neither credential value appears in stdout, stderr, the task result or the audit trail.
"""

from __future__ import annotations

import pathlib
import typing as t

import pytest

PATHS = {"in-process": {}, "module": {"DESCOPE_MGMT_IN_PROCESS": "false"}}
INFO = "descope.mgmt.descope_tenant_info"
TENANT = "descope.mgmt.descope_tenant"
KEY = "K2CanaryCredentialSafety000000000000000001"
PID = "P2CanarySafetyProject000000001"


def _everything(run: t.Any, workdir: pathlib.Path) -> str:
    audit = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((workdir / "audit").rglob("*")) if p.is_file())
    return run.stdout + run.stderr + repr(run.tasks) + audit


def _fails_cleanly(playbook: t.Any, emulator: t.Any, task: dict[str, t.Any], env: dict[str, str | None], *needles: str) -> str:
    run = playbook.run([{"name": "refused", "ignore_errors": True, **task}], env=env, args=["-vvvv"], callbacks=["descope.mgmt.descope_audit"])
    result = run.task("refused")
    assert result["failed"] is True, run.stdout[-2000:]
    for needle in needles:
        assert needle in result["msg"], result["msg"]
    assert "Traceback" not in result["msg"] and "Fix" in result["msg"]
    assert emulator.requests() == []  # refused before the first request, the licence handshake included
    return _everything(run, playbook.workdir)


@pytest.mark.canary
@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_swapped_credentials_in_the_environment_are_refused_and_never_printed(playbook: t.Any, emulator: t.Any, path: str) -> None:
    env = {**PATHS[path], "DESCOPE_PROJECT_ID": KEY, "DESCOPE_MANAGEMENT_KEY": PID}
    text = _fails_cleanly(playbook, emulator, {INFO: {}}, env, "look swapped", "DESCOPE_PROJECT_ID")
    assert KEY not in text and PID not in text
    for piece in (KEY[:12], KEY[-12:]):
        assert piece not in text


@pytest.mark.slow
@pytest.mark.parametrize("path", ["in-process", "module"])
def test_a_key_in_the_project_id_task_argument_is_refused_and_never_printed(playbook: t.Any, emulator: t.Any, path: str) -> None:
    text = _fails_cleanly(playbook, emulator, {INFO: {"project_id": KEY}}, PATHS[path], "looks like a management key", "'project_id'")
    assert KEY not in text


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("where", ["task", "environment"])
@pytest.mark.parametrize("bad", ["\nSecondLineOfTheKey0001", "\u00e9t\u00e9Latin1", "\u2603Snowman0001"])
def test_an_unsendable_key_names_the_option_and_never_prints_the_key(playbook: t.Any, emulator: t.Any, path: str, where: str, bad: str) -> None:
    key = KEY + bad
    env: dict[str, str | None] = dict(PATHS[path])
    task: dict[str, t.Any] = {INFO: {}}
    if where == "task":
        task = {INFO: {"management_key": key}}
    else:
        env["DESCOPE_MANAGEMENT_KEY"] = key
    source = "task argument 'management_key'" if where == "task" else "environment variable DESCOPE_MANAGEMENT_KEY"
    text = _fails_cleanly(playbook, emulator, task, env, source)
    assert KEY not in text and bad.strip()[2:] not in text


@pytest.mark.parametrize("path", PATHS)
def test_plain_http_to_another_host_is_refused_unless_opted_in(playbook: t.Any, emulator: t.Any, path: str) -> None:
    # 192.0.2.1 is TEST-NET-1: never routed; the task must stop before trying it
    env = {**PATHS[path], "DESCOPE_BASE_URL": "http://192.0.2.1:9"}
    _fails_cleanly(playbook, emulator, {INFO: {}}, env, "plain http://", "allow_insecure_http", "DESCOPE_ALLOW_INSECURE_HTTP")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("url, needle", [("ftp://api.descope.com", "'ftp://'"), ("api.descope.com", "no scheme"), ("https://api descope.com", "spaces")])
def test_a_malformed_base_url_names_base_url_and_the_fix(playbook: t.Any, emulator: t.Any, path: str, url: str, needle: str) -> None:
    _fails_cleanly(playbook, emulator, {INFO: {"base_url": url}}, PATHS[path], needle, "'base_url'")


@pytest.mark.parametrize("path", PATHS)
def test_an_empty_key_on_the_task_does_not_fall_back_to_the_environment(playbook: t.Any, emulator: t.Any, path: str) -> None:
    task = {TENANT: {"id": "t-empty-key", "name": "Never created", "management_key": "{{ undefined_key | default('') }}"}}
    _fails_cleanly(playbook, emulator, task, PATHS[path], "'management_key' is set on the task but empty", "DESCOPE_MANAGEMENT_KEY")
    assert emulator.state()["tenants"] == []


@pytest.mark.canary
@pytest.mark.parametrize("path", PATHS)
def test_loopback_http_and_the_licence_handshake_work_on_both_paths(playbook: t.Any, emulator: t.Any, path: str) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "One"}])
    run = playbook.run([{"name": "read", INFO: {}}], env={**PATHS[path], "DESCOPE_LICENSE_HANDSHAKE": None})
    assert [x["id"] for x in run.task("read")["tenants"]] == ["t1"]
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/license", "/v1/mgmt/tenant/all"]
