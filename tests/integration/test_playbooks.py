# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's playbooks, run by full name over an inventory of two projects on the emulator."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import typing as t

import pytest
import yaml
from harness import run_spec
from playbook_output import playbook_warnings

STAGING = {"id": "P2PlaybookStagingProject0001", "managementKey": "K2PlaybookStagingKeyNotSecret"}
PRODUCTION = {"id": "P2PlaybookProductionProject01", "managementKey": "K2PlaybookProductionKeyNotSecret"}
AUDIT_KEY = "playbooks-audit-key-0123456789"
DECLARED = [
    {"id": "acme", "name": "Acme Corp", "self_provisioning_domains": ["acme.com"]},
    {"id": "globex", "name": "Globex"},
]


@pytest.fixture
def projects(emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> t.Any:
    emulator.seed(
        projects=[
            dict(STAGING, tenants=[{"id": "acme", "name": "Acme"}]),
            dict(PRODUCTION, tenants=[{"id": "acme", "name": "Acme Corp", "selfProvisioningDomains": ["acme.com"]}, {"id": "globex", "name": "Globex"}]),
        ]
    )
    inventory = {
        "descope_projects": {
            "hosts": {
                "staging": {"descope_project_id": STAGING["id"], "descope_management_key": STAGING["managementKey"]},
                "production": {
                    "descope_project_id": PRODUCTION["id"],
                    "descope_management_key": PRODUCTION["managementKey"],
                    "descope_tenants_prune": True,
                },
            },
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "descope_base_url": emulator.base_url,
                "descope_tenants": DECLARED,
                "descope_backup_dir": str(tmp_path / "backups"),
            },
        }
    }
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory), encoding="utf-8")
    env = {k: v for k, v in playbook.base_env().items() if not k.startswith("DESCOPE_")}
    env["DESCOPE_AUDIT_DIR"] = str(tmp_path / "audit")
    env["ANSIBLE_CALLBACKS_ENABLED"] = "descope.mgmt.descope_audit"  # as the docs set it up (without it: a warning)
    env["DESCOPE_AUDIT_KEY"] = AUDIT_KEY  # sealed as the docs recommend (without it the report warns)

    def run(name: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(path), f"descope.mgmt.{name}", *args]
        proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
        # the collection's own playbooks print no warning, whatever the run's outcome
        assert playbook_warnings(proc.stdout + proc.stderr) == [], proc.stdout + proc.stderr
        return proc

    return run


@pytest.mark.slow
def test_drift_fails_per_project_then_passes_after_sync(projects: t.Any, emulator: t.Any) -> None:
    drift = projects("drift")
    assert drift.returncode == 2, drift.stdout + drift.stderr
    assert "staging: 2 difference(s)" in drift.stdout
    assert "production: in sync" in drift.stdout
    assert "tenant acme would be updated" in drift.stdout
    assert "tenant globex would be created" in drift.stdout
    assert emulator.writes() == []  # drift is check mode only

    sync = projects("sync")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert "staging                    : ok=" in sync.stdout

    again = projects("drift")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "staging: in sync" in again.stdout and "production: in sync" in again.stdout


@pytest.mark.slow
def test_sync_prune_backs_up_only_when_something_changes(projects: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    backups = tmp_path / "backups" / PRODUCTION["id"]
    unchanged = projects("sync", "--limit", "production")
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert not backups.exists()  # nothing to change: no backup, no write
    assert emulator.writes() == []

    # someone adds a tenant in the console; prune will delete it, so a backup is taken first
    current = [{"id": "acme", "name": "Acme Corp", "selfProvisioningDomains": ["acme.com"]}, {"id": "globex", "name": "Globex"}]
    emulator.seed(projects=[dict(PRODUCTION, tenants=[*current, {"id": "stray", "name": "Created in the console"}])])
    pruned = projects("sync", "--limit", "production")
    assert pruned.returncode == 0, pruned.stdout + pruned.stderr
    taken = sorted(p.name for p in backups.iterdir())
    assert len(taken) == 1
    saved = (backups / taken[0] / "tenants.json").read_text(encoding="utf-8")
    assert '"stray"' in saved  # the backup holds what the prune deleted
    assert sorted(t["id"] for t in emulator.state(project=PRODUCTION["id"])["tenants"]) == ["acme", "globex"]

    again = projects("sync", "--limit", "production")
    assert again.returncode == 0
    assert "changed=0" in again.stdout
    assert sorted(p.name for p in backups.iterdir()) == taken


def test_restore_needs_a_confirmation_naming_the_project(projects: t.Any, emulator: t.Any) -> None:
    refused = projects("restore", "--limit", "staging")
    assert refused.returncode == 2
    assert "-e descope_restore_confirm=staging" in refused.stdout
    assert emulator.writes() == []


@pytest.mark.canary
@pytest.mark.slow
def test_backup_and_restore_playbooks_sign_and_verify_with_the_signing_key_variable(projects: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    key = "playbook-signing-key-0123456789abcdef"
    (tmp_path / "signing.yml").write_text(f"descope_backup_signing_key: {key}\n", encoding="utf-8")  # as a vars file (ansible -vvvv echoes -e k=v)
    signed = projects("backup", "--limit", "staging", "-e", "@signing.yml", "-vvvv")
    assert signed.returncode == 0, signed.stdout[-2000:]
    (taken,) = (tmp_path / "backups" / STAGING["id"]).iterdir()
    assert json.loads((taken / "manifest.json").read_text(encoding="utf-8"))["signature"]["algorithm"] == "hmac-sha256"
    preview = ("restore", "--limit", "staging", "--check", "-e", "descope_restore_safety_backup=false")
    assert projects(*preview, "-e", f"descope_backup_signing_key={key}").returncode == 0
    refused = projects(*preview, "-e", f"descope_backup_signing_key={key[::-1]}")
    assert refused.returncode == 2 and "holds no valid backup" in refused.stdout and "signed with the configured signing key" in refused.stdout
    assert key not in signed.stdout + signed.stderr and key[::-1] not in refused.stdout + refused.stderr
    assert emulator.writes() == []


@pytest.mark.slow
def test_drift_covers_roles_tenant_settings_and_sso_when_declared(emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> None:
    """An out-of-band change of a role and of a tenant setting (through the API) is reported by the drift playbook."""
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], permissions=[{"name": "read"}], roles=[{"name": "viewer", "permissionNames": ["read"]}])
    settings = {"tenant_id": "acme", "session": {"inactivity_time": 45, "inactivity_time_unit": "minutes"}, "password_policy": {"min_length": 14}}
    sso = {
        "tenant_id": "acme",
        "protocol": "saml",
        "saml": {"metadata_url": "https://idp.example/m.xml"},
        "role_mappings": [{"role": "viewer", "groups": ["staff"]}],
    }
    for spec, params in (("descope_tenant_settings", settings), ("descope_sso", sso)):
        assert run_spec(spec, params, environ=emulator.env)["changed"]
    host = {
        "descope_project_id": emulator.env["DESCOPE_PROJECT_ID"],
        "descope_management_key": emulator.env["DESCOPE_MANAGEMENT_KEY"],
        "descope_base_url": emulator.base_url,
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "descope_tenants": [{"id": "acme", "name": "Acme"}],
        "descope_permissions": [{"name": "read"}],
        "descope_roles": [{"name": "viewer", "permission_names": ["read"]}],
        "descope_tenant_settings": [settings],
        "descope_sso": [sso],
    }
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"descope_projects": {"hosts": {"project": host}}}), encoding="utf-8")
    env = {k: v for k, v in playbook.base_env().items() if not k.startswith("DESCOPE_")}
    env["DESCOPE_AUDIT_DIR"] = str(tmp_path / "audit")
    cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(path), "descope.mgmt.drift"]

    def drift() -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)

    clean = drift()
    assert clean.returncode == 0 and "project: in sync" in clean.stdout, clean.stdout + clean.stderr
    # out of band, as someone in the console would: a permission removed from the role, a shorter inactivity timeout
    emulator.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "viewer", "permissionNames": []}).raise_for_status()
    emulator.api("POST", "/v1/mgmt/tenant/settings", json={"tenantId": "acme", "inactivityTime": 3, "inactivityTimeUnit": "hours"}).raise_for_status()
    emulator.clear_log()
    drifted = drift()
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    assert "project: 2 difference(s)" in drifted.stdout
    assert "role viewer would be updated" in drifted.stdout and "settings of tenant acme would be updated" in drifted.stdout
    assert emulator.writes() == []  # drift is check mode only

    synced = subprocess.run([*cmd[:-1], "descope.mgmt.sync"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    written = sorted({r["path"] for r in emulator.writes()})
    assert written == ["/v1/mgmt/role/update", "/v1/mgmt/tenant/settings"], written  # only what drifted is written back
    again = drift()
    assert again.returncode == 0 and "project: in sync" in again.stdout, again.stdout + again.stderr


def _trail(tmp_path: pathlib.Path) -> list[dict[str, t.Any]]:
    return [json.loads(x) for f in sorted((tmp_path / "audit").glob("*.jsonl")) for x in f.read_text().splitlines() if x.strip()]


@pytest.mark.slow
def test_a_role_plan_is_printed_once_and_is_not_recorded_as_a_change(projects: t.Any, tmp_path: pathlib.Path) -> None:
    backup = ("--limit", "staging", "-e", "descope_backup=true")  # the tenants role plans first, to back up only on change
    dry = projects("sync", "--check", *backup)
    assert dry.returncode == 0, dry.stdout
    assert dry.stdout.count("tenant globex: would be created") == 1  # --check skips the plan: the list appears once
    real = projects("sync", *backup)
    assert real.returncode == 0, real.stdout
    assert "(plan only; the list follows when it is applied)" in real.stdout
    assert real.stdout.count("tenant globex: created") == 1
    lines = [e for e in _trail(tmp_path) if e.get("module") == "descope_tenant"]
    dry_run, real_run = sorted({e["run_id"] for e in lines}, key=[e["run_id"] for e in lines].index)
    planned = sorted((e["target_id"], e["operation"]) for e in lines if e["run_id"] == dry_run)
    applied = sorted((e["target_id"], e["operation"]) for e in lines if e["run_id"] == real_run)
    assert planned == applied == [("acme", "update"), ("globex", "create")]
    assert all(e["check_mode"] for e in lines if e["run_id"] == dry_run)
    assert not any(e["check_mode"] for e in lines if e["run_id"] == real_run)  # no planned-only copy in the real run

    drift = projects("drift", "--limit", "staging")
    assert drift.returncode == 0, drift.stdout
    assert "(check mode: nothing was written)" in drift.stdout and "plan only" not in drift.stdout

    report = projects("audit_report")
    assert report.returncode == 0, report.stdout
    changed = [e for e in _trail(tmp_path) if e["changed"]]
    assert sum(1 for e in changed if e["check_mode"]) == 2  # the dry run's plan
    summary = " ".join(report.stdout.split())
    applied_count = sum(1 for e in changed if not e["check_mode"])
    assert f"changes applied: {applied_count}, planned in check mode (nothing written): 2," in summary
    assert applied_count >= 2  # the two tenant writes, plus the backup taken before them
