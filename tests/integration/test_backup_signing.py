# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signed backups, through real ansible-playbook -vvvv runs (issue 12, docs/backups-and-restore.md).

The sha256 in the manifest catches accidents; an attacker who edits a file recomputes it. With a signing key the
manifest is HMAC-SHA256-signed: an edited backup is refused (check mode included) and a forged newer directory is
never taken as ``latest``.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import shutil
import typing as t

import pytest

BACKUP = "descope.mgmt.descope_backup"
KEY = "signing-key-for-tests-0123456789abcdef"


def _seed(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}, {"id": "initech", "name": "Initech"}])
    emulator.clear_log()


def _backup_root(playbook: t.Any, emulator: t.Any) -> pathlib.Path:
    return pathlib.Path(playbook.workdir) / "backups" / emulator.project_id


def _forge(directory: pathlib.Path, tenants: list[dict[str, t.Any]], **manifest_changes: t.Any) -> None:
    """What an attacker with write access does: edit tenants.json and recompute its sha256 in the manifest."""
    data = json.dumps({"tenants": tenants}).encode()
    (directory / "tenants.json").write_bytes(data)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["files"]["tenants.json"] = hashlib.sha256(data).hexdigest()
    manifest.update(manifest_changes)
    (directory / "manifest.json").write_text(json.dumps(manifest))


def _everything(run: t.Any, playbook: t.Any) -> str:
    files = [p for p in pathlib.Path(playbook.workdir).rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl", "")]
    return run.stdout + run.stderr + json.dumps(run.tasks) + "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def test_an_edited_backup_with_recomputed_sha256_is_refused_with_a_key(playbook: t.Any, emulator: t.Any) -> None:
    _seed(emulator)
    first = playbook.run([{"name": "backup", BACKUP: {"backup_dir": "backups", "signing_key": KEY}}], args=["-vvvv"])
    assert first.rc == 0 and first.task("backup")["backup"]["signed"] is True
    (name,) = [p.name for p in _backup_root(playbook, emulator).iterdir()]
    directory = _backup_root(playbook, emulator) / name
    assert json.loads((directory / "manifest.json").read_text())["signature"]["algorithm"] == "hmac-sha256"
    _forge(directory, [{"id": "acme", "name": "Acme"}, {"id": "intruder", "name": "Intruder"}])
    emulator.clear_log()
    restore = {BACKUP: {"backup_dir": "backups", "state": "restored", "backup": name, "prune": True, "include": ["tenants"]}, "ignore_errors": True}
    run = playbook.run(
        [{"name": "check", **restore}, {"name": "real", **restore}],
        check=False,
        env={"DESCOPE_BACKUP_SIGNING_KEY": KEY},
        args=["-vvvv"],
        callbacks=["descope.mgmt.descope_audit"],
    )
    checked = playbook.run([{"name": "check", **restore}], check=True, env={"DESCOPE_BACKUP_SIGNING_KEY": KEY})
    for result in (run.task("check"), run.task("real"), checked.task("check")):
        assert result["failed"] is True and "does not verify with the configured signing key" in result["msg"], result["msg"]
    assert emulator.writes() == [] and sorted(x["id"] for x in emulator.state()["tenants"]) == ["acme", "globex", "initech"]
    assert KEY not in _everything(run, playbook) and KEY not in _everything(first, playbook)
    # the same edit without a key passes the sha256 check ("accidents only", and restore says so); here only the
    # delete guard stops it (2 of 3 tenants), a forgery that deletes less would be restored
    plain = playbook.run([{"name": "check", **restore}], check=True)
    assert "accidental damage only" in plain.stdout + json.dumps(plain.tasks)
    assert "does not verify" not in plain.task("check")["msg"] and "would delete 2 of 3 existing tenant(s)" in plain.task("check")["msg"]
    assert emulator.writes() == []


def test_a_forged_newer_directory_is_not_taken_as_latest(playbook: t.Any, emulator: t.Any) -> None:
    _seed(emulator)
    env = {"DESCOPE_BACKUP_SIGNING_KEY": KEY}
    assert playbook.run([{"name": "backup", BACKUP: {"backup_dir": "backups"}}], env=env).rc == 0
    root = _backup_root(playbook, emulator)
    (real,) = [p.name for p in root.iterdir()]
    forged = root / "29991231T235959Z"
    shutil.copytree(root / real, forged)
    _forge(forged, [{"id": "evil", "name": "Evil"}], name=forged.name, created="2999-12-31T23:59:59Z")
    unsigned = root / "29991231T235958Z"
    shutil.copytree(forged, unsigned)
    manifest = json.loads((unsigned / "manifest.json").read_text())
    manifest.pop("signature")
    (unsigned / "manifest.json").write_text(json.dumps(manifest))
    emulator.clear_log()
    latest = {BACKUP: {"backup_dir": "backups", "state": "restored", "backup": "latest", "prune": True, "max_delete_ratio": 1, "include": ["tenants"]}}
    check = playbook.run([{"name": "restore", **latest}], check=True, env=env)
    result = check.task("restore")
    assert result.get("failed") is not True and result["backup"]["name"] == real, result.get("msg")
    assert not [x for x in result["tenants"] if x["action"] in ("created", "deleted")]
    assert emulator.writes() == []
    # without the key, the forged directory's checksums match: latest would be the forgery (documented limit)
    blind = playbook.run([{"name": "restore", **latest}], check=True)
    assert blind.task("restore")["backup"]["name"] == forged.name
    assert emulator.writes() == []


ROLE_TASK = "Back up the project and apply retention"


def _role(**role_vars: t.Any) -> list[dict[str, t.Any]]:
    return [{"name": "role", "ansible.builtin.include_role": {"name": "descope.mgmt.backup"}, "vars": {"backup_dir": "backups", **role_vars}}]


def _role_result(run: t.Any) -> dict[str, t.Any]:
    (found,) = [task["result"] for task in run.tasks if task["name"].endswith(ROLE_TASK)]
    return t.cast(dict[str, t.Any], found)


def _newest_manifest(playbook: t.Any, emulator: t.Any) -> dict[str, t.Any]:
    newest = sorted(_backup_root(playbook, emulator).iterdir())[-1]
    return t.cast(dict[str, t.Any], json.loads((newest / "manifest.json").read_text()))


@pytest.mark.canary
def test_the_backup_role_signs_with_its_variable_and_never_shows_the_key(playbook: t.Any, emulator: t.Any) -> None:
    _seed(emulator)
    run = playbook.run(_role(backup_signing_key=KEY), args=["-vvvv"], callbacks=["descope.mgmt.descope_audit"])
    assert run.rc == 0, run.stdout[-3000:]
    assert _role_result(run)["backup"]["signed"] is True
    manifest = _newest_manifest(playbook, emulator)
    assert manifest["signature"]["algorithm"] == "hmac-sha256"
    # signed with that key: a restore with it verifies, one with another key is refused
    name = manifest["name"]
    restore = {BACKUP: {"backup_dir": "backups", "state": "restored", "backup": name, "include": ["tenants"]}, "ignore_errors": True}
    good = playbook.run([{"name": "restore", **restore}], check=True, env={"DESCOPE_BACKUP_SIGNING_KEY": KEY})
    assert good.task("restore").get("failed") is not True, good.task("restore").get("msg")
    wrong = playbook.run([{"name": "restore", **restore}], check=True, env={"DESCOPE_BACKUP_SIGNING_KEY": KEY[::-1]})
    assert "does not verify with the configured signing key" in wrong.task("restore")["msg"]
    assert emulator.writes() == []
    # -vvvv prints the role's arguments, the module invocation and the registered result: the key is in none of them
    assert KEY not in _everything(run, playbook), "the signing key leaked into the output or a file"


@pytest.mark.parametrize("role_vars", [{}, {"backup_signing_key": ""}])
def test_the_backup_role_without_the_variable_still_signs_with_the_environment(playbook: t.Any, emulator: t.Any, role_vars: dict[str, str]) -> None:
    _seed(emulator)
    signed = playbook.run(_role(**role_vars), env={"DESCOPE_BACKUP_SIGNING_KEY": KEY}, args=["-vvvv"])
    assert signed.rc == 0 and _role_result(signed)["backup"]["signed"] is True
    assert _newest_manifest(playbook, emulator)["signature"]["algorithm"] == "hmac-sha256"
    assert KEY not in signed.stdout + signed.stderr
    emulator.seed(tenants=[{"id": "acme", "name": "Acme changed"}])  # a change, so the next run writes a backup
    plain = playbook.run(_role(**role_vars))
    assert plain.rc == 0 and _role_result(plain)["backup"]["signed"] is False
    assert "signature" not in _newest_manifest(playbook, emulator)
