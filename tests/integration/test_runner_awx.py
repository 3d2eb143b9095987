# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sync playbook through ansible-runner, the engine AWX/AAP uses for every job.

Like an AWX job: a private data dir with a project (a wrapper playbook that imports descope.mgmt.sync, as the
repository of an AWX project would), an inventory with one host per Descope project, the credential injected as
DESCOPE_* environment variables (what the Descope credential type does), the audit callback enabled through the
environment, and ansible-runner's own awx_display stdout callback turning the output into job events.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import typing as t

import pytest
import yaml
from runner_job import job_env

from ansible_collections.descope.mgmt.plugins.module_utils import _audit as audit

ansible_runner = pytest.importorskip("ansible_runner")

WRAPPER = """---
- name: Run descope.mgmt.sync (wrapper in the AWX project)
  ansible.builtin.import_playbook: descope.mgmt.sync
"""

TENANTS = [
    {"id": "acme", "name": "Acme Corp", "self_provisioning_domains": ["acme.com"]},
    {"id": "acme-eu", "name": "Acme Europe", "parent_tenant_id": "acme"},
]


def _job(tmp_path: pathlib.Path, collections: str, envvars: dict[str, str], ident: str) -> t.Any:
    """Lay out a private data dir like AWX does and run the job."""
    private = tmp_path / "private"
    (private / "project").mkdir(parents=True, exist_ok=True)
    (private / "inventory").mkdir(exist_ok=True)
    (private / "project" / "sync.yml").write_text(WRAPPER, encoding="utf-8")
    inventory = {
        "descope_projects": {
            "hosts": {"staging": {"descope_tenants": TENANTS}},
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        }
    }
    (private / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory), encoding="utf-8")
    env = job_env(tmp_path, collections, **envvars)
    return ansible_runner.run(
        private_data_dir=str(private),
        playbook="sync.yml",
        ident=ident,
        envvars=env,
        quiet=True,
        timeout=240,
    )


def _events_text(runner: t.Any) -> str:
    return "\n".join(str(event.get("stdout") or "") for event in runner.events)


def _audit_lines(artifacts: pathlib.Path) -> list[dict[str, t.Any]]:
    files = sorted((artifacts / "descope_audit").glob("*.jsonl"))
    return [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def awx_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # ansible-runner passes the test process's environment on; the trail location must come from AWX's default
    for name in list(os.environ):
        if name.startswith(("DESCOPE_", "ANSIBLE_")) or name in ("AWX_ISOLATED_DATA_DIR", "JOB_ID"):
            monkeypatch.delenv(name, raising=False)


@pytest.mark.smoke
def test_sync_job_writes_the_audit_trail_into_the_job_artifacts(awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> None:
    runner = _job(tmp_path, playbook.collections, {**emulator.env, "JOB_ID": "4242"}, ident="job-4242")

    assert runner.status == "successful", _events_text(runner)
    assert runner.rc == 0
    artifacts = pathlib.Path(runner.config.artifact_dir)
    lines = _audit_lines(artifacts)
    created = sorted(line["target_id"] for line in lines if line.get("operation") == "create" and line.get("outcome") == "ok")
    assert created == ["acme", "acme-eu"]
    assert {line.get("project_id") for line in lines if line.get("target_id")} == {emulator.project_id}
    assert {line.get("awx_job_id") for line in lines} == {"4242"}
    # the job really wrote to Descope (the emulator) and the recap reached the job events
    state = emulator.state()
    assert sorted(tenant["id"] for tenant in state["tenants"]) == ["acme", "acme-eu"]
    stats = [event for event in runner.events if event.get("event") == "playbook_on_stats"]
    assert stats and stats[-1]["event_data"]["changed"] == {"staging": 1}
    # the key reaches neither the trail nor the job events (what AWX stores and shows)
    key = emulator.management_key
    for path in (artifacts / "descope_audit").glob("*.jsonl"):
        assert key not in path.read_text(encoding="utf-8")
    assert key not in json.dumps(list(runner.events))


@pytest.mark.canary
def test_failed_job_shows_the_recovery_suggestions_in_its_events(awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> None:
    wrong_key = "K2WrongKeyForThisProject000000000"
    env = {**emulator.env, "DESCOPE_MANAGEMENT_KEY": wrong_key}
    runner = _job(tmp_path, playbook.collections, env, ident="job-401")

    assert runner.status == "failed"
    failed = [event for event in runner.events if event.get("event") == "runner_on_failed"]
    assert failed, _events_text(runner)
    text = _events_text(runner)
    # the failed task's message: the problem once, with numbered next steps naming where the key came from, as job events
    assert "Descope refused the management key" in text and "(HTTP 401)" in text
    assert "Next steps: 1) Check the management key from environment variable DESCOPE_MANAGEMENT_KEY" in text
    assert "descope.mgmt: descope_tenant on staging" not in text  # the callback's full report only at -v
    assert wrong_key not in text
    assert wrong_key not in json.dumps(list(runner.events))
    # the failure is in the trail too, and nothing was written to Descope
    lines = _audit_lines(pathlib.Path(runner.config.artifact_dir))
    assert any(line.get("outcome") == "failed" for line in lines)
    assert emulator.writes() == []


# ------------------------------------------------------------------------------------------------ sliced AWX job

REPO = pathlib.Path(__file__).resolve().parents[2]
AUDIT_KEY = "awx-audit-key-0123456789abcdef"
SINK_TOKEN = "awx-sink-token-0123456789"
PROJECTS = {"staging": "P2StagingExampleProject00001", "production": "P2ProductionExampleProject01"}


def _awx_private_dir(root: pathlib.Path, slice_hosts: list[str], collections: str) -> pathlib.Path:
    """A private data dir as AWX lays out a job: the project checkout in project/, the imported inventory in inventory/."""
    private = root
    shutil.copytree(REPO / "examples", private / "project", ignore=shutil.ignore_patterns("demo"))
    # AWX imports an SCM inventory source with `ansible-inventory --list --export` in the checkout, stores it, and
    # hands each job a script printing that JSON (only the slice's hosts for a sliced job)
    listed = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "ansible-inventory"), "-i", "inventory", "--list", "--export"],
        cwd=private / "project",
        env={**os.environ, "ANSIBLE_COLLECTIONS_PATH": collections},
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(listed.stdout)
    hostvars = data.get("_meta", {}).get("hostvars", {})
    data["_meta"]["hostvars"] = {h: v for h, v in hostvars.items() if h in slice_hosts}
    for group in data.values():
        if isinstance(group, dict) and "hosts" in group:
            group["hosts"] = [h for h in group["hosts"] if h in slice_hosts]
    (private / "inventory").mkdir()
    script = private / "inventory" / "hosts"
    script.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps({data!r}))\n", encoding="utf-8")
    script.chmod(0o700)
    return private


@pytest.mark.slow
def test_sliced_job_over_a_multi_project_inventory_lands_every_line_in_sink_and_trail(
    awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path
) -> None:
    from audit_receiver import Receiver  # tests/ is on sys.path (integration conftest)

    emulator.seed(
        [
            # the example tenants use the 'plan' custom attribute, which a project must define (strict emulator)
            {"id": pid, "managementKey": emulator.management_key, "tenants": [], "customAttributes": [{"id": "plan", "type": "string"}]}
            for pid in PROJECTS.values()
        ]
    )
    receiver = Receiver(token=SINK_TOKEN, fail_first=1)
    persistent = tmp_path / "persistent-audit"  # the path AWX_ISOLATION_SHOW_PATHS exposes to every job
    try:
        slices = []
        for number, host in enumerate(PROJECTS, start=1):
            private = _awx_private_dir(tmp_path / f"slice{number}", [host], playbook.collections)
            env = {
                "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                "ANSIBLE_COLLECTIONS_PATH": playbook.collections,
                "ANSIBLE_CALLBACKS_ENABLED": "descope.mgmt.descope_audit",  # what the EE sets
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / f"tmp{number}"),
                "ANSIBLE_NOCOLOR": "1",
                "DESCOPE_BASE_URL": emulator.env["DESCOPE_BASE_URL"],
                "DESCOPE_MANAGEMENT_KEY": emulator.management_key,
                "DESCOPE_AUDIT_DIR": str(persistent),
                "DESCOPE_AUDIT_KEY": AUDIT_KEY,
                "DESCOPE_AUDIT_URL": receiver.url,
                "DESCOPE_AUDIT_TOKEN": SINK_TOKEN,
                "JOB_ID": str(700 + number),
            }
            thread, runner = ansible_runner.run_async(
                private_data_dir=str(private),
                playbook="playbooks/sync.yml",
                ident=f"slice-{number}",
                envvars=env,
                extravars={"descope_backup_dir": str(tmp_path / "backups"), "awx_job_id": 700 + number, "awx_user_name": "alice"},
                quiet=True,
                timeout=300,
            )
            slices.append((thread, runner))
        for thread, _runner in slices:
            thread.join(timeout=320)
        for _thread, runner in slices:
            assert runner.status == "successful", _events_text(runner)

        declared = {item["id"] for item in yaml.safe_load((REPO / "examples" / "project" / "tenants.yml").read_text())["tenants"]}
        lines = [json.loads(x) for f in sorted(persistent.glob("*.jsonl")) for x in f.read_text().splitlines() if x.strip()]
        for host, pid in PROJECTS.items():
            created = {e["target_id"] for e in lines if e["project_id"] == pid and e["operation"] == "create" and e["target_type"] == "tenant"}
            assert created == declared, (host, created)
            assert {t_["id"] for t_ in emulator.state(pid)["tenants"]} >= declared
        # the role previews in check mode before it applies: one check line and one real line per change
        keys = [(e["run_id"], e["project_id"], e["target_type"], e["target_id"], e["operation"], e["check_mode"]) for e in lines if e["target_id"]]
        assert len(keys) == len(set(keys))  # nothing duplicated
        assert not any(e["interrupted"] for e in lines)
        assert {e["awx_job_id"] for e in lines} == {"701", "702"} and len({e["run_id"] for e in lines}) == 2
        assert sorted(receiver.unique()) == sorted(e["hash"] for e in lines)  # every slice's lines reached the sink, once
        checked = audit.verify(str(persistent), AUDIT_KEY)
        assert checked.verified and checked.forgery_detectable and checked.checkpoints == 2, checked.problems
        for pid in PROJECTS.values():
            entries, _files = audit.read_entries(str(persistent), {"project": [pid]})
            assert entries and all(e["project_id"] == pid for e in entries)
    finally:
        receiver.close()


# ------------------------------------------------------------------------------------------------ the example configuration


def _injected(inputs: dict[str, t.Any]) -> dict[str, str]:
    """The environment AWX injects for a credential of awx/audit_credential_type.yml with these inputs."""
    import jinja2  # pylint: disable=import-outside-toplevel  # ansible-core depends on jinja2

    spec = yaml.safe_load((REPO / "awx" / "audit_credential_type.yml").read_text(encoding="utf-8"))
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined)
    return {name: env.from_string(template).render(**inputs) for name, template in spec["injectors"]["env"].items()}


def _example_job(tmp_path: pathlib.Path, emulator: t.Any, collections: str, extra_env: dict[str, str]) -> t.Any:
    """One job over the example project with examples/ansible.cfg exactly as shipped (no DESCOPE_AUDIT_DIR)."""
    emulator.seed(
        [
            {"id": pid, "managementKey": emulator.management_key, "tenants": [], "customAttributes": [{"id": "plan", "type": "string"}]}
            for pid in PROJECTS.values()
        ]
    )
    private = _awx_private_dir(tmp_path / "job", ["staging"], collections)
    assert (private / "project" / "ansible.cfg").read_bytes() == (REPO / "examples" / "ansible.cfg").read_bytes()
    home = tmp_path / "ee-home"  # the execution environment's home: gone with the container
    home.mkdir()
    env = {
        "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "DESCOPE_BASE_URL": emulator.env["DESCOPE_BASE_URL"],
        "DESCOPE_MANAGEMENT_KEY": emulator.management_key,
        "JOB_ID": "900",
        **extra_env,
    }
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook="playbooks/sync.yml",
        ident="example-cfg",
        envvars=env,
        extravars={"descope_backup_dir": str(tmp_path / "backups")},
        quiet=True,
        timeout=300,
    )
    assert runner.status == "successful", _events_text(runner)
    assert not (home / ".descope-mgmt").exists(), "the trail went into the execution environment's home"
    return runner


@pytest.mark.slow
def test_example_configuration_under_runner_keeps_the_trail_with_the_audit_credential(
    awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path
) -> None:
    from audit_receiver import Receiver  # tests/ is on sys.path (integration conftest)

    receiver = Receiver(token=SINK_TOKEN)
    try:
        credential = _injected({"url": receiver.url, "format": "jsonl", "token": SINK_TOKEN, "key": AUDIT_KEY, "required": True})
        runner = _example_job(tmp_path, emulator, playbook.collections, credential)
        text = _events_text(runner)
        assert "[WARNING]" not in text, text
        declared = {item["id"] for item in yaml.safe_load((REPO / "examples" / "project" / "tenants.yml").read_text())["tenants"]}
        created = {e["target_id"] for e in receiver.received if e.get("operation") == "create" and e.get("target_type") == "tenant"}
        assert created == declared
        assert {e.get("awx_job_id") for e in receiver.received} == {"900"}
        assert all(e.get("key_id") for e in receiver.received)  # sealed with the credential's key
        # a plan step is not a second, planned-only copy of each change
        assert not any(e.get("check_mode") for e in receiver.received)
        assert SINK_TOKEN not in json.dumps(list(runner.events)) and AUDIT_KEY not in json.dumps(list(runner.events))
    finally:
        receiver.close()


def test_example_configuration_under_runner_without_a_durable_place_says_so(awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> None:
    runner = _example_job(tmp_path, emulator, playbook.collections, {})
    text = " ".join(_events_text(runner).split())
    assert "writes its audit trail only to the job's artifacts" in text, text
    assert "attach the 'Descope audit trail' credential" in text


def test_example_configuration_under_runner_with_a_persistent_path(awx_env: None, emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> None:
    persistent = tmp_path / "var-lib-descope-audit"  # what AWX_ISOLATION_SHOW_PATHS exposes to jobs
    runner = _example_job(tmp_path, emulator, playbook.collections, {"DESCOPE_AUDIT_DIR": str(persistent)})
    assert "[WARNING]" not in _events_text(runner)
    lines = [json.loads(x) for f in sorted(persistent.glob("*.jsonl")) for x in f.read_text().splitlines() if x.strip()]
    assert {e["target_id"] for e in lines if e["operation"] == "create"} >= {"acme", "globex", "initech"}
