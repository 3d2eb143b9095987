# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_backup through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest


def create_tenant(emulator: t.Any, **body: t.Any) -> None:
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json=body).status_code == 200


def project_state(emulator: t.Any) -> dict[str, t.Any]:
    """Tenants (managed fields) and flows/theme (content, without what the server manages)."""
    state = emulator.state()
    keys = ("id", "name", "selfProvisioningDomains", "customAttributes", "enforceSSO", "enforceSSOExclusions", "disabled", "parent", "defaultRoles")
    tenants = sorted(({k: x.get(k) for k in keys if x.get(k) not in (None, "", [], {}, False)} for x in state["tenants"]), key=lambda x: x["id"])
    flows = {fid: {k: v for k, v in flow.items() if k not in ("version", "etag", "modifiedTime")} for fid, flow in state["flows"].items()}
    return {"tenants": tenants, "flows": flows, "theme": state["theme"]}


def mutate(emulator: t.Any) -> None:
    emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "acme", "name": "Acme Changed", "customAttributes": {"tier": "bronze"}})
    emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "globex"})
    create_tenant(emulator, id="newco", name="NewCo")
    flow = emulator.api("POST", "/v2/mgmt/flow/export", json={"flowId": "sign-in"}).json()["flow"]
    flow["contents"]["tasks"]["2"]["action"] = "otp.signIn.sms"
    emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": flow})
    emulator.api("POST", "/v1/mgmt/flow/delete", json={"ids": ["sign-up-or-in"]})
    emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": dict(flow, flowId="later")})


@pytest.fixture
def seeded(emulator: t.Any) -> t.Any:
    create_tenant(emulator, id="acme", name="Acme", selfProvisioningDomains=["acme.com"], customAttributes={"tier": "gold"})
    create_tenant(emulator, id="acme-eu", name="Acme EU", parent="acme")
    create_tenant(emulator, id="globex", name="Globex", enforceSSO=True)
    emulator.clear_log()
    return emulator


BACKUP = {"name": "backup", "descope.mgmt.descope_backup": {"backup_dir": "backups"}}
RESTORE = {"name": "restore", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "restored", "backup": "latest", "prune": True}}


@pytest.mark.slow
@pytest.mark.smoke
def test_backup_change_restore_equals_backed_up_state(playbook: t.Any, seeded: t.Any) -> None:
    first = playbook.run([BACKUP])
    assert first.rc == 0, first.stdout + first.stderr
    assert first.task("backup")["changed"] is True and seeded.writes() == []
    expected = project_state(seeded)
    mutate(seeded)
    seeded.clear_log()

    dry = playbook.run([RESTORE], check=True, diff=True)
    assert dry.rc == 0, dry.stdout + dry.stderr
    assert dry.task("restore")["changed"] is True and seeded.writes() == []
    assert "tenant acme" in dry.stdout  # the diff is shown

    real = playbook.run([RESTORE], diff=True)
    assert real.rc == 0, real.stdout + real.stderr
    result = real.task("restore")
    assert {x["id"]: x["action"] for x in result["tenants"]} == {"acme": "updated", "acme-eu": "unchanged", "globex": "created", "newco": "deleted"}
    assert {x["id"]: x["action"] for x in result["flows"]} == {"sign-in": "updated", "sign-up-or-in": "created", "later": "deleted"}
    assert project_state(seeded) == expected

    seeded.clear_log()
    again = playbook.run([RESTORE])
    assert again.rc == 0 and again.task("restore")["changed"] is False
    assert seeded.writes() == []


def test_tampered_backup_is_refused_with_zero_writes(playbook: t.Any, seeded: t.Any) -> None:
    assert playbook.run([BACKUP]).rc == 0
    mutate(seeded)
    root = pathlib.Path(playbook.workdir) / "backups" / seeded.project_id
    backup = next(root.iterdir())
    flow_file = backup / "flows" / "sign-in.json"
    data = json.loads(flow_file.read_text())
    data["metadata"]["name"] = "Tampered"  # format 2: the bare flow object, as the Descope CLI writes it
    flow_file.write_text(json.dumps(data))
    seeded.clear_log()
    result = playbook.run([RESTORE])
    assert result.rc != 0
    assert result.status("restore") == "failed"
    assert "flows/sign-in.json" in result.task("restore")["msg"] and seeded.writes() == []


def test_check_mode_backup_writes_nothing_on_disk_or_api(playbook: t.Any, seeded: t.Any) -> None:
    result = playbook.run([BACKUP], check=True)
    assert result.rc == 0 and result.task("backup")["changed"] is True
    assert not (pathlib.Path(playbook.workdir) / "backups").exists() and seeded.writes() == []


@pytest.mark.slow
def test_retention_keeps_exactly_what_it_should(playbook: t.Any, seeded: t.Any) -> None:
    forced = {"name": "backup", "descope.mgmt.descope_backup": {"backup_dir": "backups", "force": True}}
    # distinct seconds are not needed: same-second backups get -1, -2 suffixes and sort after the first
    made = playbook.run([forced, forced, forced, forced])
    assert made.rc == 0, made.stdout + made.stderr
    root = pathlib.Path(playbook.workdir) / "backups" / seeded.project_id
    names = sorted(p.name for p in root.iterdir())
    assert len(names) == 4
    newest = [t_["result"]["backup"]["name"] for t_ in made.tasks][-1]

    preview = playbook.run([{"name": "retention", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "absent", "keep_last": 2}}], check=True)
    assert preview.rc == 0 and len(preview.task("retention")["removed"]) == 2
    assert sorted(p.name for p in root.iterdir()) == names

    real = playbook.run([{"name": "retention", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "absent", "keep_last": 2}}])
    assert real.rc == 0, real.stdout + real.stderr
    kept = sorted(p.name for p in root.iterdir())
    assert len(kept) == 2 and newest in kept and real.task("retention")["kept"] == [n for n in real.task("retention")["kept"] if n in kept]
    # max_age_days: 0 would remove everything older than now, but never the newest
    age = playbook.run([{"name": "retention", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "absent", "max_age_days": 0}}])
    assert age.rc == 0 and sorted(p.name for p in root.iterdir()) == [newest]
    assert seeded.writes() == []


def test_backup_of_another_project_is_refused(playbook: t.Any, seeded: t.Any) -> None:
    assert playbook.run([BACKUP]).rc == 0
    backup = next((pathlib.Path(playbook.workdir) / "backups" / seeded.project_id).iterdir())
    other = playbook.run(
        [{"name": "restore", "descope.mgmt.descope_backup": {"backup_dir": "backups", "state": "restored", "backup": str(backup)}}],
        env={"DESCOPE_PROJECT_ID": "P2EmulatorFreeProject0000001", "DESCOPE_MANAGEMENT_KEY": "K2EmulatorFreeManagementKey0001"},
    )
    assert other.rc != 0 and other.status("restore") == "failed" and "backup of project" in other.task("restore")["msg"]
    assert seeded.writes() == []
