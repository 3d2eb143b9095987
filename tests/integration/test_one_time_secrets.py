# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A one-time secret a module returns (the SSO admin link) reaches register: and nothing else.

Every callback ansible-core ships (stdout: default, minimal, oneline; aggregate: junit, tree), log_path, the audit
trail and ansible-runner's job events, at -vvvv, on both execution paths, single task and loop. The bearer token
(the link's ``t=`` part) is looked for in every byte the run produced; the registered variable must hold it.
"""

from __future__ import annotations

import json
import os
import pathlib
import typing as t

import pytest
from runner_job import job_env, private_dir

pytestmark = pytest.mark.integration

LINK = "descope.mgmt.descope_sso_admin_link"
TENANTS = [{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}]
PREFIX = "https://emulator.invalid/sso-setup?t="


def _tasks(out: pathlib.Path) -> list[dict[str, t.Any]]:
    return [
        {"name": "link", LINK: {"tenant_id": "acme", "expire_time": 3600}, "register": "one"},
        {"name": "links", LINK: {"tenant_id": "{{ item }}", "expire_time": 600}, "loop": ["acme", "globex"], "register": "many"},
        {"name": "plan", LINK: {"tenant_id": "acme"}, "check_mode": True, "register": "planned"},
        {
            "name": "keep",
            "ansible.builtin.copy": {
                "content": "{{ ([one.admin_link] + (many.results | map(attribute='admin_link') | list)) | to_json }}",
                "dest": str(out),
                "mode": "0600",
            },
            "no_log": True,
        },
    ]


def _tokens(out: pathlib.Path) -> list[str]:
    links = json.loads(out.read_text(encoding="utf-8"))
    assert len(links) == 3 and all(link.startswith(PREFIX) for link in links), links
    tokens = [link[len(PREFIX) :] for link in links]
    assert len(set(tokens)) == 3 and all(len(token) >= 24 for token in tokens)
    return tokens


def _leaks(root: pathlib.Path, texts: t.Mapping[str, str], tokens: list[str], skip: t.Collection[pathlib.Path]) -> list[str]:
    hits = [f"{name} holds a token" for name, text in texts.items() if any(token in text for token in tokens)]
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p not in skip):
        data = path.read_bytes()
        if any(token.encode() in data for token in tokens):
            hits.append(f"file {path.relative_to(root)}")
    return hits


@pytest.mark.slow
@pytest.mark.parametrize("in_process", ["true", "false"])
@pytest.mark.parametrize("stdout_callback", ["default", "minimal", "oneline"])
def test_admin_link_only_in_register_under_every_shipped_callback(
    playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, stdout_callback: str, in_process: str
) -> None:
    emulator.seed(tenants=TENANTS)
    out = tmp_path / "links.json"
    env = {
        "DESCOPE_MGMT_IN_PROCESS": in_process,
        "ANSIBLE_STDOUT_CALLBACK": stdout_callback,
        "ANSIBLE_LOG_PATH": str(tmp_path / "ansible.log"),
        "JUNIT_OUTPUT_DIR": str(tmp_path / "junit"),
        "JUNIT_FAIL_ON_CHANGE": "true",  # junit then writes every changed task's result as a failure body
        "ANSIBLE_CALLBACK_TREE_DIR": str(tmp_path / "tree"),
    }
    callbacks = ["descope.mgmt.descope_audit", "ansible.builtin.junit", "ansible.builtin.tree"]
    run = playbook.run(_tasks(out), callbacks=callbacks, args=["-vvvv"], diff=True, env=env)
    assert run.rc == 0, run.stdout + run.stderr
    tokens = _tokens(out)
    assert len(emulator.state()["adminLinks"]) == 3
    # every output was really produced (an output that was never written would prove nothing)
    assert (tmp_path / "ansible.log").stat().st_size > 0 and list((tmp_path / "junit").glob("*.xml"))
    assert (tmp_path / "tree" / "localhost").is_file()
    audit = [json.loads(line) for p in (tmp_path / "audit").glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines()]
    linked = [r for r in audit if r.get("module") == "descope_sso_admin_link" and not r.get("check_mode")]
    assert len(linked) == 3 and all(r["hidden"] and r["changed"] and r["outcome"] == "ok" for r in linked), linked
    planned = [r for r in audit if r.get("module") == "descope_sso_admin_link" and r.get("check_mode")]
    assert planned == []  # a task forced into check mode in a real run is a plan step: not recorded (its apply is)
    hits = _leaks(tmp_path, {"stdout": run.stdout, "stderr": run.stderr}, tokens, skip={out})
    assert hits == [], hits
    # callbacks see a censored result; the check-mode task holds no secret and stays visible
    assert "censored" in run.task("link") and "admin_link" not in run.task("link")
    assert run.task("plan")["changed"] is True and "would have generated" in run.task("plan")["msg"]


@pytest.mark.smoke
def test_admin_link_never_in_ansible_runner_events(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ansible_runner = pytest.importorskip("ansible_runner")

    for name in list(os.environ):
        if name.startswith(("DESCOPE_", "ANSIBLE_")):
            monkeypatch.delenv(name, raising=False)
    emulator.seed(tenants=TENANTS)
    out = tmp_path / "links.json"
    play = [{"name": "links", "hosts": "localhost", "gather_facts": False, "tasks": _tasks(out)}]
    private = private_dir(tmp_path / "private", "links.yml", play)
    env = job_env(tmp_path, playbook.collections, DESCOPE_AUDIT_DIR=str(tmp_path / "audit"), **emulator.env)
    runner = ansible_runner.run(private_data_dir=str(private), playbook="links.yml", envvars=env, quiet=True, timeout=240, verbosity=4)
    assert runner.status == "successful", "\n".join(str(e.get("stdout")) for e in runner.events)
    tokens = _tokens(out)
    events = json.dumps(list(runner.events))
    assert "runner_on_ok" in events and "censored" in events
    hits = _leaks(tmp_path, {"events": events}, tokens, skip={out})
    assert hits == [], hits
