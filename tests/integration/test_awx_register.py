# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""awx/register.yml as written, against a stand-in for the awx.awx collection that records what it was asked.

No AWX is reachable here, so each awx.awx module the playbook uses is replaced by a module that appends its
arguments to a file: the test then reads what AWX would have been told to create.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import typing as t

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
RECORDER = """#!/usr/bin/python
# WANT_JSON
import json, os, sys
with open(sys.argv[1]) as fh:
    args = json.load(fh)
with open(os.environ["AWX_STANDIN_LOG"], "a") as log:
    log.write(json.dumps({"module": "%s", "args": {k: v for k, v in args.items() if not k.startswith("_ansible")}}) + "\\n")
print(json.dumps({"changed": True}))
"""


def _standin(root: pathlib.Path) -> pathlib.Path:
    modules = root / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    for name in ("credential_type", "credential", "job_template", "schedule"):
        (modules / f"{name}.py").write_text(RECORDER % name, encoding="utf-8")
    (root / "ansible_collections" / "awx" / "awx" / "galaxy.yml").write_text(
        "namespace: awx\nname: awx\nversion: 0.0.1\nreadme: README.md\nauthors: [test]\n", encoding="utf-8"
    )
    return root


def _register(tmp_path: pathlib.Path, settings: dict[str, t.Any]) -> tuple[subprocess.CompletedProcess[str], list[dict[str, t.Any]]]:
    log = tmp_path / "awx-calls.jsonl"
    (tmp_path / "settings.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DESCOPE_"))}
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(_standin(tmp_path / "collections")),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "AWX_STANDIN_LOG": str(log),
        }
    )
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), str(REPO / "awx" / "register.yml"), "-e", "@settings.yml"]
    cmd += ["-e", f"ansible_python_interpreter={sys.executable}"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return proc, calls


SETTINGS = {
    "awx_descope_projects": [{"name": "staging", "project_id": "P2StagingExampleProject00001", "management_key": "K2StandInKeyNotASecret"}],
    "awx_descope_audit": {
        "url": "https://splunk.example.com:8088/services/collector/event",
        "format": "splunk_hec",
        "token": "hec-token-stand-in-0001",
        "key": "audit-key-stand-in-0123456789",
        "required": True,
    },
}


@pytest.mark.canary
def test_register_creates_the_audit_credential_and_attaches_it_to_every_job_template(tmp_path: pathlib.Path) -> None:
    proc, calls = _register(tmp_path, SETTINGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    audit_type = yaml.safe_load((REPO / "awx" / "audit_credential_type.yml").read_text(encoding="utf-8"))
    audit = [c["args"] for c in calls if c["module"] == "credential" and c["args"]["credential_type"] == audit_type["name"]]
    assert len(audit) == 1
    assert audit[0]["inputs"] == {**SETTINGS["awx_descope_audit"], "required": True}
    templates = [c["args"] for c in calls if c["module"] == "job_template"]
    assert templates and all(audit[0]["name"] in (tpl.get("credentials") or []) for tpl in templates)
    # the type it uses is registered before the credential, and no secret reaches the output
    order = [(c["module"], c["args"].get("name")) for c in calls]
    assert order.index(("credential_type", audit_type["name"])) < order.index(("credential", audit[0]["name"]))
    for secret in ("hec-token-stand-in-0001", "audit-key-stand-in-0123456789", "K2StandInKeyNotASecret"):
        assert secret not in proc.stdout + proc.stderr


def test_register_without_audit_settings_creates_no_audit_credential(tmp_path: pathlib.Path) -> None:
    proc, calls = _register(tmp_path, {"awx_descope_projects": []})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [c for c in calls if c["module"] == "credential"]
    assert all("credentials" not in c["args"] or not c["args"]["credentials"] for c in calls if c["module"] == "job_template")
