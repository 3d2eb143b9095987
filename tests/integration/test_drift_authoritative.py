# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift sees every managed field (issue 12): a tenants file exported by descope_tenant_info is the whole truth.

Each managed field of a different tenant is edited through the official Descope Python SDK against the emulator
(a console-side change); the descope.mgmt.drift playbook must report every one, and descope.mgmt.sync revert them.
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib
import subprocess
import sys
import typing as t

import pytest
import yaml
from playbook_output import playbook_warnings

# the official SDK edits the fields out of band; the compatibility stages install it and set
# DESCOPE_TEST_REQUIRE_SDK, so there a missing SDK fails instead of skipping this smoke test
descope = importlib.import_module("descope") if os.environ.get("DESCOPE_TEST_REQUIRE_SDK") else pytest.importorskip("descope")

ROLES = [{"name": "viewer"}, {"name": "editor"}]
ATTRIBUTES = [{"id": "plan", "type": "string"}]
TENANTS = [{"id": tid, "name": f"Tenant {tid}"} for tid in ("t-name", "t-domains", "t-attrs", "t-sso", "t-excl", "t-disabled", "t-roles", "t-full")]
TENANTS[-1] = {"id": "t-full", "name": "Full", "selfProvisioningDomains": ["full.example"], "customAttributes": {"plan": "pro"}, "enforceSSO": True}


def _managed(emulator: t.Any) -> dict[str, t.Any]:
    keys = ("name", "selfProvisioningDomains", "customAttributes", "enforceSSO", "enforceSSOExclusions", "disabled", "defaultRoles")
    return {x["id"]: {k: x.get(k) or None for k in keys} for x in emulator.state()["tenants"]}


@pytest.mark.slow
@pytest.mark.smoke
def test_each_managed_field_edited_through_the_sdk_is_drift_and_sync_reverts_it(playbook: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(tenants=TENANTS, roles=ROLES, customAttributes=ATTRIBUTES)
    export = playbook.run([{"name": "export", "descope.mgmt.descope_tenant_info": {}, "register": "out"}])
    tenants = export.task("export")["tenants"]
    assert {t["id"]: t["disabled"] for t in tenants}["t-name"] is False  # empty and false fields are exported
    assert all(
        set(t) >= {"self_provisioning_domains", "custom_attributes", "enforce_sso", "enforce_sso_exclusions", "disabled", "default_roles"} for t in tenants
    )
    declared = tmp_path / "tenants.yml"
    declared.write_text(yaml.safe_dump({"tenants": tenants}), encoding="utf-8")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "descope_projects": {
                    "hosts": {"project": {"descope_tenants_file": str(declared), "descope_backup": False}},
                    "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                }
            }
        ),
        encoding="utf-8",
    )
    env = playbook.base_env()
    env["ANSIBLE_CALLBACKS_ENABLED"] = "descope.mgmt.descope_audit"  # as the docs set it up (without it: a warning)

    def run(name: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), f"descope.mgmt.{name}"]
        proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
        assert playbook_warnings(proc.stdout + proc.stderr) == [], proc.stdout + proc.stderr
        return proc

    first = run("drift")
    assert first.returncode == 0 and "project: in sync" in first.stdout, first.stdout[-3000:]
    before = _managed(emulator)

    sdk = descope.DescopeClient(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)
    tenant = sdk.mgmt.tenant
    tenant.update("t-name", "Renamed in the console")
    tenant.update("t-domains", "Tenant t-domains", self_provisioning_domains=["added.example"])
    tenant.update("t-attrs", "Tenant t-attrs", custom_attributes={"plan": "free"})
    tenant.update("t-sso", "Tenant t-sso", enforce_sso=True)
    tenant.update("t-excl", "Tenant t-excl", enforce_sso_exclusions=["user-1"])
    tenant.update("t-disabled", "Tenant t-disabled", disabled=True)
    tenant.update_default_roles("t-roles", ["viewer"])
    tenant.update("t-full", "Full")  # clears domains, attributes and SSO enforcement: removals are drift too
    edited = {"t-name", "t-domains", "t-attrs", "t-sso", "t-excl", "t-disabled", "t-roles", "t-full"}
    assert {tid for tid, fields in _managed(emulator).items() if fields != before[tid]} == edited
    emulator.clear_log()

    drift = run("drift")
    assert drift.returncode == 2, drift.stdout[-3000:]
    assert f"project: {len(edited)} difference(s)" in drift.stdout
    for tid in edited:
        assert f"tenant {tid} would be updated" in drift.stdout
    assert emulator.writes() == []

    sync = run("sync")
    assert sync.returncode == 0, sync.stdout[-3000:]
    assert _managed(emulator) == before
    again = run("drift")
    assert again.returncode == 0 and "project: in sync" in again.stdout
    assert emulator.management_key not in drift.stdout + sync.stdout + json.dumps(export.tasks)
