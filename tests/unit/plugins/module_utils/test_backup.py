# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup layout, manifest, verification, retention and restore through the engines (real emulator, in process)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pathlib
import re
import shutil
import stat
import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _backup, _flow, _tenant
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError

REPO = pathlib.Path(__file__).resolve().parents[4]
UTC = datetime.timezone.utc  # noqa: UP017


def run(
    emulator: t.Any,
    backup_dir: pathlib.Path,
    check: bool = False,
    diff: bool = False,
    env: dict[str, str] | None = None,
    warnings: list[str] | None = None,
    **params: t.Any,
) -> dict[str, t.Any]:
    sink = warnings if warnings is not None else []
    return run_spec(_backup.SPEC, {"backup_dir": str(backup_dir), **params}, check=check, diff=diff, environ=env or emulator.env, warn=sink.append)


def create_tenant(emulator: t.Any, **body: t.Any) -> None:
    response = emulator.api("POST", "/v1/mgmt/tenant/create", json=body)
    assert response.status_code == 200, response.text


def normalised_state(emulator: t.Any) -> dict[str, t.Any]:
    """The project as a restore compares it: tenants' managed fields, flows' and theme's compare forms."""
    state = emulator.state()
    tenants = sorted((_backup.tenant_item(r) for r in state["tenants"]), key=lambda x: x["id"])
    flows = {fid: _flow.compare_form(flow) for fid, flow in state["flows"].items()}
    return {"tenants": tenants, "flows": flows, "theme": _flow.theme_compare_form(state["theme"])}


def backups(root: pathlib.Path, project_id: str) -> list[str]:
    base = root / project_id
    return sorted(p.name for p in base.iterdir()) if base.exists() else []


@pytest.fixture
def seeded(emulator: t.Any) -> t.Any:
    create_tenant(emulator, id="acme", name="Acme", selfProvisioningDomains=["acme.com"], customAttributes={"tier": "gold"})
    create_tenant(emulator, id="acme-eu", name="Acme EU", parent="acme", enforceSSO=True)
    create_tenant(emulator, id="globex", name="Globex", disabled=True)
    emulator.clear_log()
    return emulator


# -- pure helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "ok"),
    [
        ("flows/a.json", True),
        ("a", True),
        ("../x", False),
        ("/etc/passwd", False),
        ("a//b", False),
        ("a/./b", False),
        ("a\\b", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_relpath(rel: t.Any, ok: bool) -> None:
    assert _backup.safe_relpath(rel) is ok


def test_stamp_and_iso_are_utc() -> None:
    moment = datetime.datetime(2026, 11, 24, 8, 15, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert _backup.stamp_of(moment) == "20261124T071500Z"
    assert _backup.iso(moment) == "2026-11-24T07:15:00Z"
    assert _backup.parse_iso("2026-11-24T07:15:00Z") == moment
    assert _backup.parse_iso("yesterday") is None and _backup.parse_iso(5) is None


def test_collection_version_matches_galaxy() -> None:
    text = (REPO / "galaxy.yml").read_text(encoding="utf-8")
    version = re.search(r"^version:\s*(\S+)", text, re.M)
    assert version and version.group(1) == _backup.COLLECTION_VERSION


def _entry(name: str, days_old: float, now: datetime.datetime) -> _backup.Entry:
    return _backup.Entry(name, f"/b/{name}", now - datetime.timedelta(days=days_old), {})


def removed_names(plan: list[tuple[_backup.Entry, str]]) -> list[str]:
    return [entry.name for entry, _why in plan]


def test_plan_retention_rules() -> None:
    now = datetime.datetime(2026, 11, 24, tzinfo=UTC)
    entries = [_entry(f"b{i}", days, now) for i, days in enumerate([100, 50, 20, 10, 1])]
    assert removed_names(_backup.plan_retention(entries, 2, None, now)) == ["b0", "b1", "b2"]
    assert removed_names(_backup.plan_retention(entries, None, 30, now)) == ["b0", "b1"]
    # either rule selects: keep at most 4 AND nothing older than 15 days
    plan = _backup.plan_retention(entries, 4, 15, now)
    assert removed_names(plan) == ["b0", "b1", "b2"] and plan[0][1] == "keep_last=4" and plan[1][1] == "max_age_days=15"
    # the newest is never removed, even when it is too old
    old = [_entry("only", 400, now), _entry("older", 500, now)]
    assert removed_names(_backup.plan_retention(old, None, 1, now)) == ["older"]
    assert _backup.plan_retention([], 1, 1, now) == []


def test_snapshot_refusal_is_any_4xx_but_401_and_429_whatever_it_says() -> None:
    # the refusal's status, code and text are unpublished: no wording or code is guessed
    for status in (400, 402, 403, 404, 409, 422):
        assert _backup.is_snapshot_refusal(DescopeAPIError(status, "POST", "/x", error_description="Forbidden"))
    for status in (401, 429, 500, 503, None):
        assert not _backup.is_snapshot_refusal(DescopeAPIError(status, "POST", "/x", error_code="E112601"))
    reason = _backup.refusal_reason(DescopeAPIError(400, "POST", "/x", error_code="E0X", error_description="Not on your plan"))
    assert "HTTP 400" in reason and "E0X" in reason and "Not on your plan" in reason


def test_tenant_item_keeps_every_managed_field() -> None:
    item = _backup.tenant_item({"id": "t1", "name": "T1", "enforceSSO": True, "federatedAppIds": ["x"]})
    assert item == {
        "id": "t1",
        "name": "T1",
        "self_provisioning_domains": [],
        "custom_attributes": {},
        "enforce_sso": True,
        "enforce_sso_exclusions": [],
        "disabled": False,
        "default_roles": [],
    }
    assert set(item) <= set(_tenant.ITEM_KEYS)


# -- backup ---------------------------------------------------------------------------------------------


def test_backup_layout_manifest_modes_and_no_key(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(seeded, tmp_path)
    assert result["changed"] is True, result
    path = pathlib.Path(result["backup"]["path"])
    assert path.parent == tmp_path / seeded.project_id and re.match(r"^\d{8}T\d{6}Z$", path.name)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["format_version"] == 2 and manifest["project_id"] == seeded.project_id
    assert manifest["counts"] == {"tenants": 3, "flows": 2, "theme": 1, "snapshot_files": manifest["counts"]["snapshot_files"]}
    assert manifest["snapshot"]["status"] == "ok" and manifest["counts"]["snapshot_files"] > 0
    assert set(manifest["files"]) >= {"tenants.json", "flows/sign-in.json", "flows/sign-up-or-in.json", "theme.json", "snapshot/project.json"}
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((path / rel).read_bytes()).hexdigest() == digest  # plain sha256, not the code under test
    # tenants.json: parents before children, items descope_tenant accepts
    tenants = json.loads((path / "tenants.json").read_text())["tenants"]
    assert [x["id"] for x in tenants] == ["acme", "globex", "acme-eu"]
    assert tenants[2]["parent_tenant_id"] == "acme" and tenants[1]["disabled"] is True
    # modes: directories 0700, files 0600, and no temporary directory left behind
    for dirpath, _dirnames, filenames in os.walk(path):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o700
        for name in filenames:
            assert stat.S_IMODE(os.stat(os.path.join(dirpath, name)).st_mode) == 0o600
    assert backups(tmp_path, seeded.project_id) == [path.name]
    # the management key is nowhere on disk or in the result
    for file in path.rglob("*"):
        if file.is_file():
            assert seeded.management_key.encode() not in file.read_bytes()
    assert seeded.management_key not in json.dumps(result)
    assert seeded.writes() == []
    ops = result["descope_audit"]["operations"]
    assert [op["operation"] for op in ops] == ["backup"] and ops[0]["changed"] is True


def test_flow_files_deploy_unchanged_with_descope_flow(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    seeded.clear_log()
    args = {"state": "present", "src_dir": str(path / "flows"), "theme": str(path / "theme.json"), "prune": False, "protected_ids": [], "concurrency": 4}
    result = run_spec(_flow.SPEC, args, environ=seeded.env)
    assert result["changed"] is False and seeded.writes() == []
    tenants = json.loads((path / "tenants.json").read_text())["tenants"]
    result = run_spec(_tenant.SPEC, {"tenants": tenants, "prune": False, "concurrency": 4}, environ=seeded.env)
    assert result["changed"] is False and seeded.writes() == []


def test_backup_is_idempotent_and_force_writes(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    first = run(seeded, tmp_path)
    second = run(seeded, tmp_path)
    assert second["changed"] is False and second["backup"]["path"] == first["backup"]["path"]
    assert second["descope_audit"]["operations"] == [] and second["descope_audit"]["counts"] == {"backed_up": 0, "unchanged": 1}
    forced = run(seeded, tmp_path, force=True)
    assert forced["changed"] is True and len(backups(tmp_path, seeded.project_id)) == 2
    # a change in the project makes the next backup write
    create_tenant(seeded, id="initech", name="Initech")
    third = run(seeded, tmp_path)
    assert third["changed"] is True and third["backup"]["counts"]["tenants"] == 4


def test_backup_same_second_gets_a_suffix(seeded: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setattr(_backup._layout, "now", lambda: fixed)
    run(seeded, tmp_path)
    run(seeded, tmp_path, force=True)
    assert backups(tmp_path, seeded.project_id) == ["20260102T030405Z", "20260102T030405Z-1"]


def test_backup_check_mode_writes_nothing(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    target = tmp_path / "new"
    result = run(seeded, target, check=True, diff=True)
    assert result["changed"] is True and not target.exists()
    assert result["backup"]["path"].startswith(str(target / seeded.project_id))
    assert result["diff"][0]["after"]["counts"]["tenants"] == 3
    assert result["descope_audit"]["operations"][0]["outcome"] == "check" and seeded.writes() == []


def test_backup_include_subset(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(seeded, tmp_path, include=["tenants"])
    path = pathlib.Path(result["backup"]["path"])
    assert sorted(p.name for p in path.iterdir()) == ["manifest.json", "tenants.json"]
    assert result["backup"]["snapshot"] == {"status": "not_included"}
    paths = {r["path"] for r in seeded.requests()}
    assert paths == {"/v1/mgmt/tenant/all"}


def test_backup_without_snapshot_licence_still_succeeds(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(id="P2FreeBackupProject000001", managementKey="K2FreeBackupKey0000000001", license="free", tenants=[{"id": "t1", "name": "T1"}])
    env = dict(emulator.env, DESCOPE_PROJECT_ID="P2FreeBackupProject000001", DESCOPE_MANAGEMENT_KEY="K2FreeBackupKey0000000001")
    warnings: list[str] = []
    result = run(emulator, tmp_path, env=env, warnings=warnings)
    assert result["changed"] is True and "failed" not in result
    assert result["backup"]["snapshot"]["status"] == "unavailable" and "Pro licence" in result["backup"]["snapshot"]["reason"]
    assert "snapshot unavailable" in result["msg"] and any("snapshot was skipped" in w and "(tenants, flows, theme)" in w for w in warnings)
    manifest = json.loads((pathlib.Path(result["backup"]["path"]) / "manifest.json").read_text())
    assert manifest["snapshot"]["status"] == "unavailable" and manifest["counts"]["tenants"] == 1
    # and it is still idempotent
    assert run(emulator, tmp_path, env=env)["changed"] is False


def test_backup_refuses_to_write_the_management_key(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    create_tenant(emulator, id="leak", name="Leak", customAttributes={"note": emulator.management_key})
    result = run(emulator, tmp_path)
    assert result.get("failed") and "management key" in result["msg"] and "tenants.json" in result["msg"]
    assert emulator.management_key not in result["msg"]
    assert not (tmp_path / emulator.project_id).exists() or backups(tmp_path, emulator.project_id) == []


def test_backup_dir_that_is_a_file_is_refused(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(emulator, blocker)
    assert result.get("failed") and "is not a directory" in result["msg"] and emulator.requests() == []


def test_option_problems_are_reported_together(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(emulator, tmp_path, concurrency=0, keep_last=0, max_age_days=-1, include=[], backup="latest")
    fields = {p["field"] for p in result["validation_errors"]}
    assert fields == {"concurrency", "keep_last", "max_age_days", "include", "backup"} and emulator.requests() == []


def test_missing_credentials_fail_before_any_file_access(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(emulator, tmp_path / "x", env={"DESCOPE_BASE_URL": emulator.base_url})
    assert result.get("failed") and "DESCOPE_MANAGEMENT_KEY" in result["msg"] and not (tmp_path / "x").exists()


# -- verify ---------------------------------------------------------------------------------------------


def test_verify_names_every_bad_file(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    assert _backup.verify(str(path), seeded.project_id)["project_id"] == seeded.project_id
    (path / "flows" / "sign-in.json").write_text("{}\n")
    (path / "theme.json").unlink()
    (path / "flows" / "extra.json").write_text("{}\n")
    with pytest.raises(_backup.BackupVerifyError) as caught:
        _backup.verify(str(path), seeded.project_id)
    files = {f["file"]: f["problem"] for f in caught.value.error_dict()["files"]}
    assert set(files) == {"flows/sign-in.json", "theme.json", "flows/extra.json"}
    assert "does not match" in files["flows/sign-in.json"] and "missing" in files["theme.json"] and "not listed" in files["flows/extra.json"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("{not json", "cannot be read as JSON"),
        ('{"format": "other"}', "not a descope.mgmt backup manifest"),
        ('{"format": "descope.mgmt.backup", "format_version": 99}', "upgrade the descope.mgmt collection"),
        ('{"format": "descope.mgmt.backup", "format_version": 1, "project_id": "P1"}', "malformed"),
    ],
)
def test_read_manifest_errors(tmp_path: pathlib.Path, content: str | None, expected: str) -> None:
    if content is not None:
        (tmp_path / "manifest.json").write_text(content)
    with pytest.raises(_backup.DescopeFileError) as caught:
        _backup.read_manifest(str(tmp_path))
    assert expected in str(caught.value) and "manifest.json" in str(caught.value)


def test_manifest_with_traversal_path_is_refused(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["files"]["../outside.json"] = "0" * 64
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(_backup.BackupVerifyError) as caught:
        _backup.verify(str(path), seeded.project_id)
    assert "outside the backup" in str(caught.value)


# -- restore --------------------------------------------------------------------------------------------


def mutate(emulator: t.Any) -> None:
    """Change and delete tenants and flows, change the theme, add a tenant and a flow."""
    assert emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "acme", "name": "Acme Renamed", "disabled": True}).status_code == 200
    assert emulator.api("POST", "/v1/mgmt/tenant/delete", json={"id": "globex"}).status_code == 200
    create_tenant(emulator, id="newco", name="NewCo")
    exported = emulator.api("POST", "/v2/mgmt/flow/export", json={"flowId": "sign-in"}).json()["flow"]
    exported["metadata"]["description"] = "edited in the console"
    assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": exported}).status_code == 200
    assert emulator.api("POST", "/v1/mgmt/flow/delete", json={"ids": ["sign-up-or-in"]}).status_code == 200
    extra = dict(exported, flowId="added-later")
    assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": extra}).status_code == 200
    theme = emulator.api("POST", "/v2/mgmt/theme/export", json={}).json()["theme"]
    theme["styles"]["light"]["globals"] = {"fontFamily": "Comic Sans"}
    assert emulator.api("POST", "/v2/mgmt/theme/import", json={"theme": theme}).status_code == 200


def test_restore_round_trip_check_mode_then_real_then_unchanged(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    expected = normalised_state(seeded)
    mutate(seeded)
    seeded.clear_log()

    preview = run(seeded, tmp_path, check=True, diff=True, state="restored", backup="latest", prune=True)
    assert preview["changed"] is True and seeded.writes() == [], preview
    actions = {x["id"]: x["action"] for x in preview["tenants"]}
    assert actions == {"acme": "updated", "acme-eu": "unchanged", "globex": "created", "newco": "deleted"}
    assert {x["id"]: x["action"] for x in preview["flows"]} == {"sign-in": "updated", "sign-up-or-in": "created", "added-later": "deleted"}
    assert preview["theme"]["action"] == "updated"
    headers = [d["before_header"] for d in preview["diff"]]
    assert "tenant acme (before)" in headers and any("flow" in h for h in headers)

    result = run(seeded, tmp_path, diff=True, state="restored", backup="latest", prune=True)
    assert result["changed"] is True and "failed" not in result, result
    assert {x["id"]: x["action"] for x in result["tenants"]} == actions
    assert normalised_state(seeded) == expected
    ops = {op["operation"] for op in result["descope_audit"]["operations"]}
    assert {"restore", "update", "create", "delete"} <= ops
    assert seeded.management_key not in json.dumps(result)

    seeded.clear_log()
    again = run(seeded, tmp_path, state="restored", backup="latest", prune=True)
    assert again["changed"] is False and seeded.writes() == [], again
    assert "already matches" in again["msg"]


def test_restore_makes_one_client_for_every_planner(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    # each planner works on a copy of the task context; a copy made before the client existed made its own:
    # one more licence handshake that every later request waited for (and one more connection pool)
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.clear_log()
    env = {**seeded.env, "DESCOPE_LICENSE_HANDSHAKE": "true"}
    result = run(seeded, tmp_path, env=env, state="restored", backup="latest", prune=True)
    assert result["changed"] is True and "failed" not in result, result
    log = seeded.requests()
    assert [r["path"] for r in log].count("/v1/mgmt/license") == 1 and log[0]["path"] == "/v1/mgmt/license"


def test_restore_reads_the_snapshot_and_the_theme_beside_the_lists(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    # held 0.3 s each by the emulator, so requests sent together overlap there on any machine load; nothing is timed
    seeded.faults({"path": "*", "kind": "delay", "seconds": 0.3, "count": None})
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup="latest", prune=True, concurrency=4)
    assert result["changed"] is True and "failed" not in result, result
    log = seeded.requests()
    first = {r["path"]: r for r in reversed(log)}  # the first request of each path

    def together(a: str, b: str) -> bool:
        return first[a]["started"] < first[b]["ended"] and first[b]["started"] < first[a]["ended"]

    assert together("/v1/mgmt/project/snapshot/export", "/v1/mgmt/tenant/all")
    assert together("/v2/mgmt/theme/export", "/v1/mgmt/flow/list")
    exports = [r for r in log if r["path"] == "/v2/mgmt/flow/export"]
    assert exports and all(r["started"] >= first["/v1/mgmt/project/snapshot/export"]["ended"] for r in exports)
    assert max(r["in_flight"] for r in log) <= 4
    # one at a time with concurrency 1, and the same plan
    seeded.clear_faults()
    mutate(seeded)
    seeded.clear_log()
    again = run(seeded, tmp_path, state="restored", backup="latest", prune=True, concurrency=1)
    assert [x["action"] for x in again["tenants"]] == [x["action"] for x in result["tenants"]]
    assert [r["in_flight"] for r in seeded.requests()] == [1] * len(seeded.requests())


def test_restore_without_prune_keeps_newer_objects_and_protected_ids(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    kept = run(seeded, tmp_path, state="restored", backup="latest")
    assert "failed" not in kept, kept
    state = seeded.state()
    assert "newco" in {x["id"] for x in state["tenants"]} and "added-later" in state["flows"]
    pruned = run(seeded, tmp_path, state="restored", backup="latest", prune=True, protected_ids=["newco"])
    state = seeded.state()
    assert "newco" in {x["id"] for x in state["tenants"]} and "added-later" not in state["flows"]
    assert {x["id"]: x["action"] for x in pruned["flows"]}["added-later"] == "deleted"


def test_restore_snapshot_validates_then_imports(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    assert seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"}).status_code == 200
    seeded.clear_log()
    check = run(seeded, tmp_path, check=True, state="restored", backup="latest")
    assert check["snapshot"]["action"] == "imported" and check["snapshot"]["files"] == ["project.json"] and seeded.writes() == []
    assert "/v1/mgmt/project/snapshot/validate" in [r["path"] for r in seeded.requests()]
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup="latest")
    paths = [r["path"] for r in seeded.requests()]
    assert paths.index("/v1/mgmt/project/snapshot/validate") < paths.index("/v1/mgmt/project/snapshot/import")
    assert [w["path"] for w in seeded.writes()] == ["/v1/mgmt/project/snapshot/import"] and result["changed"] is True
    seeded.clear_log()
    assert run(seeded, tmp_path, state="restored", backup="latest")["changed"] is False and seeded.writes() == []


def test_snapshot_layout_of_the_emulator_is_pinned(seeded: t.Any) -> None:
    """The layout the restore is tested against (tests/emulator/project.py): a change must be deliberate.
    Only snapshot.json and the per-flow folder follow a public source (descopecli snapshot/)."""
    files = seeded.api("POST", "/v1/mgmt/project/snapshot/export", json={}).json()["files"]
    shapes = {k if not k.startswith("flows/") else "flows/<id>/" + k.split("/", 2)[2].split("-", 1)[0] for k in files}
    assert shapes == {
        "snapshot.json",
        "project.json",
        "theme/theme.json",
        "flows/<id>/metadata.json",
        "flows/<id>/contents.json",
        "flows/<id>/screen",
        "connectors/CN2httpConnector000000000001.json",
        "assets/logo.png",
    }


def test_restore_never_resends_flows_or_the_theme_in_the_snapshot(seeded: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils import _client

    run(seeded, tmp_path)
    mutate(seeded)  # flows, theme and tenants differ from the backup
    assert seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"}).status_code == 200
    sent: list[tuple[str, t.Any]] = []
    real = _client.DescopeClient.request

    def recording(self: t.Any, method: str, path: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
        sent.append((path, kwargs.get("body")))
        return real(self, method, path, *args, **kwargs)

    monkeypatch.setattr(_client.DescopeClient, "request", recording)
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert "failed" not in result, result.get("msg")
    (imported,) = [body for path, body in sent if path == "/v1/mgmt/project/snapshot/import"]
    (validated,) = [body for path, body in sent if path == "/v1/mgmt/project/snapshot/validate"]
    for body in (imported, validated):
        keys = set(body["files"])
        assert "project.json" in keys and not any(k.startswith("flows/") for k in keys) and "theme/theme.json" not in keys
    # the flow and theme steps restored them on their own, and the project name came back through the snapshot
    assert seeded.state()["name"] != "Renamed" and result["theme"]["action"] == "updated"
    assert result["snapshot"]["files"] == ["project.json"]


def test_backup_stores_snapshot_images_as_the_bytes_the_cli_writes(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    import base64

    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    exported = seeded.api("POST", "/v1/mgmt/project/snapshot/export", json={}).json()["files"]["assets/logo.png"]
    assert (path / "snapshot" / "assets" / "logo.png").read_bytes() == base64.b64decode(exported)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["snapshot"]["files"]["assets/logo.png"] == "binary" and manifest["format_version"] == 2
    flow = json.loads((path / "flows" / "sign-in.json").read_text())
    assert "flow" not in flow and flow["flowId"] == "sign-in"  # the bare object: `descope flow import` reads it as is
    assert "styles" in json.loads((path / "theme.json").read_text())
    # and the same backup restores to "no differences" (the image goes back as the same base64 text)
    seeded.clear_log()
    assert run(seeded, tmp_path, state="restored", backup="latest")["changed"] is False and seeded.writes() == []


def test_restore_refuses_a_snapshot_descope_rejects_before_any_write(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"})
    seeded.clear_log()
    seeded.faults({"path": "/v1/mgmt/project/snapshot/validate", "kind": "status", "status": 400, "count": 1})
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and seeded.writes() == []


def test_restore_tampered_backup_makes_no_request(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    tenants_file = path / "tenants.json"
    tenants_file.write_text(tenants_file.read_text().replace("Acme", "Evil"))
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup=path.name)
    assert result.get("failed") and "tenants.json" in result["msg"] and "does not verify" in result["msg"]
    assert result["error"]["files"][0]["file"] == "tenants.json" and seeded.requests() == []


@pytest.mark.parametrize("ref", ["20200101T000000Z", "/nonexistent/backup"])
def test_restore_unknown_backup(seeded: t.Any, tmp_path: pathlib.Path, ref: str) -> None:
    run(seeded, tmp_path)
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup=ref)
    assert result.get("failed") and "is not a backup directory" in result["msg"] and "available:" in result["msg"]
    assert seeded.requests() == []


def test_restore_errors_for_missing_dir_no_backups_and_other_project(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(seeded, tmp_path / "missing", state="restored", backup="latest")
    assert result.get("failed") and "does not exist" in result["msg"]
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "holds no valid backup" in result["msg"]
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    other = tmp_path / "P2OtherProject" / path.name
    shutil.copytree(path, other)
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup=str(other))
    assert "failed" not in result  # the same project's backup, wherever it is stored
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["project_id"] = "P2OtherProject"
    (other / "manifest.json").write_text(json.dumps(manifest))
    result = run(seeded, tmp_path, state="restored", backup=str(other))
    assert result.get("failed") and "backup of project 'P2OtherProject'" in result["msg"] and seeded.writes() == []


def test_restore_skips_sections_the_backup_lacks(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path, include=["tenants"])
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result["changed"] is False and any("flows not restored" in n for n in result["notes"])
    assert result["flows"] == [] and "theme" not in result


def test_restore_refuses_a_parent_change(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    # deleting the parent orphans acme-eu (its parent is cleared), which a restore cannot re-parent
    seeded.api("POST", "/v1/mgmt/tenant/delete", json={"id": "acme"})
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "parent" in result["msg"] and seeded.writes() == []


# -- retention ------------------------------------------------------------------------------------------


def make_backups(emulator: t.Any, root: pathlib.Path, ages_days: list[int], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    base = datetime.datetime.now(UTC).replace(microsecond=0)
    for age in ages_days:
        moment = base - datetime.timedelta(days=age)
        monkeypatch.setattr(_backup._layout, "now", lambda moment=moment: moment)
        run(emulator, root, force=True)
    monkeypatch.setattr(_backup._layout, "now", lambda: base)
    return backups(root, emulator.project_id)


def test_retention_state_absent(emulator: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = make_backups(emulator, tmp_path, [40, 30, 20, 10, 0], monkeypatch)
    project = tmp_path / emulator.project_id
    (project / "20000101T000000Z").mkdir()  # looks like a backup, has no manifest: never touched
    (project / "notes.txt").write_text("mine")
    emulator.clear_log()
    preview = run(emulator, tmp_path, check=True, state="absent", keep_last=3)
    assert [r["name"] for r in preview["removed"]] == names[:2] and preview["changed"] is True
    assert backups(tmp_path, emulator.project_id) == sorted([*names, "20000101T000000Z", "notes.txt"])
    assert preview["ignored"][0]["name"] == "20000101T000000Z"
    result = run(emulator, tmp_path, state="absent", keep_last=3, max_age_days=15)
    assert [r["name"] for r in result["removed"]] == names[:3] and result["kept"] == names[3:]
    assert backups(tmp_path, emulator.project_id) == sorted([*names[3:], "20000101T000000Z", "notes.txt"])
    assert [op["operation"] for op in result["descope_audit"]["operations"]] == ["retention"] * 3
    assert emulator.requests() == []
    again = run(emulator, tmp_path, state="absent", keep_last=3, max_age_days=15)
    assert again["changed"] is False and again["removed"] == []


def test_retention_after_backup_counts_the_new_one(emulator: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = make_backups(emulator, tmp_path, [3, 2], monkeypatch)
    create_tenant(emulator, id="x", name="X")
    preview = run(emulator, tmp_path, check=True, keep_last=1)
    assert [r["name"] for r in preview["removed"]] == names and backups(tmp_path, emulator.project_id) == names
    result = run(emulator, tmp_path, keep_last=1)
    assert result["changed"] is True and backups(tmp_path, emulator.project_id) == [result["backup"]["name"]]
    assert {op["operation"] for op in result["descope_audit"]["operations"]} == {"backup", "retention"}


def test_retention_needs_an_existing_directory(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run(emulator, tmp_path / "nope", state="absent", keep_last=1)
    assert result.get("failed") and "does not exist" in result["msg"]
    empty = run(emulator, tmp_path, state="absent", keep_last=1)
    assert empty["changed"] is False and empty["removed"] == []


# -- failure paths --------------------------------------------------------------------------------------


def test_render_files_refuses_unsafe_names() -> None:
    cap = _backup.Capture(include=["flows", "snapshot"], flows={"../evil": {"metadata": {}}}, snapshot_files={"../../etc/cron": "x"}, snapshot_status="ok")
    with pytest.raises(_backup.DescopeValidationError) as caught:
        _backup.render_files(cap)
    assert [p.field for p in caught.value.problems] == ["flows", "snapshot"]


def test_failed_write_leaves_no_partial_backup(seeded: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def broken(path: str, data: bytes) -> None:
        calls.append(path)
        if len(calls) > 2:
            raise OSError(28, "No space left on device")
        pathlib.Path(path).write_bytes(data)

    monkeypatch.setattr(_backup._store, "_write_private", broken)
    result = run(seeded, tmp_path)
    assert result.get("failed") and "No space left" in result["msg"] and "nothing was kept" in result["msg"]
    assert list((tmp_path / seeded.project_id).iterdir()) == []


def test_a_newest_backup_that_does_not_verify_is_replaced(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    (path / "theme.json").write_text("{}")
    warnings: list[str] = []
    result = run(seeded, tmp_path, warnings=warnings, force=False)
    assert result["changed"] is True and result["backup"]["path"] != str(path)
    assert any("does not verify" in w for w in warnings)


def test_restore_stops_after_a_failed_tenant_write(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"})
    seeded.clear_log()
    seeded.faults({"path": "/v1/mgmt/tenant/update", "kind": "status", "status": 400, "count": 1})
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "tenant writes failed" in result["msg"]
    assert {x["id"]: x["action"] for x in result["tenants"]}["acme"] == "failed"
    written = {w["path"] for w in seeded.writes()}
    assert "/v2/mgmt/flow/import" not in written and "/v1/mgmt/project/snapshot/import" not in written
    assert result["snapshot"]["action"] == "skipped"
    (summary,) = [op for op in result["descope_audit"]["operations"] if op["operation"] == "restore"]
    assert summary["outcome"] == "failed" and "tenant writes failed" in summary["error"]["message"]


def test_restore_reports_a_failed_flow_write(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.faults({"path": "/v2/mgmt/flow/import", "kind": "status", "status": 400})
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "flow or theme writes failed" in result["msg"]
    assert any(x["action"] == "failed" for x in result["flows"])
    (summary,) = [op for op in result["descope_audit"]["operations"] if op["operation"] == "restore"]
    assert summary["action"] == "failed" and summary["outcome"] == "failed"


def test_restore_snapshot_rejected_by_validate(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"})
    seeded.clear_log()
    body = json.dumps({"ok": False, "failures": ["connector 'x' needs a secret"], "missingSecrets": {"connectors": [{"id": "x", "name": "X"}]}})
    seeded.faults({"path": "/v1/mgmt/project/snapshot/validate", "kind": "status", "status": 200, "body": body, "count": 1})
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "needs a secret" in result["msg"] and "secrets needed for: X" in result["msg"]
    assert seeded.writes() == []


def test_restore_skips_the_snapshot_without_licence(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    seeded.api("POST", "/v1/mgmt/project/update/name", json={"name": "Renamed"})
    body = json.dumps({"errorCode": "E112601", "errorDescription": "Project license does not allow this operation"})
    seeded.faults({"path": "/v1/mgmt/project/snapshot/export", "kind": "status", "status": 403, "body": body})
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert "failed" not in result and any("snapshot not restored" in n and "HTTP 403" in n for n in result["notes"])


@pytest.mark.parametrize("status", [400, 402, 404])
def test_backup_degrades_on_any_snapshot_refusal_keeping_the_raw_reason(seeded: t.Any, tmp_path: pathlib.Path, status: int) -> None:
    # a refusal with an unknown status, code and wording (none of the old guessed words) used to fail the backup
    body = json.dumps({"errorCode": "E999001", "errorDescription": "Feature not in plan"})
    seeded.faults({"path": "/v1/mgmt/project/snapshot/export", "kind": "status", "status": status, "body": body})
    warnings: list[str] = []
    result = run(seeded, tmp_path, warnings=warnings)
    assert "failed" not in result and result["changed"] is True
    manifest = json.loads((pathlib.Path(result["backup"]["path"]) / "manifest.json").read_text())
    assert manifest["snapshot"]["status"] == "unavailable" and f"HTTP {status}" in manifest["snapshot"]["reason"]
    assert "E999001" in manifest["snapshot"]["reason"] and "Feature not in plan" in manifest["snapshot"]["reason"]
    assert manifest["counts"]["tenants"] >= 1 and manifest["counts"]["flows"] >= 1
    assert any("snapshot was skipped" in w for w in warnings)


def test_backup_still_fails_on_a_bad_key_during_the_snapshot(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    seeded.faults({"path": "/v1/mgmt/project/snapshot/export", "kind": "status", "status": 401})
    result = run(seeded, tmp_path)
    assert result.get("failed")


def test_restore_of_a_backup_without_snapshot_or_flows(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    emulator.seed(id="P2FreeBackupProject000001", managementKey="K2FreeBackupKey0000000001", license="free", tenants=[{"id": "t1", "name": "T1"}])
    env = dict(emulator.env, DESCOPE_PROJECT_ID="P2FreeBackupProject000001", DESCOPE_MANAGEMENT_KEY="K2FreeBackupKey0000000001")
    run(emulator, tmp_path, env=env)
    result = run(emulator, tmp_path, env=env, state="restored", backup="latest")
    assert "failed" not in result, result
    assert any("snapshot not restored" in n for n in result["notes"]) and any("flows: the backup holds none" in n for n in result["notes"])
    refused = run(emulator, tmp_path, env=env, state="restored", backup="latest", prune=True)
    assert refused.get("failed") and "would delete every unprotected flow" in refused["msg"]


def test_restore_refuses_a_malformed_tenants_file_listed_in_the_manifest(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    (path / "tenants.json").write_text('{"tenants": {}}')
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["files"]["tenants.json"] = _backup.sha256_file(str(path / "tenants.json"))  # a consistent but wrong backup
    (path / "manifest.json").write_text(json.dumps(manifest))
    seeded.clear_log()
    result = run(seeded, tmp_path, state="restored", backup="latest")
    assert result.get("failed") and "$.tenants" in result["msg"] and seeded.requests() == []


def test_retention_diff_lists_before_and_after(emulator: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = make_backups(emulator, tmp_path, [2, 1], monkeypatch)
    result = run(emulator, tmp_path, diff=True, state="absent", keep_last=1)
    assert result["diff"][0]["before"]["backups"] == names and result["diff"][0]["after"]["backups"] == names[1:]


def test_restore_uses_the_bytes_it_verified_not_the_file_changed_afterwards(seeded: t.Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file rewritten between verification and use (a race, or an attacker) is never read: restore parses the verified bytes."""
    path = pathlib.Path(run(seeded, tmp_path)["backup"]["path"])
    mutate(seeded)
    real = _backup._restore.verify_contents

    def verify_then_tamper(where: str, project_id: str, key: bytes | None = None) -> t.Any:
        verified = real(where, project_id, key)
        tampered = {"tenants": [{"id": "intruder", "name": "Intruder"}]}
        (path / "tenants.json").write_text(json.dumps(tampered))  # after the checksums were checked
        return verified

    monkeypatch.setattr(_backup._restore, "verify_contents", verify_then_tamper)
    result = run(seeded, tmp_path, state="restored", backup="latest", prune=True)
    assert "failed" not in result, result
    ids = {x["id"] for x in seeded.state()["tenants"]}
    assert "intruder" not in ids and ids == {"acme", "globex", "acme-eu"}


def test_restore_reads_and_plans_flows_before_writing_any_tenant(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    """The flow list failing is found while planning: no tenant is written first (it used to be, then the flows failed)."""
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.clear_log()
    seeded.faults({"path": "/v1/mgmt/flow/list", "kind": "status", "status": 500})
    result = run(seeded, tmp_path, state="restored", backup="latest", prune=True, retries=0)
    assert result.get("failed") and result["error"]["status"] == 500, result
    assert seeded.writes() == []


def test_restore_skips_flows_and_snapshot_after_a_tenant_write_failed(seeded: t.Any, tmp_path: pathlib.Path) -> None:
    run(seeded, tmp_path)
    mutate(seeded)
    seeded.clear_log()
    seeded.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": 400})
    result = run(seeded, tmp_path, state="restored", backup="latest", prune=True, retries=0)
    assert result.get("failed") and "tenant writes failed, so flows, the theme and the snapshot were not restored" in result["msg"]
    assert not [w for w in seeded.writes() if "/flow/" in w["path"] or "/theme/" in w["path"] or "/snapshot/" in w["path"]]
    assert {x["action"] for x in result["flows"]} <= {"skipped", "unchanged"} and result["descope_audit"]["operations"][-1]["outcome"] == "failed"
