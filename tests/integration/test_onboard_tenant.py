# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The descope.mgmt.onboard_tenant role through examples/playbooks/onboard_tenant.yml, run as documented, on the emulator.

The emulator gets the demo's seed (examples/demo/emulator-seed.json) and the example inventory is used as is, with
the connection overrides scripts/demo writes: check mode first, then the real run, then a run that changes nothing.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import typing as t

import pytest
import yaml
from playbook_output import playbook_warnings

pytestmark = pytest.mark.integration

REPO = pathlib.Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "demo" / "emulator-seed.json"
PLAYBOOK = REPO / "examples" / "playbooks" / "onboard_tenant.yml"


def _recap(stdout: str) -> dict[str, int]:
    found = re.search(r"^staging\s+:\s+(.*)$", stdout, re.MULTILINE)
    assert found, stdout
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", found.group(1))}


@pytest.fixture
def onboard(emulator: t.Any, playbook: t.Any, tmp_path: pathlib.Path) -> t.Any:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    emulator.seed(projects=seed["projects"])
    keys = {p["id"]: p["managementKey"] for p in seed["projects"]}
    override = {
        "descope_projects": {
            "hosts": {"staging": {"vault_descope_management_key": keys["P2StagingExampleProject00001"]}},
            "vars": {"descope_base_url": emulator.base_url, "ansible_python_interpreter": sys.executable},
        }
    }
    path = tmp_path / "emulator-inventory.yml"
    path.write_text(yaml.safe_dump(override), encoding="utf-8")
    env = {k: v for k, v in playbook.base_env().items() if not k.startswith("DESCOPE_")}
    env["DESCOPE_AUDIT_DIR"] = str(tmp_path / "audit")
    env["ANSIBLE_CALLBACKS_ENABLED"] = "descope.mgmt.descope_audit"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(REPO / "examples" / "inventory"), "-i", str(path), str(PLAYBOOK), *args]
        proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        # the example playbook and the role print no warning, whatever the run's outcome
        assert playbook_warnings(proc.stdout + proc.stderr) == [], proc.stdout + proc.stderr
        return proc

    return run


@pytest.mark.slow
def test_check_then_apply_then_nothing_to_do(onboard: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    project = "P2StagingExampleProject00001"
    emulator.clear_log()
    check = onboard("--check", "--diff")
    assert check.returncode == 0, check.stdout + check.stderr
    assert [r for r in emulator.requests() if r["write"]] == []
    assert _recap(check.stdout)["changed"] == 3  # tenant, SSO, settings: the whole change is shown first
    for shown in ("initech", "idp.initech.example", "initech-contractors", "inactivity_time", "lock_attempts"):
        assert shown in check.stdout, shown
    real = onboard("--diff")
    assert real.returncode == 0, real.stdout + real.stderr
    assert _recap(real.stdout)["changed"] == 3
    state = emulator.state(project=project)
    assert "initech" in {x["id"] for x in state["tenants"]}
    saml = {c["ssoId"]: c for c in state["sso"]["initech"]}[""]["saml"]
    assert saml["idpMetadataUrl"] == "https://idp.initech.example/saml/metadata.xml"
    assert sorted(m["role"]["name"] for m in saml["groupsMapping"]) == ["Member", "Tenant Admin"]
    assert state["passwordSettings"]["initech"]["minLength"] == 12 and state["passwordSettings"]["initech"]["lockAttempts"] == 5
    emulator.clear_log()
    again = onboard()
    assert again.returncode == 0, again.stdout + again.stderr
    assert _recap(again.stdout)["changed"] == 0
    assert [r for r in emulator.requests() if r["write"]] == []
    audit = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "audit").glob("*.jsonl"))  # trail files, not checkpoints
    targets = {json.loads(line).get("target_type") for line in audit.splitlines() if line.strip()}
    assert {"tenant", "sso", "tenant_settings"} <= targets


@pytest.mark.canary
def test_unknown_role_in_the_mapping_stops_before_any_write(onboard: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    customer = yaml.safe_load((REPO / "examples" / "project" / "customers" / "initech.yml").read_text(encoding="utf-8"))
    customer["onboard_tenant_id"] = "hooli"
    customer["onboard_tenant_name"] = "Hooli"
    customer["onboard_tenant_sso"]["role_mappings"][0]["role"] = "Ghost Role"
    path = tmp_path / "hooli.yml"
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    emulator.clear_log()
    check = onboard("--check", "-e", f"customer_file={path}")
    assert check.returncode != 0 and "Ghost Role" in check.stdout
    assert [r for r in emulator.requests() if r["write"]] == []


@pytest.mark.slow
def test_several_idps_per_customer_with_a_link_each(onboard: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    project = "P2StagingExampleProject00001"
    customer = yaml.safe_load((REPO / "examples" / "project" / "customers" / "initech.yml").read_text(encoding="utf-8"))
    employees = dict(customer.pop("onboard_tenant_sso"), sso_id="")
    secret = "onboard-okta-secret-5e6f7a"  # noqa: S105  # test value
    contractors = {
        "sso_id": "contractors",
        "display_name": "Contractors (Okta)",
        "protocol": "oidc",
        "oidc": {"name": "Okta", "client_id": "0oa2example", "client_secret": secret},
        "role_mappings": [{"groups": ["initech-contractors"], "role": "Member"}],
    }
    customer["onboard_tenant_sso_connections"] = [employees, contractors]
    customer["onboard_tenant_admin_link"] = True
    path = tmp_path / "initech-two-idps.yml"
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    emulator.clear_log()
    check = onboard("--check", "--diff", "-e", f"customer_file={path}")
    assert check.returncode == 0, check.stdout + check.stderr
    assert [r for r in emulator.requests() if r["write"]] == []
    assert "initech/contractors" in check.stdout
    real = onboard("-vvvv", "-e", f"customer_file={path}")
    assert real.returncode == 0, real.stdout + real.stderr
    configs = {c["ssoId"]: c for c in emulator.state(project=project)["sso"]["initech"]}
    assert configs[""]["saml"]["idpMetadataUrl"] and configs["contractors"]["oidc"]["clientId"] == "0oa2example"
    links = emulator.state(project=project)["adminLinks"]
    assert [(x["ssoId"], x["email"]) for x in links] == [("", ""), ("contractors", "")]  # one per IdP, no email sent
    assert "sso-setup?t=" not in real.stdout + real.stderr and secret not in real.stdout + real.stderr
    # a second run changes nothing but the links (new on every run they are asked for)
    customer["onboard_tenant_admin_link"] = False
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    emulator.clear_log()
    again = onboard("-e", f"customer_file={path}")
    assert again.returncode == 0 and _recap(again.stdout)["changed"] == 0, again.stdout
    # the customer drops the contractors IdP: prune removes that connection of initech only
    customer["onboard_tenant_sso_connections"] = [employees]
    customer["onboard_tenant_sso_prune"] = True
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    pruned = onboard("-e", f"customer_file={path}")
    assert pruned.returncode == 0, pruned.stdout + pruned.stderr
    assert [c["ssoId"] for c in emulator.state(project=project)["sso"]["initech"]] == [""]


def test_tenant_roles_are_created_then_renamed_in_place_keeping_the_sso_mapping(onboard: t.Any, emulator: t.Any, tmp_path: pathlib.Path) -> None:
    project = "P2StagingExampleProject00001"
    customer = yaml.safe_load((REPO / "examples" / "project" / "customers" / "initech.yml").read_text(encoding="utf-8"))
    customer["onboard_tenant_roles"] = [{"name": "Auditor", "description": "Reads the books"}]
    customer["onboard_tenant_sso"]["role_mappings"].append({"groups": ["initech-audit"], "role": "Auditor"})
    path = tmp_path / "initech-roles.yml"
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    emulator.clear_log()
    check = onboard("--check", "--diff", "-e", f"customer_file={path}")
    assert check.returncode == 0, check.stdout + check.stderr  # the role of a tenant not created yet is planned
    assert [r for r in emulator.requests() if r["write"]] == [] and "initech/Auditor" in check.stdout
    assert onboard("-e", f"customer_file={path}").returncode == 0
    roles = {(r["tenantId"], r["name"]) for r in emulator.state(project=project)["roles"]}
    assert ("initech", "Auditor") in roles
    # the customer renames the role: one update with newName, the SSO mapping keeps it, nothing pruned or recreated
    customer["onboard_tenant_roles"] = [{"name": "Initech Auditor", "previous_names": ["Auditor"], "description": "Reads the books"}]
    customer["onboard_tenant_roles_prune"] = True
    customer["onboard_tenant_sso"]["role_mappings"][-1]["role"] = "Initech Auditor"
    path.write_text(yaml.safe_dump(customer), encoding="utf-8")
    emulator.clear_log()
    check = onboard("--check", "--diff", "-e", f"customer_file={path}")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "role initech/Initech Auditor (after rename from initech/Auditor)" in check.stdout
    assert [r for r in emulator.requests() if r["write"]] == []
    real = onboard("-e", f"customer_file={path}")
    assert real.returncode == 0, real.stdout + real.stderr
    role_writes = [r["path"] for r in emulator.requests() if r["write"] and "/role/" in r["path"]]
    assert role_writes == ["/v1/mgmt/role/update"]
    state = emulator.state(project=project)
    roles = {(r["tenantId"], r["name"]) for r in state["roles"]}
    assert ("initech", "Initech Auditor") in roles and ("initech", "Auditor") not in roles
    saml = {c["ssoId"]: c for c in state["sso"]["initech"]}[""]["saml"]
    assert "Initech Auditor" in {m["role"]["name"] for m in saml["groupsMapping"]}
    emulator.clear_log()
    again = onboard("-e", f"customer_file={path}")
    assert again.returncode == 0 and _recap(again.stdout)["changed"] == 0, again.stdout
